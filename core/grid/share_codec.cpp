#include "core/grid/share_codec.h"

#include <fmt/format.h>
#include <algorithm>
#include <cstring>

#include "core/crypto/sha256.h"

namespace gb {
namespace {

constexpr char kMagic[4] = {'G', 'B', 'S', '1'};
constexpr uint8_t kVersion = 1;
constexpr uint64_t kMaxObjectLength = uint64_t{1} << 48;
constexpr uint32_t kMaxBlockLimit = 64u << 20;  // a reader refuses headers claiming more

void put_le(uint8_t* p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint64_t get_le(const uint8_t* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

// The root commits to everything the shares of one version share: the header
// (but not the share index, byte 7, nor the root itself) and the hash table.
Hash compute_root(const uint8_t* header, ByteView table) {
  Sha256 h;
  h.update(ByteView(header, 7));
  h.update(ByteView(header + 8, 24));
  h.update(table);
  return h.finish();
}

Error corrupt(const std::string& why) { return make_error(ErrorKind::Corrupt, "the share " + why); }

}  // namespace

ShareLayout ShareLayout::for_object(int k, int n, uint64_t length, uint32_t max_block) {
  ShareLayout l;
  l.k = k;
  l.n = n;
  l.object_length = length;
  uint64_t per_share = (length + k - 1) / k;
  l.block_size = static_cast<uint32_t>(std::min<uint64_t>(per_share, max_block));
  return l;
}

uint64_t ShareLayout::segments() const {
  if (object_length == 0 || block_size == 0) return 0;
  uint64_t seg = static_cast<uint64_t>(k) * block_size;
  return (object_length + seg - 1) / seg;
}

uint64_t ShareLayout::segment_length(uint64_t s) const {
  uint64_t start = segment_offset(s);
  return std::min<uint64_t>(object_length - start, static_cast<uint64_t>(k) * block_size);
}

uint64_t ShareLayout::block_length(uint64_t s) const { return (segment_length(s) + k - 1) / k; }

uint64_t ShareLayout::share_size() const {
  uint64_t segs = segments();
  if (segs == 0) return kShareHeaderSize + table_size();
  return kShareHeaderSize + table_size() + (segs - 1) * block_size + block_length(segs - 1);
}

bool Share::intact() const {
  return std::all_of(good.begin(), good.end(), [](uint8_t g) { return g != 0; });
}

uint64_t Share::good_blocks() const { return static_cast<uint64_t>(std::count(good.begin(), good.end(), 1)); }

ByteView Share::block(uint64_t s) const { return ByteView(bytes).subspan(layout.block_offset(s), layout.block_length(s)); }

ByteView Share::table_entry(int share, uint64_t s) const {
  return ByteView(bytes).subspan(kShareHeaderSize + 32 * (static_cast<uint64_t>(share) * layout.segments() + s), 32);
}

Result<std::vector<Bytes>> encode_shares(int k, int n, ByteView object, uint32_t block_size) {
  GB_ASSIGN(auto code, ErasureCode::get(k, n));
  if (object.size() > kMaxObjectLength) return make_error(ErrorKind::InvalidArgument, "the object is too large for the grid");
  ShareLayout lay = ShareLayout::for_object(k, n, object.size(), block_size ? block_size : kShareBlockSize);
  const uint64_t segs = lay.segments();
  std::vector<Bytes> shares(n, Bytes(lay.share_size()));
  Bytes padded;
  std::vector<const uint8_t*> data(k);
  std::vector<uint8_t*> parity(n - k);
  for (uint64_t s = 0; s < segs; ++s) {
    const uint64_t len = lay.block_length(s), seg_len = lay.segment_length(s), off = lay.block_offset(s);
    const uint8_t* src = object.data() + lay.segment_offset(s);
    if (seg_len < k * len) {  // the last segment: pad with zeros to k whole blocks
      padded.assign(k * len, 0);
      std::memcpy(padded.data(), src, seg_len);
      src = padded.data();
    }
    for (int j = 0; j < k; ++j) {
      data[j] = src + j * len;
      std::memcpy(shares[j].data() + off, data[j], len);
    }
    for (int p = 0; p < n - k; ++p) parity[p] = shares[k + p].data() + off;
    code->encode(data.data(), parity.data(), len);
  }
  Bytes table(lay.table_size());
  for (int i = 0; i < n; ++i)
    for (uint64_t s = 0; s < segs; ++s) {
      Hash h = sha256(ByteView(shares[i]).subspan(lay.block_offset(s), lay.block_length(s)));
      std::memcpy(table.data() + 32 * (static_cast<uint64_t>(i) * segs + s), h.data(), 32);
    }
  uint8_t header[kShareHeaderSize] = {};
  std::memcpy(header, kMagic, 4);
  header[4] = kVersion;
  header[5] = static_cast<uint8_t>(k);
  header[6] = static_cast<uint8_t>(n);
  put_le(header + 8, lay.block_size, 4);
  put_le(header + 16, lay.object_length, 8);
  Hash root = compute_root(header, table);
  std::memcpy(header + 32, root.data(), 32);
  for (int i = 0; i < n; ++i) {
    header[7] = static_cast<uint8_t>(i);
    std::memcpy(shares[i].data(), header, kShareHeaderSize);
    std::memcpy(shares[i].data() + kShareHeaderSize, table.data(), table.size());
  }
  return shares;
}

Result<Share> check_share(Bytes bytes) {
  if (bytes.size() < kShareHeaderSize) return corrupt(fmt::format("is truncated ({} bytes, shorter than its header)", bytes.size()));
  const uint8_t* h = bytes.data();
  if (std::memcmp(h, kMagic, 4) != 0) return corrupt("does not start with a grid share header");
  if (h[4] != kVersion) return corrupt(fmt::format("has format version {}; this gridbackup reads version {}", h[4], kVersion));
  Share share;
  share.layout.k = h[5];
  share.layout.n = h[6];
  share.index = h[7];
  share.layout.block_size = static_cast<uint32_t>(get_le(h + 8, 4));
  share.layout.object_length = get_le(h + 16, 8);
  const ShareLayout& lay = share.layout;
  if (lay.k < 1 || lay.n < lay.k || lay.n > ErasureCode::kMaxShares || share.index >= lay.n)
    return corrupt(fmt::format("header is damaged (k={}, n={}, index={})", lay.k, lay.n, share.index));
  if (lay.object_length > kMaxObjectLength || lay.block_size > kMaxBlockLimit || (lay.object_length > 0) != (lay.block_size > 0))
    return corrupt("header is damaged (impossible lengths)");
  if (bytes.size() != lay.share_size())
    return corrupt(fmt::format("has {} bytes where its header says {} (truncated or damaged)", bytes.size(), lay.share_size()));
  std::memcpy(share.root.data(), h + 32, 32);
  if (compute_root(h, ByteView(bytes).subspan(kShareHeaderSize, lay.table_size())) != share.root)
    return corrupt("header or hash table is damaged (its root does not match)");
  share.bytes = std::move(bytes);
  const uint64_t segs = lay.segments();
  share.good.resize(segs);
  for (uint64_t s = 0; s < segs; ++s) {
    Hash got = sha256(share.block(s));
    share.good[s] = std::memcmp(got.data(), share.table_entry(share.index, s).data(), 32) == 0;
  }
  return share;
}

namespace {

// For segment s: the first good block of each share index, or null.
std::vector<const uint8_t*> good_blocks_of(std::span<const Share* const> shares, uint64_t s, int n) {
  std::vector<const uint8_t*> by_index(n, nullptr);
  for (const Share* sh : shares)
    if (sh->good[s] && !by_index[sh->index]) by_index[sh->index] = sh->block(s).data();
  return by_index;
}

}  // namespace

bool decodable(std::span<const Share* const> shares) {
  if (shares.empty()) return false;
  const ShareLayout& lay = shares[0]->layout;
  for (uint64_t s = 0; s < lay.segments(); ++s) {
    auto blocks = good_blocks_of(shares, s, lay.n);
    if (std::count_if(blocks.begin(), blocks.end(), [](const uint8_t* b) { return b != nullptr; }) < lay.k) return false;
  }
  return true;
}

Result<Bytes> assemble_object(std::span<const Share* const> shares, AssembleStats* stats) {
  if (shares.empty()) return make_error(ErrorKind::NotFound, "no shares to rebuild the object from");
  const Share& first = *shares[0];
  const ShareLayout& lay = first.layout;
  for (const Share* sh : shares)
    if (sh->root != first.root) return make_error(ErrorKind::InvalidArgument, "shares of different versions cannot be combined");
  GB_ASSIGN(auto code, ErasureCode::get(lay.k, lay.n));
  const int k = lay.k;
  Bytes out(lay.object_length);
  AssembleStats local;
  for (uint64_t s = 0; s < lay.segments(); ++s) {
    ++local.segments;
    const uint64_t len = lay.block_length(s), seg_len = lay.segment_length(s), seg_off = lay.segment_offset(s);
    auto blocks = good_blocks_of(shares, s, lay.n);
    std::vector<int> missing;
    for (int j = 0; j < k; ++j)
      if (!blocks[j]) missing.push_back(j);
    std::vector<Bytes> rebuilt(missing.size(), Bytes(len));
    if (!missing.empty()) {
      ++local.decoded_segments;
      // Primary blocks first, then parity, as sources: fewer blocks to rebuild.
      std::vector<int> have;
      std::vector<const uint8_t*> have_blocks;
      for (int i = 0; i < lay.n && static_cast<int>(have.size()) < k; ++i)
        if (blocks[i]) {
          have.push_back(i);
          have_blocks.push_back(blocks[i]);
        }
      if (static_cast<int>(have.size()) < k)
        return make_error(ErrorKind::Corrupt, fmt::format("segment {} has only {} good blocks of the {} needed", s, have.size(), k));
      std::vector<uint8_t*> targets;
      for (auto& r : rebuilt) targets.push_back(r.data());
      GB_CHECK(code->decode(have, have_blocks.data(), missing, targets.data(), len));
      for (size_t m = 0; m < missing.size(); ++m) {
        // The table says what the block was; a mismatch means a bad source
        // slipped past its own hash, and garbage must not be returned.
        Hash h = sha256(rebuilt[m]);
        if (std::memcmp(h.data(), first.table_entry(missing[m], s).data(), 32) != 0)
          return make_error(ErrorKind::Corrupt, fmt::format("segment {} decodes to a block that does not match its hash", s));
        blocks[missing[m]] = rebuilt[m].data();
      }
    }
    for (int j = 0; j < k; ++j) {
      uint64_t start = static_cast<uint64_t>(j) * len;
      if (start >= seg_len) break;
      std::memcpy(out.data() + seg_off + start, blocks[j], std::min(len, seg_len - start));
    }
  }
  if (stats) *stats = local;
  return out;
}

}  // namespace gb
