#include "core/cli/listing_json.h"

#include <fmt/format.h>
#include <algorithm>

#include "core/cli/time_text.h"
#include "core/snapshot/snapshot_select.h"

namespace gb {

Json snapshot_json(const Snapshot& s, const Completeness& stored) {
  return {{"id", s.id},
          {"short_id", s.short_id()},
          {"time", utc_time_text(s.time_ns)},
          {"hostname", s.hostname},
          {"username", s.username},
          {"paths", s.paths},
          {"tags", s.tags},
          {"parent", s.parent.empty() ? Json() : Json(s.parent)},
          {"checkpoint", s.checkpoint},
          {"files", s.stats.files},
          {"dirs", s.stats.dirs},
          {"bytes", s.stats.bytes},
          {"errors", s.stats.errors},
          {"complete", stored.complete()},
          {"pending_files", stored.pending_files},
          {"pending_bytes", stored.pending_bytes}};
}

Json entry_json(const Entry& e) {
  Json out = {{"path", e.path}, {"type", node_type_name(e.type)}, {"mode", e.mode}, {"uid", e.uid}, {"gid", e.gid},
              {"size", e.size}, {"mtime_ns", e.mtime_ns}};
  if (e.flags & kNameNotUtf8) out["path_hex"] = to_hex(as_bytes(e.path));
  if (e.type == NodeType::Symlink) out["target"] = e.symlink_target;
  if (e.type == NodeType::File) out["content"] = to_hex(e.content);
  if (e.hardlink_id) out["hardlink"] = fmt::format("{:x}", e.hardlink_id);
  if (e.rdev) out["rdev"] = e.rdev;
  if (!e.xattrs.empty()) {
    Json& xattrs = out["xattrs"] = Json::object();
    for (const auto& [name, value] : e.xattrs) xattrs[name] = to_hex(as_bytes(value));
  }
  out["ctime_ns"] = e.ctime_ns;
  out["inode"] = e.inode;
  return out;
}

Json file_version_json(const FileVersion& v, const std::string& host) {
  const Entry& e = v.entry;
  Json one = {{"snapshot", v.first.id},
              {"short_id", v.first.short_id()},
              {"time", utc_time_text(v.first.time_ns)},
              {"hostname", host},
              {"last_snapshot", v.last.id},
              {"snapshots", v.snapshots},
              {"type", node_type_name(e.type)},
              {"size", e.size},
              {"mode", e.mode},
              {"mtime", utc_time_text(e.mtime_ns)},
              {"mtime_ns", e.mtime_ns},
              {"content", e.type == NodeType::File ? Json(to_hex(e.content)) : Json()}};
  if (e.type == NodeType::Symlink) one["target"] = e.symlink_target;
  return one;
}

Result<std::vector<HostVersions>> versions_by_host(Repository& repo, const std::vector<Snapshot>& chosen, const std::string& path) {
  std::vector<std::string> hosts;
  for (const auto& s : chosen)
    if (std::find(hosts.begin(), hosts.end(), s.hostname) == hosts.end()) hosts.push_back(s.hostname);
  std::vector<HostVersions> out;
  for (const auto& host : hosts) {
    auto mine = select_snapshots(chosen, SnapshotFilter{{host}, {}});
    auto found = find_file_versions(repo, mine, path);
    if (!found) return found.error();
    if (!found->empty()) out.push_back({host, std::move(*found)});
  }
  return out;
}

}  // namespace gb
