#include "core/cli/grid_status.h"

#include "core/common/parallel.h"
#include "core/connect/open_backend.h"
#include "core/grid/grid_backend.h"

namespace gb {

Result<GridStatusReport> read_grid_status(const std::string& url) {
  GB_ASSIGN(auto grid, open_grid(url));
  const GridConfig& c = grid->shares().config();
  GridStatusReport out;
  out.k = c.k;
  out.n = c.n;
  out.happy = c.happy;
  out.members.resize(c.members.size());
  parallel_for(c.members.size(), [&](size_t i) {
    auto there = grid->shares().member(i).exists();
    out.members[i].state = !there ? "UNREACHABLE: " + there.error().message : *there ? "reachable" : "MISSING: the location does not exist";
  });
  for (size_t i = 0; i < c.members.size(); ++i) {
    GridMemberState& m = out.members[i];
    m.reachable = m.state == "reachable";
    out.members_down += !m.reachable;
    // The member backend's url(), not the configured one: it hides secrets such as a Tahoe dircap.
    m.url = grid->shares().member(i).url();
    m.id = c.members[i].id == c.members[i].url ? m.url : c.members[i].id;
  }
  auto under = grid->shares().under_replicated();
  if (under) out.under_replicated = under->size();
  return out;
}

Json grid_status_json(const GridStatusReport& g) {
  Json members = Json::array();
  for (const auto& m : g.members) members.push_back({{"id", m.id}, {"url", m.url}, {"reachable", m.reachable}, {"state", m.state}});
  return {{"k", g.k},
          {"n", g.n},
          {"happy", g.happy},
          {"members", members},
          {"members_down", g.members_down},
          {"under_replicated_at_upload", g.under_replicated ? Json(*g.under_replicated) : Json()}};
}

}  // namespace gb
