#include "core/common/bytes.h"

namespace gb {

std::string to_hex(ByteView data) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (uint8_t b : data) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<Bytes> from_hex(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  Bytes out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::optional<Hash> hash_from_hex(std::string_view hex) {
  auto bytes = from_hex(hex);
  if (!bytes || bytes->size() != 32) return std::nullopt;
  Hash h;
  std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

static const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(ByteView data) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : data) {
    acc = acc << 8 | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kB64[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kB64[(acc << (6 - bits)) & 63]);
  return out;
}

std::optional<Bytes> from_base64url(std::string_view text) {
  Bytes out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const char* p = c ? std::char_traits<char>::find(kB64, 64, c) : nullptr;
    if (!p) return std::nullopt;
    acc = acc << 6 | static_cast<uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  if (bits >= 6 || (acc & ((1u << bits) - 1)) != 0) return std::nullopt;  // non-canonical tail
  return out;
}

static const char* kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

std::string crockford_base32(ByteView data) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : data) {
    acc = acc << 8 | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kCrockford[(acc >> bits) & 31]);
    }
  }
  if (bits > 0) out.push_back(kCrockford[(acc << (5 - bits)) & 31]);
  return out;
}

static int crockford_value(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (c == 'O') return 0;
  if (c == 'I' || c == 'L') return 1;
  const char* p = c ? std::char_traits<char>::find(kCrockford, 32, c) : nullptr;
  return p ? static_cast<int>(p - kCrockford) : -1;
}

std::optional<Bytes> from_crockford_base32(std::string_view text) {
  Bytes out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = crockford_value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 5 | static_cast<uint32_t>(v)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0) return std::nullopt;  // non-canonical tail
  return out;
}

}  // namespace gb
