#include <doctest/doctest.h>

#include "core/journal/change_record.h"
#include "core/journal/recording.h"

using namespace gb;

TEST_CASE("change records round-trip through the stream format, byte-exact paths included") {
  std::vector<ChangeRecord> in(3);
  in[0] = {"fsid01", "/home/a/\xff\x01name", ChangeKind::RenamedTo, false, -5, 1ull << 60, 1234567};
  in[1] = {"", "/", ChangeKind::Overflow, true, 123456789, 0};
  in[2] = {"C1", "C:\\Users\\x", ChangeKind::Attrib, false, 0, 42};
  std::string stream(kChangeStreamMagic);
  for (const auto& r : in) append_change_record(r, stream);
  std::vector<ChangeRecord> out;
  REQUIRE(parse_change_stream(stream, out));
  CHECK(out == in);
}

TEST_CASE("a torn last change record is dropped, never misread") {
  std::string stream(kChangeStreamMagic);
  append_change_record({"f", "/a", ChangeKind::Created, false, 1, 1}, stream);
  append_change_record({"f", "/b", ChangeKind::Deleted, false, 2, 2}, stream);
  for (size_t cut = 1; cut < 12; ++cut) {
    std::vector<ChangeRecord> out;
    CHECK_FALSE(parse_change_stream(std::string_view(stream).substr(0, stream.size() - cut), out));
    REQUIRE(out.size() == 1);
    CHECK(out[0].path == "/a");
  }
  std::vector<ChangeRecord> none;
  CHECK_FALSE(parse_change_stream("GBXX", none));
}

TEST_CASE("kind names round-trip") {
  for (int k = 1; k <= 8; ++k) {
    auto kind = static_cast<ChangeKind>(k);
    CHECK(change_kind_from_name(change_kind_name(kind)) == kind);
  }
  CHECK_FALSE(change_kind_from_name("renamed"));
  CHECK(describe({"f", "/a\tb", ChangeKind::Modified, false, 0, 0}) == "modified file /a\\x09b");
}

TEST_CASE("recordings round-trip, and a torn frame keeps the events before it") {
  Recording r;
  r.dialect = "fanotify";
  r.context = {{"roots", "/a\n/b\n"}, {"fs", "x"}};
  r.events = {{1, std::string("\x00\x01raw", 5)}, {2, "second"}};
  std::string bytes = encode_recording(r);
  Recording back;
  REQUIRE(decode_recording(bytes, back));
  CHECK(back.dialect == r.dialect);
  CHECK(back.context == r.context);
  REQUIRE(back.events.size() == 2);
  CHECK(back.events[0].bytes == r.events[0].bytes);
  CHECK(back.events[1].time_ns == 2);
  Recording torn;
  Status decoded = decode_recording(std::string_view(bytes).substr(0, bytes.size() - 3), torn);
  REQUIRE_FALSE(decoded);
  CHECK(torn.events.size() == 1);
  CHECK(decoded.error().kind == ErrorKind::Corrupt);
  CHECK(decoded.error().message == "the recording ends in a torn frame after 1 events");
  Recording none;
  CHECK_FALSE(decode_recording("GBREC0\n", none));
  CHECK(none.dialect.empty());
}
