#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "core/grid/erasure_code.h"

using namespace gb;

namespace {

std::vector<std::vector<int>> subsets(int n, int k) {
  std::vector<std::vector<int>> out;
  for (uint32_t mask = 0; mask < (1u << n); ++mask)
    if (__builtin_popcount(mask) == k) {
      std::vector<int> s;
      for (int i = 0; i < n; ++i)
        if (mask >> i & 1) s.push_back(i);
      out.push_back(s);
    }
  return out;
}

}  // namespace

TEST_CASE("erasure code: every choice of k blocks rebuilds every data block") {
  std::mt19937 rng(7);
  for (auto [k, n] : std::vector<std::pair<int, int>>{{1, 3}, {2, 4}, {3, 5}, {4, 6}, {3, 3}, {5, 8}}) {
    for (size_t len : {size_t{1}, size_t{31}, size_t{4103}}) {
      CAPTURE(k);
      CAPTURE(n);
      CAPTURE(len);
      auto code = ErasureCode::get(k, n);
      REQUIRE(code);
      std::vector<std::vector<uint8_t>> blocks(n, std::vector<uint8_t>(len));
      for (int j = 0; j < k; ++j)
        for (auto& b : blocks[j]) b = static_cast<uint8_t>(rng());
      std::vector<const uint8_t*> data;
      std::vector<uint8_t*> parity;
      for (int j = 0; j < k; ++j) data.push_back(blocks[j].data());
      for (int p = k; p < n; ++p) parity.push_back(blocks[p].data());
      (*code)->encode(data.data(), parity.data(), len);
      for (const auto& have : subsets(n, k)) {
        std::vector<const uint8_t*> have_blocks;
        for (int h : have) have_blocks.push_back(blocks[h].data());
        std::vector<int> wanted;
        for (int j = 0; j < k; ++j)
          if (std::find(have.begin(), have.end(), j) == have.end()) wanted.push_back(j);
        std::vector<std::vector<uint8_t>> out(wanted.size(), std::vector<uint8_t>(len));
        std::vector<uint8_t*> out_ptrs;
        for (auto& o : out) out_ptrs.push_back(o.data());
        REQUIRE((*code)->decode(have, have_blocks.data(), wanted, out_ptrs.data(), len));
        for (size_t w = 0; w < wanted.size(); ++w) CHECK(out[w] == blocks[wanted[w]]);
      }
    }
  }
}

TEST_CASE("erasure code: the order of the blocks given does not matter; bad requests are refused") {
  auto code = ErasureCode::get(3, 5);
  REQUIRE(code);
  std::vector<std::vector<uint8_t>> blocks(5, std::vector<uint8_t>(64));
  for (int j = 0; j < 3; ++j)
    for (size_t i = 0; i < 64; ++i) blocks[j][i] = static_cast<uint8_t>(j * 64 + i);
  const uint8_t* data[3] = {blocks[0].data(), blocks[1].data(), blocks[2].data()};
  uint8_t* parity[2] = {blocks[3].data(), blocks[4].data()};
  (*code)->encode(data, parity, 64);
  std::vector<uint8_t> a(64), b(64);
  int have[3] = {4, 1, 3};
  const uint8_t* have_blocks[3] = {blocks[4].data(), blocks[1].data(), blocks[3].data()};
  int wanted[2] = {2, 0};
  uint8_t* out[2] = {a.data(), b.data()};
  REQUIRE((*code)->decode(have, have_blocks, wanted, out, 64));
  CHECK(a == blocks[2]);
  CHECK(b == blocks[0]);
  int dup[3] = {1, 1, 3};
  CHECK_FALSE((*code)->decode(dup, have_blocks, wanted, out, 64));
  int parity_wanted[1] = {4};
  CHECK_FALSE((*code)->decode(have, have_blocks, parity_wanted, out, 64));
  CHECK_FALSE(ErasureCode::get(0, 3));
  CHECK_FALSE(ErasureCode::get(4, 3));
  CHECK_FALSE(ErasureCode::get(3, 65));
}
