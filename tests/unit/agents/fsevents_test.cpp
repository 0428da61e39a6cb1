// The FSEvents agent's portable part on recorded events (path, flags, event
// id): frame encoding, the translation rules, and the sinceWhen cursor.
#include <doctest/doctest.h>

#include <filesystem>

#include "agents/macos/fsevents_cursor.h"
#include "agents/macos/fsevents_event.h"
#include "agents/macos/fsevents_translator.h"

using namespace gb;
using namespace gb::fsevents;

namespace {

using Lines = std::vector<std::string>;

struct Run {
  std::unique_ptr<EventTranslator> t = make_fsevents_translator({{"root", "/Users/ann"}, {"fs_id", "UUID-1"}});
  std::vector<ChangeRecord> out;
  Lines feed(const std::string& path, uint32_t flags, uint64_t id = 7) {
    size_t before = out.size();
    t->translate(encode_fsevent({path, flags, id}), 42, out);
    Lines lines;
    for (size_t i = before; i < out.size(); ++i) lines.push_back(describe(out[i]));
    return lines;
  }
};

}  // namespace

TEST_CASE("fsevents event: frames round trip, flag names both ways") {
  FsEvent e{"/Users/ann/über.txt", kItemCreated | kItemIsFile, 0x1122334455667788};
  auto back = decode_fsevent(encode_fsevent(e));
  REQUIRE(back);
  CHECK(back->path == e.path);
  CHECK(back->flags == e.flags);
  CHECK(back->id == e.id);
  CHECK(!decode_fsevent("short"));
  CHECK(flag_names(kItemCreated | kItemIsFile) == "ItemCreated|ItemIsFile");
  CHECK(flag_names(0) == "None");
  CHECK(flags_from_names("ItemRenamed|ItemIsDir") == (kItemRenamed | kItemIsDir));
  CHECK(!flags_from_names("ItemTeleported"));
}

TEST_CASE("fsevents translator: item flags map to kinds, the record carries id, fs and time") {
  Run run;
  CHECK(run.feed("/Users/ann/a", kItemCreated | kItemIsDir) == Lines{"created dir /Users/ann/a"});
  CHECK(run.feed("/Users/ann/a/f", kItemModified | kItemIsFile, 99) == Lines{"modified file /Users/ann/a/f"});
  CHECK(run.feed("/Users/ann/a/f", kItemRemoved | kItemIsFile) == Lines{"deleted file /Users/ann/a/f"});
  CHECK(run.feed("/Users/ann/f", kItemInodeMetaMod | kItemXattrMod | kItemChangeOwner | kItemIsFile) == Lines{"attrib file /Users/ann/f"});
  CHECK(run.feed("/Users/ann/g", kItemFinderInfoMod | kItemIsFile) == Lines{"attrib file /Users/ann/g"});
  CHECK(run.feed("/Users/ann/l", kItemCreated | kItemIsSymlink) == Lines{"created file /Users/ann/l"});
  CHECK(run.feed("/Users/ann/c", kItemCloned | kItemIsFile) == Lines{"created file /Users/ann/c"});
  CHECK(run.out[1].position == 99);
  CHECK(run.out[1].fs_id == "UUID-1");
  CHECK(run.out[1].time_ns == 42);
}

TEST_CASE("fsevents translator: coalesced flags report every possibility, in a fixed order") {
  Run run;
  CHECK(run.feed("/Users/ann/t", kItemCreated | kItemRemoved | kItemIsDir) == Lines{"created dir /Users/ann/t", "deleted dir /Users/ann/t"});
  CHECK(run.feed("/Users/ann/f", kItemCreated | kItemModified | kItemInodeMetaMod | kItemIsFile) ==
        Lines{"created file /Users/ann/f", "modified file /Users/ann/f", "attrib file /Users/ann/f"});
}

TEST_CASE("fsevents translator: a rename side is both old and new (a pair or a single)") {
  Run run;
  CHECK(run.feed("/Users/ann/photos", kItemRenamed | kItemIsDir) == Lines{"renamed-from dir /Users/ann/photos", "renamed-to dir /Users/ann/photos"});
  // Moved in from outside the root: one event only, handled the same.
  CHECK(run.feed("/Users/ann/in", kItemRenamed | kItemIsFile).size() == 2);
}

TEST_CASE("fsevents translator: lost events, root changes and subdirectory scans") {
  Run run;
  CHECK(run.feed("/Users/ann", kMustScanSubDirs | kUserDropped) == Lines{"overflow dir /Users/ann"});
  CHECK(run.feed("/Users/ann/x", kMustScanSubDirs | kKernelDropped) == Lines{"overflow dir /Users/ann"});
  CHECK(run.feed("/", kEventIdsWrapped) == Lines{"overflow dir /Users/ann"});
  CHECK(run.feed("/Users/ann", kRootChanged) == Lines{"rescan-needed dir /Users/ann"});
  CHECK(run.feed("/Users/ann/deep/", kMustScanSubDirs) == Lines{"rescan-needed dir /Users/ann/deep"});
  CHECK(run.feed("/Users/ann/vol", kMount) == Lines{"rescan-needed dir /Users/ann/vol"});
  CHECK(run.feed("/Users/ann", kHistoryDone).empty());
  CHECK(run.feed("/Users/ann/odd", 0) == Lines{"rescan-needed dir /Users/ann/odd"});
  std::vector<ChangeRecord> out;
  run.t->translate("bad", 1, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].kind == ChangeKind::RescanNeeded);
}

TEST_CASE("fsevents cursor: resume on the same event database, follow ids through a wrap") {
  CHECK(!decide_start(std::nullopt, "U1").resume);
  CHECK(decide_start(std::nullopt, "U1").since_when == kSinceNow);
  auto same = decide_start(FsEventsCursor{"U1", 500}, "U1");
  CHECK(same.resume);
  CHECK(same.since_when == 500);
  auto other = decide_start(FsEventsCursor{"U0", 500}, "U1");
  CHECK(!other.resume);
  CHECK(other.why.find("U0") != std::string::npos);

  SinceWhenTracker t(500);
  t.saw({"/a", kItemCreated, 501});
  CHECK(t.since_when() == 501);
  CHECK(!t.history_done());
  t.saw({"/", kHistoryDone, 0});
  CHECK(t.history_done());
  CHECK(t.since_when() == 501);
  t.saw({"/", kEventIdsWrapped, 3});
  CHECK(t.since_when() == 3);
  CHECK(SinceWhenTracker(kSinceNow).since_when() == 0);
}

TEST_CASE("fsevents cursor: saved and loaded") {
  auto dir = std::filesystem::temp_directory_path() / "gb-fsevents-cursor-test";
  std::filesystem::create_directories(dir);
  std::string path = (dir / "cursor").string();
  REQUIRE(save_cursor(path, {"5F2A7C10-3B1D", 4410000902}));
  CHECK(load_cursor(path) == FsEventsCursor{"5F2A7C10-3B1D", 4410000902});
  CHECK(!load_cursor(path + ".missing"));
  std::filesystem::remove_all(dir);
}
