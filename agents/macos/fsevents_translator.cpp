#include "agents/macos/fsevents_translator.h"

#include "agents/macos/fsevents_event.h"

namespace gb {
namespace {

using namespace fsevents;

constexpr uint32_t kMetadataFlags = kItemInodeMetaMod | kItemFinderInfoMod | kItemChangeOwner | kItemXattrMod;
constexpr uint32_t kItemFlags = kItemCreated | kItemRemoved | kItemRenamed | kItemModified | kItemCloned | kMetadataFlags;

class FsEventsTranslator : public EventTranslator {
 public:
  explicit FsEventsTranslator(const std::map<std::string, std::string>& context) {
    auto root = context.find("root");
    root_ = root == context.end() ? "/" : root->second;
    auto fs = context.find("fs_id");
    if (fs != context.end()) fs_id_ = fs->second;
  }

  void translate(std::string_view raw, int64_t time_ns, std::vector<ChangeRecord>& out) override {
    auto e = decode_fsevent(raw);
    if (!e) {
      out.push_back({fs_id_, root_, ChangeKind::RescanNeeded, true, time_ns, last_id_});
      return;
    }
    last_id_ = e->id;
    std::string path = e->path;
    while (path.size() > 1 && path.back() == '/') path.pop_back();  // directory-level events end in '/'
    auto emit = [&](ChangeKind k, const std::string& p, bool dir) { out.push_back({fs_id_, p, k, dir, time_ns, e->id}); };
    uint32_t f = e->flags;

    // Lost events. UserDropped/KernelDropped come with MustScanSubDirs, on
    // the root or a directory; either way fseventsd could not keep up, so we
    // cannot tell how much is missing: the whole root. EventIdsWrapped: the
    // 64-bit id counter wrapped, a saved sinceWhen means nothing any more.
    if (f & (kUserDropped | kKernelDropped | kEventIdsWrapped)) return emit(ChangeKind::Overflow, root_, true);
    // The watched root itself was created, deleted or moved (WatchRoot).
    if (f & kRootChanged) return emit(ChangeKind::RescanNeeded, root_, true);
    // The kernel coalesced events below this directory into one: look at all of it.
    if (f & kMustScanSubDirs) return emit(ChangeKind::RescanNeeded, path, true);
    // A volume (un)mounted under the root: what is below the mount point changed wholesale.
    if (f & (kMount | kUnmount)) return emit(ChangeKind::RescanNeeded, path, true);
    // The end of the history replayed since sinceWhen: a marker for the
    // cursor logic, no change.
    if (f & kHistoryDone) return;
    if (!(f & kItemFlags)) {
      // A file-level stream always sets an item flag; without one (an event
      // from a directory-level stream, or a flag newer than us) only a rescan
      // of the path is safe.
      return emit(ChangeKind::RescanNeeded, path, true);
    }

    bool dir = f & kItemIsDir;  // symlinks and files are not directories
    // FSEvents coalesces: one event carries every flag the path collected
    // within the stream's latency, in no order. Created|Removed may mean
    // "created, then removed" or "removed, then created again"; only a stat
    // could tell, and the translator does not stat. So each flag yields its
    // own record and the detector looks at the path, whichever state it ended
    // in: Created+Deleted of a directory makes the slice both rescan it and
    // re-check what it had.
    if (f & (kItemCreated | kItemCloned)) emit(ChangeKind::Created, path, dir);
    if (f & kItemRenamed) {
      // A rename reports the old and the new path as two events with the
      // Renamed flag, nothing saying which is which (consecutive ids are an
      // observation, not a promise, and macOS 11 gives both the same id); a
      // move into or out of the root gives only one. Without a stat the
      // path may be either side, so it is both: the planner then re-checks
      // what the directory had and scans what it has.
      emit(ChangeKind::RenamedFrom, path, dir);
      emit(ChangeKind::RenamedTo, path, dir);
    }
    if (f & kItemRemoved) emit(ChangeKind::Deleted, path, dir);
    if (f & kItemModified) emit(ChangeKind::Modified, path, dir);
    if (f & kMetadataFlags) emit(ChangeKind::Attrib, path, dir);
  }

 private:
  std::string root_, fs_id_;
  uint64_t last_id_ = 0;
};

}  // namespace

std::unique_ptr<EventTranslator> make_fsevents_translator(const std::map<std::string, std::string>& context) {
  return std::make_unique<FsEventsTranslator>(context);
}

}  // namespace gb
