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

namespace {

// Bytes as `width`-bit digits of `alphabet`, most significant first, the
// last digit padded with zero bits (no '=' padding): base64url and base32.
std::string encode_digits(ByteView data, const char* alphabet, int width) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  const uint32_t mask = (1u << width) - 1;
  for (uint8_t b : data) {
    acc = (acc << 8 | b) & 0xffff;
    bits += 8;
    while (bits >= width) {
      bits -= width;
      out.push_back(alphabet[(acc >> bits) & mask]);
    }
  }
  if (bits > 0) out.push_back(alphabet[(acc << (width - bits)) & mask]);
  return out;
}

// The inverse; `value` gives a digit's value or -1. Refuses a tail that
// encode_digits would not have written (a whole spare digit, or nonzero
// padding bits), so every text has one spelling.
template <typename Value>
std::optional<Bytes> decode_digits(std::string_view text, Value value, int width) {
  Bytes out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << width | static_cast<uint32_t>(v)) & 0xffff;
    bits += width;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  if (bits >= width || (acc & ((1u << bits) - 1)) != 0) return std::nullopt;  // non-canonical tail
  return out;
}

int digit_in(const char* alphabet, size_t size, char c) {
  const char* p = c ? std::char_traits<char>::find(alphabet, size, c) : nullptr;
  return p ? static_cast<int>(p - alphabet) : -1;
}

const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const char* kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int crockford_value(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (c == 'O') return 0;
  if (c == 'I' || c == 'L') return 1;
  return digit_in(kCrockford, 32, c);
}

}  // namespace

std::string base64url(ByteView data) { return encode_digits(data, kB64, 6); }

std::optional<Bytes> from_base64url(std::string_view text) {
  return decode_digits(
      text, [](char c) { return digit_in(kB64, 64, c); }, 6);
}

std::string crockford_base32(ByteView data) { return encode_digits(data, kCrockford, 5); }

std::optional<Bytes> from_crockford_base32(std::string_view text) { return decode_digits(text, crockford_value, 5); }

}  // namespace gb
