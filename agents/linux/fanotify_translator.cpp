#include "agents/linux/fanotify_translator.h"

#include "agents/linux/fanotify_event.h"
#include "core/common/path_order.h"  // header only, standard library only

namespace gb {
namespace {

using namespace gb::fanotify;

std::vector<std::string> lines_of(const std::map<std::string, std::string>& context, const char* key) {
  std::vector<std::string> out;
  auto it = context.find(key);
  if (it == context.end()) return out;
  const std::string& s = it->second;
  for (size_t start = 0; start < s.size();) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) nl = s.size();
    if (nl > start) out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

class FanotifyTranslator : public EventTranslator {
 public:
  explicit FanotifyTranslator(const std::map<std::string, std::string>& context) {
    auto roots = lines_of(context, "roots");
    auto fs_ids = lines_of(context, "fs_ids");
    for (size_t i = 0; i < roots.size(); ++i) {
      std::string root = roots[i];
      while (root.size() > 1 && root.back() == '/') root.pop_back();
      roots_.push_back({root, i < fs_ids.size() ? fs_ids[i] : std::string()});
    }
  }

  void translate(std::string_view raw, int64_t time_ns, std::vector<ChangeRecord>& out) override {
    ++position_;
    auto record = [&](ChangeKind kind, const std::string& fs_id, const std::string& path, bool is_dir) {
      out.push_back(ChangeRecord{fs_id, path, kind, is_dir, time_ns, position_, 0});
    };
    FanotifyEvent e;
    if (!decode_event(raw, e)) {
      for (const auto& r : roots_) record(ChangeKind::RescanNeeded, r.fs_id, r.path, true);
      return;
    }
    if (e.mask & kQueueOverflow) {
      // The queue is the group's, shared by every marked filesystem.
      for (const auto& r : roots_) record(ChangeKind::Overflow, r.fs_id, r.path, true);
      return;
    }
    if (e.flags & kDirUnresolved) {
      // We know the filesystem but not where in it: every root on it.
      for (const Root* r : roots_on(e.fsid)) record(ChangeKind::RescanNeeded, r->fs_id, r->path, true);
      return;
    }
    const std::string path = event_path(e);
    const bool is_dir = (e.mask & kOnDir) != 0;
    const bool names_change = (e.mask & (kCreate | kDelete | kMovedFrom | kMovedTo)) != 0;
    for (const auto& r : roots_) {
      // A name coming or going above a root moves the root's whole contents;
      // the events below it would arrive under paths we no longer watch.
      if (names_change && path != r.path && path_within(r.path, path)) record(ChangeKind::RescanNeeded, e.fsid, r.path, true);
    }
    if (!inside_roots(path)) return;
    // A merged event (the kernel ORs the masks of queued events on the same
    // name) loses their order; the backup stats the path either way, so a
    // fixed order is safe: births first, deaths last.
    size_t before = out.size();
    if (e.mask & kCreate) record(ChangeKind::Created, e.fsid, path, is_dir);
    if (e.mask & kMovedTo) record(ChangeKind::RenamedTo, e.fsid, path, is_dir);
    if (e.mask & (kModify | kCloseWrite)) record(ChangeKind::Modified, e.fsid, path, is_dir);
    if (e.mask & kAttrib) record(ChangeKind::Attrib, e.fsid, path, is_dir);
    if (e.mask & kMovedFrom) record(ChangeKind::RenamedFrom, e.fsid, path, is_dir);
    if (e.mask & kDelete) record(ChangeKind::Deleted, e.fsid, path, is_dir);
    if (!is_dir)
      for (size_t i = before; i < out.size(); ++i) out[i].inode = e.inode;
    // An event we do not translate (a bit this agent never asked for): rescan
    // what it names rather than guess.
    if (out.size() == before) record(ChangeKind::RescanNeeded, e.fsid, path, is_dir);
  }

 private:
  struct Root {
    std::string path;
    std::string fs_id;
  };

  bool inside_roots(const std::string& path) const {
    for (const auto& r : roots_)
      if (path_within(path, r.path)) return true;
    return false;
  }

  // The roots on filesystem `fsid`; all of them when none is known to be.
  std::vector<const Root*> roots_on(const std::string& fsid) const {
    std::vector<const Root*> on, all;
    for (const auto& r : roots_) {
      all.push_back(&r);
      if (r.fs_id == fsid) on.push_back(&r);
    }
    return on.empty() ? all : on;
  }

  std::vector<Root> roots_;
  uint64_t position_ = 0;
};

}  // namespace

std::unique_ptr<EventTranslator> make_fanotify_translator(const std::map<std::string, std::string>& context) {
  return std::make_unique<FanotifyTranslator>(context);
}

}  // namespace gb
