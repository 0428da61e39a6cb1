#include <doctest/doctest.h>

#include <random>
#include <vector>

#include "core/grid/share_codec.h"

using namespace gb;

namespace {

Bytes random_object(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes b(size);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

std::vector<Share> checked(const std::vector<Bytes>& raw) {
  std::vector<Share> out;
  for (const auto& r : raw) {
    auto s = check_share(r);
    REQUIRE(s);
    out.push_back(std::move(*s));
  }
  return out;
}

std::vector<const Share*> pick(const std::vector<Share>& shares, std::vector<int> indices) {
  std::vector<const Share*> out;
  for (int i : indices) out.push_back(&shares[i]);
  return out;
}

}  // namespace

TEST_CASE("shares: the primary shares alone rebuild the object without decoding, at every length") {
  for (size_t size : {size_t{0}, size_t{1}, size_t{2}, size_t{3}, size_t{100}, size_t{3 * kShareBlockSize}, size_t{3 * kShareBlockSize + 1},
                      size_t{7 * kShareBlockSize + 12345}}) {
    CAPTURE(size);
    Bytes object = random_object(size, static_cast<uint32_t>(size));
    auto raw = encode_shares(3, 5, object);
    REQUIRE(raw);
    REQUIRE(raw->size() == 5);
    auto shares = checked(*raw);
    for (const auto& s : shares) CHECK(s.intact());
    AssembleStats stats;
    auto primaries = pick(shares, {0, 1, 2});
    auto back = assemble_object(primaries, &stats);
    REQUIRE(back);
    CHECK(*back == object);
    CHECK(stats.decoded_segments == 0);
    // Shares are about a third of the object each (plus header and hash table).
    CHECK((*raw)[4].size() <= kShareHeaderSize + 32 * 5 * shares[0].layout.segments() + size / 3 + 1);
  }
}

TEST_CASE("shares: every choice of 3 of 5 shares rebuilds the object; encoding is deterministic") {
  Bytes object = random_object(2 * 3 * kShareBlockSize + 777, 1);
  auto raw = encode_shares(3, 5, object);
  REQUIRE(raw);
  auto again = encode_shares(3, 5, object);
  REQUIRE(again);
  CHECK(*raw == *again);
  auto shares = checked(*raw);
  for (uint32_t mask = 0; mask < 32; ++mask) {
    if (__builtin_popcount(mask) != 3) continue;
    std::vector<int> chosen;
    for (int i = 0; i < 5; ++i)
      if (mask >> i & 1) chosen.push_back(i);
    CAPTURE(mask);
    AssembleStats stats;
    auto back = assemble_object(pick(shares, chosen), &stats);
    REQUIRE(back);
    CHECK(*back == object);
    CHECK((stats.decoded_segments == 0) == (mask == 0b00111));
  }
  CHECK_FALSE(decodable(pick(shares, {0, 4})));
  CHECK(assemble_object(pick(shares, {0, 4})).error().kind == ErrorKind::Corrupt);
}

TEST_CASE("shares: a damaged block is detected and skipped, never decoded into the object") {
  Bytes object = random_object(3 * 3 * kShareBlockSize, 2);  // three segments
  auto raw = encode_shares(3, 5, object);
  REQUIRE(raw);
  // One flipped byte in segment 1 of share 0, segment 2 of share 1, segment 0 of share 3.
  auto flip = [&](int share, uint64_t segment) {
    ShareLayout lay = ShareLayout::for_object(3, 5, object.size());
    (*raw)[share][lay.block_offset(segment) + 1000] ^= 0x40;
  };
  flip(0, 1);
  flip(1, 2);
  flip(3, 0);
  auto shares = checked(*raw);
  CHECK_FALSE(shares[0].intact());
  CHECK(shares[0].good == std::vector<uint8_t>{1, 0, 1});
  CHECK(shares[1].good == std::vector<uint8_t>{1, 1, 0});
  CHECK(shares[3].good == std::vector<uint8_t>{0, 1, 1});
  // Three of five shares are damaged, but each segment still has three good blocks.
  AssembleStats stats;
  auto all = pick(shares, {0, 1, 2, 3, 4});
  auto back = assemble_object(all, &stats);
  REQUIRE(back);
  CHECK(*back == object);
  CHECK(stats.decoded_segments == 2);
  // With only the damaged primaries and one parity share, segment 1 lacks blocks.
  CHECK_FALSE(decodable(pick(shares, {0, 1, 2})));
}

TEST_CASE("shares: a damaged header, hash table or length makes the whole share unusable") {
  Bytes object = random_object(5000, 3);
  auto raw = encode_shares(2, 4, object);
  REQUIRE(raw);
  Bytes header_hit = (*raw)[1];
  header_hit[17] ^= 1;  // object length
  CHECK(check_share(header_hit).error().kind == ErrorKind::Corrupt);
  Bytes table_hit = (*raw)[1];
  table_hit[kShareHeaderSize + 3] ^= 1;
  CHECK(check_share(table_hit).error().kind == ErrorKind::Corrupt);
  Bytes truncated((*raw)[1].begin(), (*raw)[1].end() - 1);
  CHECK(check_share(truncated).error().kind == ErrorKind::Corrupt);
  CHECK(check_share(Bytes{'G', 'B'}).error().kind == ErrorKind::Corrupt);
  Bytes index_hit = (*raw)[1];
  index_hit[7] = 0;  // claims to be share 0: its blocks do not match share 0's hashes
  auto wrong = check_share(index_hit);
  REQUIRE(wrong);
  CHECK(wrong->good_blocks() == 0);
}

TEST_CASE("shares: shares of different versions are never combined; repair re-encodes identically") {
  Bytes a = random_object(9000, 4), b = random_object(9000, 5);
  auto ra = encode_shares(2, 3, a), rb = encode_shares(2, 3, b);
  REQUIRE(ra);
  REQUIRE(rb);
  auto sa = checked(*ra), sb = checked(*rb);
  std::vector<const Share*> mixed = {&sa[0], &sb[1]};
  CHECK_FALSE(assemble_object(mixed));
  // Encoding again with the stored block size gives the very same shares.
  auto redo = encode_shares(2, 3, a, sa[0].layout.block_size);
  REQUIRE(redo);
  CHECK(*redo == *ra);
}
