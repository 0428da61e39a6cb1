#include "core/browse/snapshot_tree.h"

#include "core/snapshot/snapshot_store.h"
#include "core/snapshot/view_reader.h"

namespace gb {

namespace {
std::string parent_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}
std::string name_of(const std::string& path) { return path.substr(path.rfind('/') + 1); }
}  // namespace

Result<std::unique_ptr<SnapshotTree>> SnapshotTree::load(Repository& repo, const Snapshot& snap) {
  SnapshotStore store(repo);
  GB_ASSIGN(auto logs, store.chain(snap));
  ViewReader view(repo, logs);
  std::unique_ptr<SnapshotTree> tree(new SnapshotTree());
  tree->ancestor("/", snap.time_ns);
  Entry e;
  for (;;) {
    GB_ASSIGN(bool more, view.next(e));
    if (!more) break;
    tree->add(std::move(e), snap.time_ns);
    e = Entry();
  }
  tree->count_links();
  return tree;
}

std::unique_ptr<SnapshotTree> SnapshotTree::from_entries(const Snapshot& snap, std::vector<Entry> entries) {
  std::unique_ptr<SnapshotTree> tree(new SnapshotTree());
  tree->ancestor("/", snap.time_ns);
  for (auto& e : entries) tree->add(std::move(e), snap.time_ns);
  tree->count_links();
  return tree;
}

const TreeNode* SnapshotTree::find(const std::string& path) const {
  auto it = nodes_.find(path);
  return it == nodes_.end() ? nullptr : &it->second;
}

TreeNode& SnapshotTree::ancestor(const std::string& path, int64_t time_ns) {
  auto it = nodes_.find(path);
  if (it != nodes_.end()) return it->second;
  TreeNode node;
  node.synthesized = true;
  node.entry.path = path;
  node.entry.type = NodeType::Dir;
  node.entry.mode = 0555;
  node.entry.mtime_ns = node.entry.ctime_ns = time_ns;
  if (path != "/") ancestor(parent_of(path), time_ns).children.push_back(name_of(path));
  return nodes_.emplace(path, std::move(node)).first->second;
}

void SnapshotTree::add(Entry e, int64_t time_ns) {
  if (e.path == "/") {  // a backup of / stores the root itself: its entry replaces the synthesized one
    nodes_["/"].entry = std::move(e);
    nodes_["/"].synthesized = false;
    return;
  }
  std::string path = e.path;
  auto it = nodes_.find(path);
  if (it != nodes_.end()) {  // stored after a synthesized ancestor (two roots, one below the other's parent)
    it->second.entry = std::move(e);
    it->second.synthesized = false;
    return;
  }
  ancestor(parent_of(path), time_ns).children.push_back(name_of(path));
  TreeNode node;
  node.entry = std::move(e);
  nodes_.emplace(std::move(path), std::move(node));
}

void SnapshotTree::count_links() {
  std::unordered_map<uint64_t, uint32_t> group;
  for (const auto& [path, node] : nodes_)
    if (node.entry.hardlink_id && node.entry.type != NodeType::Dir) ++group[node.entry.hardlink_id];
  for (auto& [path, node] : nodes_) {
    if (node.entry.type == NodeType::Dir) {
      node.links = 2;
      for (const auto& child : node.children) {
        const TreeNode* c = find(path == "/" ? "/" + child : path + "/" + child);
        if (c && c->entry.type == NodeType::Dir) ++node.links;
      }
    } else if (node.entry.hardlink_id) {
      node.links = group[node.entry.hardlink_id];
    }
  }
}

}  // namespace gb
