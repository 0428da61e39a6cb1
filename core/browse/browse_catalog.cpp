#include "core/browse/browse_catalog.h"

#include <time.h>

#include <fmt/format.h>

#include "core/common/clock.h"
#include "core/snapshot/snapshot_store.h"

namespace gb {

namespace {
std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) parts.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}
// A host or tag as one path component: '/' cannot be in a name.
std::string one_component(const std::string& name, const char* if_empty) {
  std::string out = name.empty() ? if_empty : name;
  for (char& c : out)
    if (c == '/') c = '_';
  return out;
}
template <class Map>
BrowseNode dir_of(const Map& m, int64_t time_ns) {
  BrowseNode n;
  n.time_ns = time_ns;
  for (const auto& [name, value] : m) n.children.push_back(name);
  return n;
}
BrowseNode symlink_to(std::string target, int64_t time_ns) {
  BrowseNode n;
  n.kind = BrowseNode::Kind::Symlink;
  n.target = std::move(target);
  n.time_ns = time_ns;
  return n;
}
Error not_found() { return make_error(ErrorKind::NotFound, "no such path in the mount"); }
}  // namespace

BrowseCatalog::BrowseCatalog(std::unique_ptr<Repository> repo, Reopen reopen, int64_t refresh_interval_ns, size_t trees_kept)
    : repo_(std::move(repo)), reopen_(std::move(reopen)), refresh_interval_ns_(refresh_interval_ns), trees_kept_(trees_kept) {}

std::string BrowseCatalog::time_name(int64_t time_ns) {
  time_t t = static_cast<time_t>(time_ns / 1'000'000'000);
  struct tm tm;
  char buf[32];
  if (!::gmtime_r(&t, &tm) || !std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm)) return fmt::format("{}", time_ns);
  return buf;
}

void BrowseCatalog::TimeDir::add(const Snapshot& s) {  // oldest first: the first of a second keeps the plain name
  std::string name = time_name(s.time_ns);
  if (snapshots.count(name)) name.append("-").append(s.short_id());
  snapshots[name] = s;
  latest = name;
}

BrowseCatalog::Names BrowseCatalog::name_snapshots(const std::vector<Snapshot>& live) {
  Names n;
  for (const Snapshot& s : live) {
    n.hosts[one_component(s.hostname, "(no host)")].add(s);
    for (const auto& tag : s.tags) n.tags[one_component(tag, "(empty tag)")].add(s);
    n.ids[n.ids.count(s.short_id()) ? s.id : s.short_id()] = s;
    n.id_list.push_back(s.id);
    n.newest_ns = std::max(n.newest_ns, s.time_ns);
  }
  return n;
}

Status BrowseCatalog::with_repo(const std::function<Status(Repository&)>& f) {
  std::lock_guard<std::mutex> lock(repo_mu_);
  return f(*repo_);
}

Status BrowseCatalog::refresh(bool force) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t now = monotonic_ns();
    if (!force && listed_ && now - last_refresh_ns_ < refresh_interval_ns_) return {};
    last_refresh_ns_ = now;
  }
  std::lock_guard<std::mutex> repo_lock(repo_mu_);
  GB_ASSIGN(auto live, SnapshotStore(*repo_).list());
  Names names = name_snapshots(live);
  bool changed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    changed = listed_ && names.id_list != names_.id_list;
  }
  // New snapshots bring index objects this process has not read: a reopened
  // repository reads them all (a failed reopen keeps the old one).
  if (changed && reopen_) {
    auto fresh = reopen_();
    if (!fresh) return fresh.error();
    repo_ = std::move(*fresh);
  }
  std::lock_guard<std::mutex> lock(mu_);
  names_ = std::move(names);
  listed_ = true;
  return {};
}

Result<std::shared_ptr<const SnapshotTree>> BrowseCatalog::tree_of(const Snapshot& snap) {
  auto cached = [&]() -> std::shared_ptr<const SnapshotTree> {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = trees_.begin(); it != trees_.end(); ++it)
      if (it->first == snap.id) {
        trees_.splice(trees_.begin(), trees_, it);
        return trees_.front().second;
      }
    return nullptr;
  };
  if (auto t = cached()) return t;
  std::lock_guard<std::mutex> repo_lock(repo_mu_);
  if (auto t = cached()) return t;  // loaded by another caller meanwhile
  GB_ASSIGN(auto loaded, SnapshotTree::load(*repo_, snap));
  std::shared_ptr<const SnapshotTree> tree(std::move(loaded));
  std::lock_guard<std::mutex> lock(mu_);
  trees_.emplace_front(snap.id, tree);
  while (trees_.size() > std::max<size_t>(1, trees_kept_)) trees_.pop_back();
  return tree;
}

