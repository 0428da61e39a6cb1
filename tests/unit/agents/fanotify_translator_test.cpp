// The fanotify translator on real recordings (tests/recordings/fanotify, made
// by make_recordings.sh on a loop-mounted ext4) and on synthetic events for
// what a recording cannot show on demand: overflow on several filesystems,
// unresolved handles, merged masks, the root "/".
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "agents/linux/fanotify_event.h"
#include "agents/linux/fanotify_translator.h"
#include "core/journal/recording.h"

namespace gb {
namespace {

using namespace gb::fanotify;

Recording load(const std::string& name) {
  std::ifstream in(std::string(GB_RECORDINGS_DIR) + "/fanotify/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  Recording r;
  Status decoded = decode_recording(ss.str(), r);
  REQUIRE_MESSAGE(decoded, (decoded ? "" : decoded.error().message));
  REQUIRE(r.dialect == "fanotify");
  return r;
}

std::vector<ChangeRecord> translate_all(const Recording& rec) {
  auto t = make_fanotify_translator(rec.context);
  std::vector<ChangeRecord> out;
  for (const auto& e : rec.events) t->translate(e.bytes, e.time_ns, out);
  return out;
}

std::vector<std::string> described(const std::vector<ChangeRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(describe(r));
  return out;
}

// The records of a recording with repeats in a row said once: whether the
// kernel queued a write's modify and close-write (or a chmod's and a
// setfattr's attrib) as one event or two depends on when the agent read them,
// so a re-made recording may differ there and nowhere else.
std::vector<std::string> collapsed(const std::vector<ChangeRecord>& records) {
  std::vector<std::string> out;
  for (const auto& line : described(records))
    if (out.empty() || out.back() != line) out.push_back(line);
  return out;
}

std::string fs_of(const Recording& rec) {
  std::string ids = rec.context.at("fs_ids");
  return ids.substr(0, ids.find('\n'));
}

// Every record of a recording carries the watched filesystem and the time and
// number of the frame it came from.
void check_provenance(const Recording& rec, const std::vector<ChangeRecord>& records) {
  for (const auto& r : records) {
    CHECK(r.fs_id == fs_of(rec));
    REQUIRE(r.position >= 1);
    REQUIRE(r.position <= rec.events.size());
    CHECK(r.time_ns == rec.events[r.position - 1].time_ns);
  }
}

struct Synthetic {
  std::unique_ptr<EventTranslator> t;
  std::vector<ChangeRecord> out;
  explicit Synthetic(const std::string& roots, const std::string& fs_ids = "")
      : t(make_fanotify_translator({{"roots", roots}, {"fs_ids", fs_ids}})) {}
  std::vector<std::string> feed(uint64_t mask, const std::string& dir, const std::string& name, uint32_t flags = 0,
                                const std::string& fsid = "aaaa") {
    out.clear();
    t->translate(encode_event(FanotifyEvent{mask, fsid, dir, name, flags}), 42, out);
    return described(out);
  }
};

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("fanotify recording: create, write, rename, attrib, hard link, delete, mkdir/rmdir") {
  Recording rec = load("basic_ops.rec");
  auto records = translate_all(rec);
  check_provenance(rec, records);
  const std::string R = "/mnt/gbrec/root/";
  CHECK(collapsed(records) == V{
                                  // echo hello > a.txt; echo more >> a.txt: the create, then the writes
                                  // and closes
                                  "created file " + R + "a.txt", "modified file " + R + "a.txt",
                                  // mv a.txt b.txt
                                  "renamed-from file " + R + "a.txt", "renamed-to file " + R + "b.txt",
                                  // mkdir d; echo x > d/f
                                  "created dir " + R + "d", "created file " + R + "d/f", "modified file " + R + "d/f",
                                  // mv d d2: one rename of the directory, nothing for its contents
                                  "renamed-from dir " + R + "d", "renamed-to dir " + R + "d2",
                                  // chmod 600 b.txt; setfattr -n user.x b.txt
                                  "attrib file " + R + "b.txt",
                                  // ln b.txt hard: the inode's link count (reported by its own handle
                                  // alone, named by whichever link the kernel resolves: the new one),
                                  // then the new name
                                  "attrib file " + R + "hard", "created file " + R + "hard",
                                  // rm b.txt: the remaining link's count, then the name
                                  "attrib file " + R + "hard", "deleted file " + R + "b.txt",
                                  // mkdir e; rmdir e
                                  "created dir " + R + "e", "deleted dir " + R + "e",
                                  // touch ../outside/ignored: outside the root, dropped
                              });
  // The hard link's records carry the file's inode (from its own handle);
  // directories' carry none.
  uint64_t hard_inode = 0;
  for (const auto& r : records) {
    if (r.path == R + "hard") hard_inode = hard_inode ? hard_inode : r.inode;
    if (r.is_dir) CHECK(r.inode == 0);
  }
  CHECK(hard_inode != 0);
  for (const auto& r : records)
    if (r.path == R + "hard" || (r.path == R + "b.txt" && r.kind == ChangeKind::Attrib)) CHECK(r.inode == hard_inode);
}

TEST_CASE("fanotify recording: odd names, a moved tree and its removal") {
  Recording rec = load("odd_names.rec");
  auto records = translate_all(rec);
  check_provenance(rec, records);
  const std::string R = "/mnt/gbrec/root/";
  std::vector<std::string> expected = {"created dir " + R + "sub", "created dir " + R + "sub/deep"};
  // : > NAME for three odd names (bytes that are not UTF-8, a newline,
  // spaces): each is created and closed after writing
  for (std::string name : {"bad\\xffname", "new\\x0aline", " spaces "})
    for (std::string kind : {"created", "modified"}) expected.push_back(kind + " file " + R + name);
  expected.insert(expected.end(), {"created file " + R + "sub/deep/f", "modified file " + R + "sub/deep/f",
                                   // mv sub moved
                                   "renamed-from dir " + R + "sub", "renamed-to dir " + R + "moved",
                                   // rm -r moved: its contents under the new name (the directory handles
                                   // resolve, or are remembered, where they are); the unlink's
                                   // link-count event of f, whose inode is gone, is not recorded
                                   "deleted file " + R + "moved/deep/f", "deleted dir " + R + "moved/deep", "deleted dir " + R + "moved"});
  CHECK(collapsed(records) == expected);
  // The raw bytes survive: the name is not UTF-8 and is kept as it is.
  bool found = false;
  for (const auto& r : records) found = found || r.path == R + "bad\xff" + "name";
  CHECK(found);
}

TEST_CASE("fanotify recording: a queue overflow under an event storm") {
  Recording rec = load("overflow.rec");
  auto records = translate_all(rec);
  check_provenance(rec, records);
  size_t overflows = 0;
  for (const auto& r : records) {
    if (r.kind == ChangeKind::Overflow) {
      ++overflows;
      CHECK(r.path == "/mnt/gbrec/root");
      CHECK(r.is_dir);
    } else {
      // the storm only creates (and closes) files f1..f400 in the root
      CHECK((r.kind == ChangeKind::Created || r.kind == ChangeKind::Modified));
      CHECK(r.path.rfind("/mnt/gbrec/root/f", 0) == 0);
    }
  }
  CHECK(overflows >= 1);
  CHECK(records.size() < 2 * 400 + overflows);  // events were lost, and said so
}

TEST_CASE("fanotify translator: overflow means every watched root of every filesystem") {
  Synthetic s("/a\n/b\n", "f1\nf2\n");
  s.feed(kQueueOverflow, "", "", 0, "");
  REQUIRE(s.out.size() == 2);
  CHECK(s.out[0].kind == ChangeKind::Overflow);
  CHECK(s.out[0].path == "/a");
  CHECK(s.out[0].fs_id == "f1");
  CHECK(s.out[1].path == "/b");
  CHECK(s.out[1].fs_id == "f2");
}

TEST_CASE("fanotify translator: an unresolved directory rescans the roots on its filesystem") {
  Synthetic s("/a\n/b\n/c\n", "f1\nf2\nf1\n");
  CHECK(s.feed(kCreate, "", "x", kDirUnresolved, "f1") == V{"rescan-needed dir /a", "rescan-needed dir /c"});
  CHECK(s.out[0].fs_id == "f1");
  // a filesystem no root is known to be on: every root, never a silent gap
  CHECK(s.feed(kCreate, "", "x", kDirUnresolved, "f9").size() == 3);
  Synthetic no_ids("/a\n/b\n");
  CHECK(no_ids.feed(kDelete, "", "x", kDirUnresolved, "f1").size() == 2);
}

TEST_CASE("fanotify translator: paths outside every root are dropped, by whole components") {
  Synthetic s("/data\n");
  CHECK(s.feed(kCreate, "/database", "x").empty());
  CHECK(s.feed(kCreate, "/", "datafile").empty());
  CHECK(s.feed(kCreate, "/data", "x") == V{"created file /data/x"});
  CHECK(s.feed(kAttrib, "/", "data") == V{"attrib file /data"});            // the root itself
  CHECK(s.feed(kModify, "/data/sub", "") == V{"modified file /data/sub"});  // no name: the directory itself
}

TEST_CASE("fanotify translator: several mask bits make several records, a write once") {
  Synthetic s("/r\n");
  CHECK(s.feed(kCreate | kModify | kCloseWrite | kAttrib, "/r", "f") == V{"created file /r/f", "modified file /r/f", "attrib file /r/f"});
  // a create and a delete of one name merged: order is lost, both are said
  CHECK(s.feed(kDelete | kCreate | kOnDir, "/r", "d") == V{"created dir /r/d", "deleted dir /r/d"});
  CHECK(s.feed(kMovedFrom | kMovedTo, "/r", "n") == V{"renamed-to file /r/n", "renamed-from file /r/n"});
}

TEST_CASE("fanotify translator: the root \"/\"") {
  Synthetic s("/\n");
  CHECK(s.feed(kCreate, "/", "etc") == V{"created file /etc"});
  CHECK(s.feed(kCreate | kOnDir, "/home/u", "d") == V{"created dir /home/u/d"});
  CHECK(s.feed(kAttrib | kOnDir, "/", "") == V{"attrib dir /"});
  Synthetic trailing("/r/\n");  // roots are compared without a trailing slash
  CHECK(trailing.feed(kCreate, "/r", "x") == V{"created file /r/x"});
}

TEST_CASE("fanotify translator: a rename or removal above a root rescans the root") {
  Synthetic s("/m/a/root\n", "f1\n");
  CHECK(s.feed(kMovedFrom | kOnDir, "/m", "a", 0, "f1") == V{"rescan-needed dir /m/a/root"});
  CHECK(s.feed(kMovedTo | kOnDir, "/m/a", "root", 0, "f1") == V{"renamed-to dir /m/a/root"});
  CHECK(s.feed(kAttrib | kOnDir, "/m", "a").empty());  // metadata above the root: nothing moved
}

TEST_CASE("fanotify translator: unknown events and damaged frames become rescans") {
  Synthetic s("/r\n", "f1\n");
  constexpr uint64_t kDeleteSelf = 0x400;  // never asked for
  CHECK(s.feed(kDeleteSelf, "/r", "x") == V{"rescan-needed file /r/x"});
  s.out.clear();
  s.t->translate("not an event", 7, s.out);
  REQUIRE(s.out.size() == 1);
  CHECK(s.out[0].kind == ChangeKind::RescanNeeded);
  CHECK(s.out[0].path == "/r");
  // a directory known only by its last path still places its events
  CHECK(s.feed(kDelete, "/r/gone", "f", kDirFromCache) == V{"deleted file /r/gone/f"});
}

TEST_CASE("fanotify translator: positions number the events, time is the frame's") {
  Synthetic s("/r\n");
  s.feed(kCreate, "/r", "a");
  s.feed(kCreate | kModify, "/r", "b");
  REQUIRE(s.out.size() == 2);
  CHECK(s.out[0].position == 2);
  CHECK(s.out[1].position == 2);
  CHECK(s.out[0].time_ns == 42);
}

TEST_CASE("fanotify event frames round-trip and reject damage") {
  FanotifyEvent e{kCreate | kOnDir, "0123456789abcdef", "/a/b\xff", std::string("n\0x", 3), kDirFromCache};
  std::string raw = encode_event(e);
  FanotifyEvent back;
  REQUIRE(decode_event(raw, back));
  CHECK(back == e);
  CHECK_FALSE(decode_event(raw.substr(0, raw.size() - 1), back));
  CHECK_FALSE(decode_event(raw + "x", back));
  CHECK_FALSE(decode_event("", back));
  CHECK(event_path(FanotifyEvent{0, "", "/", "x", 0}) == "/x");
  CHECK(event_path(FanotifyEvent{0, "", "/d", ".", 0}) == "/d");
}

}  // namespace gb
