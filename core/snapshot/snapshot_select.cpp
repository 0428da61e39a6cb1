#include "core/snapshot/snapshot_select.h"

#include <fmt/format.h>
#include <algorithm>
#include <set>

namespace gb {
namespace {

std::string joined(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

bool has_every_tag(const Snapshot& s, const std::vector<std::string>& tags) {
  return std::all_of(tags.begin(), tags.end(), [&](const std::string& t) { return std::find(s.tags.begin(), s.tags.end(), t) != s.tags.end(); });
}

}  // namespace

std::string filter_text(const SnapshotFilter& filter) {
  std::vector<std::string> parts;
  if (!filter.hosts.empty()) parts.push_back((filter.hosts.size() == 1 ? "host " : "hosts ") + joined(filter.hosts, ", "));
  if (!filter.paths.empty()) parts.push_back("including " + joined(filter.paths, " and "));
  if (!filter.tags.empty()) {
    std::vector<std::string> lists;
    for (const auto& l : filter.tags) lists.push_back(joined(l, ","));
    parts.push_back("tagged " + joined(lists, " or "));
  }
  return parts.empty() ? "any snapshot" : joined(parts, ", ");
}

bool snapshot_matches(const Snapshot& s, const SnapshotFilter& filter) {
  if (!filter.hosts.empty() && std::find(filter.hosts.begin(), filter.hosts.end(), s.hostname) == filter.hosts.end()) return false;
  for (const auto& p : filter.paths)
    if (std::find(s.paths.begin(), s.paths.end(), p) == s.paths.end()) return false;
  if (filter.tags.empty()) return true;
  return std::any_of(filter.tags.begin(), filter.tags.end(), [&](const std::vector<std::string>& list) { return has_every_tag(s, list); });
}

std::vector<Snapshot> select_snapshots(const std::vector<Snapshot>& all, const SnapshotFilter& filter) {
  std::vector<Snapshot> out;
  for (const auto& s : all)
    if (snapshot_matches(s, filter)) out.push_back(s);
  return out;
}

Result<Snapshot> resolve_snapshot(SnapshotStore& store, const std::string& ref, const SnapshotFilter& latest) {
  if (ref != "latest") return store.resolve(ref);
  GB_ASSIGN(auto all, store.list());
  if (all.empty()) return make_error(ErrorKind::NotFound, "the repository has no snapshots yet");
  auto hits = select_snapshots(all, latest);
  if (!hits.empty()) return hits.back();
  std::string host_text = latest.hosts.empty() ? "any host" : "host " + joined(latest.hosts, ", ");
  SnapshotFilter by_host{latest.hosts, {}, {}};
  if ((!latest.paths.empty() || !latest.tags.empty()) && !select_snapshots(all, by_host).empty()) {
    std::vector<std::string> what;
    if (!latest.paths.empty()) what.push_back("includes " + joined(latest.paths, " and "));
    if (!latest.tags.empty()) what.push_back("is " + filter_text(SnapshotFilter{{}, {}, latest.tags}));
    return make_error(ErrorKind::NotFound,
                      fmt::format("no snapshot of {} {} (see 'gridbackup snapshots --host NAME')", host_text, joined(what, " and ")));
  }
  std::set<std::string> others;
  for (const auto& s : all)
    if (std::find(latest.hosts.begin(), latest.hosts.end(), s.hostname) == latest.hosts.end()) others.insert(s.hostname);
  return make_error(ErrorKind::NotFound, fmt::format("no snapshot of {}; other hosts: {} — use --host NAME, or a snapshot id", host_text,
                                                     joined(std::vector<std::string>(others.begin(), others.end()), ", ")));
}

Result<std::vector<Snapshot>> choose_snapshots(SnapshotStore& store, const std::vector<Snapshot>& all, const std::vector<std::string>& refs,
                                               const SnapshotFilter& filter, const std::string& this_host) {
  if (refs.empty()) return select_snapshots(all, filter);
  SnapshotFilter latest = filter;
  if (latest.hosts.empty()) latest.hosts.push_back(this_host);
  std::vector<Snapshot> chosen;
  std::set<std::string> seen;
  for (const auto& ref : refs) {
    GB_ASSIGN(Snapshot s, resolve_snapshot(store, ref, latest));
    if (seen.insert(s.id).second) chosen.push_back(std::move(s));
  }
  return chosen;
}

}  // namespace gb
