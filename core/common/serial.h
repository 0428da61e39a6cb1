// Compact binary serialisation shared by every stored format (docs/FORMAT.md):
// unsigned LEB128 varints, zigzag for signed values, length-prefixed byte strings.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "core/common/bytes.h"

namespace gb {

class Writer {
 public:
  void u8(uint8_t v) { out_.push_back(v); }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<uint8_t>(v));
  }
  void svarint(int64_t v) { varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void raw(ByteView b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void bytes(ByteView b) {
    varint(b.size());
    raw(b);
  }
  void str(std::string_view s) { bytes(as_bytes(s)); }
  void hash(const Hash& h) { raw(h); }
  void u32le(uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  Bytes& buffer() { return out_; }
  Bytes take() { return std::move(out_); }
  size_t size() const { return out_.size(); }

 private:
  Bytes out_;
};

// Reader never throws and never reads past the end; after any failure ok() is
// false and every further read returns zeros, so a parser checks once at the end.
class Reader {
 public:
  explicit Reader(ByteView data) : data_(data) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ >= data_.size(); }
  size_t remaining() const { return data_.size() - pos_; }
  uint8_t u8() {
    if (!need(1)) return 0;
    return data_[pos_++];
  }
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!need(1)) return 0;
      uint8_t b = data_[pos_++];
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    ok_ = false;
    return 0;
  }
  int64_t svarint() {
    uint64_t v = varint();
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }
  ByteView raw(size_t n) {
    if (!need(n)) return {};
    ByteView v = data_.subspan(pos_, n);
    pos_ += n;
    return v;
  }
  Bytes bytes() {
    uint64_t n = varint();
    if (n > remaining()) {
      ok_ = false;
      return {};
    }
    ByteView v = raw(n);
    return Bytes(v.begin(), v.end());
  }
  std::string str() {
    Bytes b = bytes();
    return std::string(b.begin(), b.end());
  }
  Hash hash() {
    Hash h{};
    ByteView v = raw(32);
    if (ok_) std::copy(v.begin(), v.end(), h.begin());
    return h;
  }
  void fail() { ok_ = false; }

 private:
  bool need(size_t n) {
    if (!ok_ || n > data_.size() - pos_) {
      ok_ = false;
      return false;
    }
    return true;
  }
  ByteView data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace gb
