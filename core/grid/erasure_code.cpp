#include "core/grid/erasure_code.h"

#include <isa-l/erasure_code.h>

#include <fmt/format.h>
#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <tuple>
#include <vector>

namespace gb {

struct ErasureCode::DecodeTables {
  std::vector<uint8_t> tables;  // ISA-L tables of the rows of the inverse that rebuild `wanted`
};

struct ErasureCode::Cache {
  std::mutex mu;
  // (blocks available, blocks wanted) -> tables. Patterns repeat: every
  // segment of an object with the same missing shares uses the same one.
  std::map<std::pair<uint64_t, uint64_t>, std::shared_ptr<const DecodeTables>> tables;
};

ErasureCode::ErasureCode(int k, int n) : k_(k), n_(n), matrix_(new uint8_t[static_cast<size_t>(n) * k]), cache_(new Cache) {
  gf_gen_cauchy1_matrix(matrix_.get(), n, k);
  if (n > k) {
    encode_tables_.reset(new uint8_t[32u * k * (n - k)]);
    ec_init_tables(k, n - k, matrix_.get() + static_cast<size_t>(k) * k, encode_tables_.get());
  }
}

ErasureCode::~ErasureCode() = default;

Result<std::shared_ptr<const ErasureCode>> ErasureCode::get(int k, int n) {
  if (k < 1 || n < k || n > kMaxShares)
    return make_error(ErrorKind::InvalidArgument, fmt::format("a {}-of-{} code is impossible: it needs 1 <= k <= n <= {}", k, n, kMaxShares));
  static std::mutex mu;
  static std::map<std::pair<int, int>, std::shared_ptr<const ErasureCode>> codes;
  std::lock_guard lock(mu);
  auto& code = codes[{k, n}];
  if (!code) code = std::make_shared<const ErasureCode>(k, n);
  return code;
}

void ErasureCode::encode(const uint8_t* const* data, uint8_t* const* parity, size_t len) const {
  if (n_ == k_ || len == 0) return;
  // ISA-L takes non-const pointers but only reads the sources.
  ec_encode_data(static_cast<int>(len), k_, n_ - k_, encode_tables_.get(), const_cast<uint8_t**>(data), const_cast<uint8_t**>(parity));
}

std::shared_ptr<const ErasureCode::DecodeTables> ErasureCode::decode_tables(uint64_t have_mask, std::span<const int> have,
                                                                            std::span<const int> wanted) const {
  uint64_t wanted_mask = 0;
  for (int w : wanted) wanted_mask |= uint64_t{1} << w;
  std::pair key{have_mask, wanted_mask};
  {
    std::lock_guard lock(cache_->mu);
    if (auto it = cache_->tables.find(key); it != cache_->tables.end()) return it->second;
  }
  // The k x k rows of the generator for the available blocks, inverted: row j
  // of the inverse gives data block j as a combination of the available ones.
  std::vector<uint8_t> sub(static_cast<size_t>(k_) * k_), inverse(static_cast<size_t>(k_) * k_);
  for (int r = 0; r < k_; ++r) std::memcpy(&sub[static_cast<size_t>(r) * k_], &matrix_[static_cast<size_t>(have[r]) * k_], k_);
  if (gf_invert_matrix(sub.data(), inverse.data(), k_) != 0) return nullptr;  // impossible for a Cauchy matrix
  std::vector<uint8_t> rows(static_cast<size_t>(k_) * wanted.size());
  for (size_t i = 0; i < wanted.size(); ++i) std::memcpy(&rows[i * k_], &inverse[static_cast<size_t>(wanted[i]) * k_], k_);
  auto t = std::make_shared<DecodeTables>();
  t->tables.resize(32u * k_ * wanted.size());
  ec_init_tables(k_, static_cast<int>(wanted.size()), rows.data(), t->tables.data());
  std::lock_guard lock(cache_->mu);
  if (cache_->tables.size() > 4096) cache_->tables.clear();  // bound: at most C(64, k) patterns exist
  cache_->tables[key] = t;
  return t;
}

Status ErasureCode::decode(std::span<const int> have, const uint8_t* const* have_blocks, std::span<const int> wanted, uint8_t* const* out,
                           size_t len) const {
  if (have.size() != static_cast<size_t>(k_))
    return make_error(ErrorKind::InvalidArgument, fmt::format("decoding needs {} blocks, not {}", k_, have.size()));
  uint64_t have_mask = 0;
  for (int h : have) {
    if (h < 0 || h >= n_ || (have_mask >> h & 1)) return make_error(ErrorKind::InvalidArgument, "decoding needs distinct block indices below n");
    have_mask |= uint64_t{1} << h;
  }
  for (int w : wanted)
    if (w < 0 || w >= k_) return make_error(ErrorKind::InvalidArgument, "only data blocks can be decoded");
  if (wanted.empty() || len == 0) return {};
  // Both lists in ascending order, so that the cache key (two masks) names one set of tables.
  std::vector<std::pair<int, const uint8_t*>> in(k_);
  for (int i = 0; i < k_; ++i) in[i] = {have[i], have_blocks[i]};
  std::sort(in.begin(), in.end());
  std::vector<std::pair<int, uint8_t*>> outs(wanted.size());
  for (size_t i = 0; i < wanted.size(); ++i) outs[i] = {wanted[i], out[i]};
  std::sort(outs.begin(), outs.end());
  std::vector<int> sorted(k_), sorted_wanted(outs.size());
  std::vector<const uint8_t*> blocks(k_);
  std::vector<uint8_t*> targets(outs.size());
  for (int i = 0; i < k_; ++i) std::tie(sorted[i], blocks[i]) = in[i];
  for (size_t i = 0; i < outs.size(); ++i) {
    std::tie(sorted_wanted[i], targets[i]) = outs[i];
    if (i > 0 && sorted_wanted[i] == sorted_wanted[i - 1]) return make_error(ErrorKind::InvalidArgument, "a data block is wanted twice");
  }
  auto tables = decode_tables(have_mask, sorted, sorted_wanted);
  if (!tables) return make_error(ErrorKind::InvalidArgument, "the decoding matrix is singular");
  ec_encode_data(static_cast<int>(len), k_, static_cast<int>(targets.size()), const_cast<uint8_t*>(tables->tables.data()),
                 const_cast<uint8_t**>(blocks.data()), targets.data());
  return {};
}

}  // namespace gb