Result<BrowseNode> BrowseCatalog::stored(const Snapshot& snap, const std::string& rest) {
  GB_ASSIGN(auto tree, tree_of(snap));
  const TreeNode* node = tree->find(rest.empty() ? "/" : rest);
  if (!node) return not_found();
  BrowseNode n;
  n.kind = BrowseNode::Kind::Stored;
  n.tree = std::move(tree);
  n.node = node;
  n.snapshot_id = snap.id;
  return n;
}

std::optional<Result<BrowseNode>> BrowseCatalog::resolve_once(const std::vector<std::string>& parts) {
  std::unique_lock<std::mutex> lock(mu_);
  const Names& n = names_;
  auto rest_from = [&](size_t i) {
    std::string rest;
    for (; i < parts.size(); ++i) rest += "/" + parts[i];
    return rest;
  };
  if (parts.empty()) {
    BrowseNode root;
    root.children = {"hosts", "latest", "snapshots", "tags"};
    root.time_ns = n.newest_ns;
    return root;
  }
  const std::string& top = parts[0];
  if (top == "hosts" || top == "tags") {
    const auto& dirs = top == "hosts" ? n.hosts : n.tags;
    if (parts.size() == 1) return dir_of(dirs, n.newest_ns);
    auto dir = dirs.find(parts[1]);
    if (dir == dirs.end()) return std::nullopt;
    return in_time_dir(lock, dir->second, parts);
  }
  if (top == "snapshots") {
    if (parts.size() == 1) return dir_of(n.ids, n.newest_ns);
    auto snap = n.ids.find(parts[1]);
    if (snap == n.ids.end()) return std::nullopt;
    Snapshot s = snap->second;
    lock.unlock();
    return stored(s, rest_from(2));
  }
  if (top == "latest") {
    if (parts.size() == 1) return dir_of(n.hosts, n.newest_ns);
    auto host = n.hosts.find(parts[1]);
    if (host == n.hosts.end()) return std::nullopt;
    if (parts.size() > 2) return Result<BrowseNode>(not_found());
    const TimeDir& d = host->second;
    return symlink_to("../hosts/" + host->first + "/" + d.latest, d.snapshots.at(d.latest).time_ns);
  }
  return Result<BrowseNode>(not_found());
}

// parts: {"hosts"|"tags", NAME, TIME or "latest", PATH...}
std::optional<Result<BrowseNode>> BrowseCatalog::in_time_dir(std::unique_lock<std::mutex>& lock, const TimeDir& dir,
                                                             const std::vector<std::string>& parts) {
  int64_t newest = dir.snapshots.at(dir.latest).time_ns;
  if (parts.size() == 2) {
    BrowseNode d = dir_of(dir.snapshots, newest);
    d.children.push_back("latest");
    return d;
  }
  if (parts[2] == "latest") {
    if (parts.size() == 3) return symlink_to(dir.latest, newest);
    return Result<BrowseNode>(not_found());  // the kernel follows the link itself
  }
  auto snap = dir.snapshots.find(parts[2]);
  if (snap == dir.snapshots.end()) return std::nullopt;
  Snapshot s = snap->second;
  std::string rest;
  for (size_t i = 3; i < parts.size(); ++i) rest += "/" + parts[i];
  lock.unlock();
  return stored(s, rest);
}

Result<BrowseNode> BrowseCatalog::resolve(const std::string& mount_path) {
  auto parts = split_path(mount_path);
  bool listing_level = parts.size() <= 2 || (parts.size() == 3 && (parts[0] == "hosts" || parts[0] == "tags"));
  if (listing_level || !listed_) GB_CHECK(refresh());
  if (auto found = resolve_once(parts)) return std::move(*found);
  // A name the last list lacks: perhaps a snapshot taken since (rate-limited).
  GB_CHECK(refresh());
  if (auto found = resolve_once(parts)) return std::move(*found);
  return not_found();
}

}  // namespace gb
