#include "core/snapshot/view_diff.h"

#include "core/common/path_order.h"

namespace gb {

std::optional<DiffKind> compare_entries(const Entry& before, const Entry& after) {
  if (before.type != after.type) return DiffKind::TypeChanged;
  bool content = false;
  switch (after.type) {
    case NodeType::File:
      content = before.size != after.size || before.content != after.content;
      break;
    case NodeType::Symlink:
      content = before.symlink_target != after.symlink_target;
      break;
    case NodeType::CharDev:
    case NodeType::BlockDev:
      content = before.rdev != after.rdev;
      break;
    default:
      break;
  }
  if (content) return DiffKind::Modified;
  if (before.mode != after.mode || before.uid != after.uid || before.gid != after.gid || before.mtime_ns != after.mtime_ns ||
      before.xattrs != after.xattrs)
    return DiffKind::MetadataChanged;
  return std::nullopt;
}

namespace {

void count(const ViewChange& c, DiffSummary& s) {
  auto file_size = [](const Entry* e) { return e && e->type == NodeType::File ? e->size : 0; };
  switch (c.kind) {
    case DiffKind::Added:
      ++s.added;
      s.added_bytes += file_size(c.after);
      break;
    case DiffKind::Removed:
      ++s.removed;
      s.removed_bytes += file_size(c.before);
      break;
    case DiffKind::Modified:
      ++s.modified;
      s.modified_bytes_before += file_size(c.before);
      s.modified_bytes_after += file_size(c.after);
      break;
    case DiffKind::TypeChanged:
      ++s.type_changed;
      break;
    case DiffKind::MetadataChanged:
      ++s.metadata_changed;
      break;
  }
}

}  // namespace

Result<DiffSummary> diff_views(const EntrySource& before, const EntrySource& after, const std::function<Status(const ViewChange&)>& each) {
  DiffSummary summary;
  Entry a, b;
  GB_ASSIGN(bool has_a, before(a));
  GB_ASSIGN(bool has_b, after(b));
  auto emit = [&](DiffKind kind, const Entry* x, const Entry* y) -> Status {
    ViewChange c{kind, x, y};
    count(c, summary);
    return each(c);
  };
  while (has_a || has_b) {
    int order = !has_a ? 1 : !has_b ? -1 : path_compare(a.path, b.path);
    if (order < 0) {
      GB_CHECK(emit(DiffKind::Removed, &a, nullptr));
    } else if (order > 0) {
      GB_CHECK(emit(DiffKind::Added, nullptr, &b));
    } else if (auto kind = compare_entries(a, b)) {
      GB_CHECK(emit(*kind, &a, &b));
    }
    if (order <= 0) {
      GB_ASSIGN(bool more, before(a));
      has_a = more;
    }
    if (order >= 0) {
      GB_ASSIGN(bool more, after(b));
      has_b = more;
    }
  }
  return summary;
}

}  // namespace gb
