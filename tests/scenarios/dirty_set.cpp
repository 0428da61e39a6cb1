#include "tests/scenarios/dirty_set.h"

namespace gb::scenario {

std::string PathMap::apply(const std::string& path) const {
  if (from.empty() || path.compare(0, from.size(), from) != 0) return path;
  std::string rest = path.substr(from.size());
  bool windows = from.size() >= 2 && from[1] == ':';
  if (windows)
    for (char& c : rest)
      if (c == '\\') c = '/';
  std::string out = to;
  if (!rest.empty() && !out.empty() && out.back() == '/' && rest.front() == '/') rest.erase(0, 1);
  if (!rest.empty() && !out.empty() && out.back() != '/' && rest.front() != '/') out += '/';
  out += rest;
  return out;
}

void DirtySet::add(const ChangeRecord& r, const PathMap& map) {
  switch (r.kind) {
    case ChangeKind::Overflow:
      overflow = true;
      break;
    case ChangeKind::RescanNeeded:
      rescans.insert(map.apply(r.path));
      break;
    default:
      paths.insert({map.apply(r.path), r.is_dir});
  }
}

bool DirtySet::operator==(const DirtySet& o) const {
  if (overflow || o.overflow) return overflow == o.overflow;
  return paths == o.paths && rescans == o.rescans;
}

std::string DirtySet::describe() const {
  std::string out;
  if (overflow) out += "overflow (everything)\n";
  for (const auto& [p, dir] : paths) out += (dir ? "dir  " : "file ") + p + "\n";
  for (const auto& p : rescans) out += "rescan " + p + "\n";
  return out.empty() ? "(nothing)\n" : out;
}

DirtySet dirty_set_of(const Recording& recording, EventTranslator& translator, const PathMap& map, std::vector<ChangeRecord>* records) {
  std::vector<ChangeRecord> out;
  for (const auto& e : recording.events) translator.translate(e.bytes, e.time_ns, out);
  DirtySet d;
  for (const auto& r : out) d.add(r, map);
  if (records) *records = std::move(out);
  return d;
}

}  // namespace gb::scenario
