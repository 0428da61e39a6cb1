#include <doctest/doctest.h>

#include "core/common/bytes.h"
#include "core/common/path_order.h"
#include "core/common/serial.h"

using namespace gb;

TEST_CASE("hex and base64url round trip every byte value") {
  Bytes all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<uint8_t>(i));
  CHECK(*from_hex(to_hex(all)) == all);
  for (size_t n = 0; n < 40; ++n) {
    Bytes part(all.begin(), all.begin() + static_cast<long>(n));
    CHECK(*from_base64url(base64url(part)) == part);
  }
  CHECK(!from_hex("0g"));
  CHECK(!from_base64url("a+b"));
  CHECK(!from_base64url("B"));  // a lone 6-bit tail is never canonical
}

TEST_CASE("varints, signed varints and byte strings round trip; truncation is detected") {
  Writer w;
  w.varint(0);
  w.varint(300);
  w.varint(UINT64_MAX);
  w.svarint(-5);
  w.svarint(INT64_MIN);
  w.str("name\xff");
  Bytes buf = w.take();
  Reader r(buf);
  CHECK(r.varint() == 0);
  CHECK(r.varint() == 300);
  CHECK(r.varint() == UINT64_MAX);
  CHECK(r.svarint() == -5);
  CHECK(r.svarint() == INT64_MIN);
  CHECK(r.str() == "name\xff");
  CHECK(r.ok());
  CHECK(r.at_end());
  Reader cut(ByteView(buf).first(buf.size() - 2));
  cut.varint(), cut.varint(), cut.varint(), cut.svarint(), cut.svarint();
  cut.str();
  CHECK(!cut.ok());
}

TEST_CASE("path order ranks '/' below every byte, matching a sorted depth-first walk") {
  CHECK(path_less("/a", "/a/b"));
  CHECK(path_less("/a/b", "/a b"));  // ' ' (0x20) is above '/' only in this order
  CHECK(path_less("/a/z", "/a\x01"));
  CHECK(path_less("/a/\xff", "/ab"));
  CHECK(!path_less("/a", "/a"));
  CHECK(path_within("/a/b", "/a"));
  CHECK(!path_within("/ab", "/a"));
  CHECK(path_within("/x", "/"));
}
