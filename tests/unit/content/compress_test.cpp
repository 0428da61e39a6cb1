#include <doctest/doctest.h>

#include <random>

#include "core/content/compress.h"

using namespace gb;

namespace {
Bytes random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes b(n);
  for (auto& c : b) c = static_cast<uint8_t>(rng());
  return b;
}
Bytes text_bytes(size_t n) {
  Bytes b(n);
  const char* words = "the quick brown fox jumps over the lazy dog and backs up the whole machine ";
  size_t len = std::char_traits<char>::length(words);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(words[(i * 7 + i / len) % len]);
  return b;
}
void round_trips(const Bytes& data) {
  Bytes packed = compress(data, 3);
  auto back = decompress(packed);
  REQUIRE(back);
  CHECK(*back == data);
}
}  // namespace

TEST_CASE("compress: incompressible segments are stored raw without compressing them whole") {
  Bytes noise = random_bytes(1 << 20, 1);
  Bytes packed = compress(noise, 3);
  CHECK(packed[0] == 0);
  CHECK(packed.size() == noise.size() + 1);
  round_trips(noise);
  // Small inputs below the probe's size take the full attempt, and random ones stay raw too.
  Bytes small_noise = random_bytes(100 << 10, 2);
  CHECK(compress(small_noise, 3)[0] == 0);
  round_trips(small_noise);
}

TEST_CASE("compress: a segment that shrinks where sampled is compressed whole") {
  Bytes text = text_bytes(1 << 20);
  Bytes packed = compress(text, 3);
  CHECK(packed[0] == 1);
  CHECK(packed.size() < text.size() / 4);
  round_trips(text);
  // Random but with a compressible middle (the probe samples start, middle and end).
  Bytes mixed = random_bytes(1 << 20, 3);
  std::fill(mixed.begin() + (1 << 19) - (64 << 10), mixed.begin() + (1 << 19) + (64 << 10), 0);
  Bytes mixed_packed = compress(mixed, 3);
  CHECK(mixed_packed[0] == 1);
  CHECK(mixed_packed.size() < mixed.size() - (100 << 10));
  round_trips(mixed);
  // Tiny inputs are never compressed.
  Bytes tiny = text_bytes(40);
  CHECK(compress(tiny, 3)[0] == 0);
  round_trips(tiny);
}
