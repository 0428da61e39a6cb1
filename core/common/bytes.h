// Byte buffers and the textual encodings we use for them.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gb {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;
using Hash = std::array<uint8_t, 32>;  // SHA-256 digests and 256-bit keys

inline ByteView as_bytes(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }
inline std::string to_string(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

std::string to_hex(ByteView data);
std::optional<Bytes> from_hex(std::string_view hex);
std::optional<Hash> hash_from_hex(std::string_view hex);
std::string base64url(ByteView data);  // unpadded
std::optional<Bytes> from_base64url(std::string_view text);
// Crockford's base32 (0-9 A-Z without I L O U; big-endian bits, the last
// character padded with zero bits): the alphabet of what people copy by hand
// and of QR codes' compact mode. Reading is case-insensitive and takes O for
// 0 and I or L for 1, the usual misreadings.
std::string crockford_base32(ByteView data);
std::optional<Bytes> from_crockford_base32(std::string_view text);

struct HashHasher {
  size_t operator()(const Hash& h) const noexcept {
    size_t v;
    static_assert(sizeof(v) <= sizeof(Hash));
    __builtin_memcpy(&v, h.data(), sizeof(v));  // already uniformly distributed
    return v;
  }
};

}  // namespace gb
