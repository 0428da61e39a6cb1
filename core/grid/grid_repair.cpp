#include "core/grid/grid_repair.h"

#include <fmt/format.h>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/common/parallel.h"
#include "core/common/posix_error.h"
#include "core/grid/share_codec.h"

namespace gb {
namespace {

using ShareFile = ShareStore::ShareFile;

// The largest set of (member, share index) pairs, every member and every
// index used once, where the member holds that index intact (augmenting
// paths; n and the member count are small). member_index[m] / index_member[i]
// are -1 where unmatched.
struct Matching {
  std::vector<int> member_index, index_member;
  int size = 0;
};

Matching match(const std::vector<std::vector<int>>& holds, int n) {
  Matching m;
  m.member_index.assign(holds.size(), -1);
  m.index_member.assign(n, -1);
  std::function<bool(size_t, std::vector<bool>&)> augment = [&](size_t member, std::vector<bool>& seen) {
    for (int i : holds[member]) {
      if (seen[i]) continue;
      seen[i] = true;
      if (m.index_member[i] < 0 || augment(static_cast<size_t>(m.index_member[i]), seen)) {
        m.index_member[i] = static_cast<int>(member);
        m.member_index[member] = i;
        return true;
      }
    }
    return false;
  };
  for (size_t member = 0; member < holds.size(); ++member) {
    std::vector<bool> seen(n, false);
    if (augment(member, seen)) ++m.size;
  }
  return m;
}

struct Inspection {
  ObjectHealth health;
  std::vector<ShareFile> files;  // aligned with health.shares
  std::vector<Share> version;    // fetched shares of the version chosen
};

// Holdings of intact shares by member, leaving out members in `skip`.
std::vector<std::vector<int>> good_holdings(const Inspection& in, size_t members, const std::vector<bool>& skip) {
  std::vector<std::vector<int>> holds(members);
  for (size_t f = 0; f < in.files.size(); ++f) {
    const ShareState& s = in.health.shares[f];
    if (s.kind == ShareState::Good && !skip[s.member]) holds[s.member].push_back(s.index);
  }
  return holds;
}

Inspection inspect(ShareStore& grid, const std::string& name, const std::vector<ShareFile>& files, const std::vector<size_t>& unreachable) {
  Inspection in;
  in.files = files;
  ObjectHealth& h = in.health;
  h.name = name;
  h.unreachable = unreachable;
  h.k = grid.config().k;
  h.n = grid.config().n;
  h.length = files.empty() ? 0 : files.front().length;
  std::vector<std::optional<Result<Share>>> fetched(files.size());
  parallel_for(files.size(), [&](size_t f) { fetched[f] = grid.fetch_share(files[f]); });

  // The version to keep: the largest one that can be rebuilt, else the largest.
  std::map<Hash, std::vector<size_t>> versions;
  for (size_t f = 0; f < files.size(); ++f)
    if (*fetched[f]) versions[(*fetched[f])->root].push_back(f);
  const std::vector<size_t>* chosen = nullptr;
  bool chosen_decodable = false;
  for (const auto& [root, members] : versions) {
    std::vector<const Share*> group;
    for (size_t f : members) group.push_back(&fetched[f]->value());
    bool ok = decodable(group);
    if (!chosen || (ok && !chosen_decodable) || (ok == chosen_decodable && members.size() > chosen->size())) {
      chosen = &members;
      chosen_decodable = ok;
    }
  }
  std::set<size_t> in_version;
  if (chosen) in_version.insert(chosen->begin(), chosen->end());
  for (size_t f = 0; f < files.size(); ++f) {
    ShareState s{files[f].member, files[f].index, ShareState::Good, ""};
    auto& r = *fetched[f];
    if (!r) {
      s.kind = r.error().kind == ErrorKind::Corrupt ? ShareState::Damaged : ShareState::Unreadable;
      s.problem = r.error().message;
    } else if (!in_version.count(f)) {
      s.kind = ShareState::Stale;
      s.problem = "a share of another version of the object";
    } else if (!r->intact()) {
      s.kind = ShareState::Damaged;
      s.problem = fmt::format("{} of {} blocks damaged", r->good.size() - r->good_blocks(), r->good.size());
    }
    h.shares.push_back(s);
  }
  if (chosen) {
    const ShareLayout& lay = fetched[chosen->front()]->value().layout;
    h.k = lay.k;
    h.n = lay.n;
    h.length = lay.object_length;
    for (size_t f : *chosen) in.version.push_back(std::move(fetched[f]).value().value());
  }
  h.readable = chosen_decodable;
  std::set<int> good;
  for (const auto& s : h.shares)
    if (s.kind == ShareState::Good) good.insert(s.index);
  h.good = static_cast<int>(good.size());
  h.spread = match(good_holdings(in, grid.member_count(), std::vector<bool>(grid.member_count(), false)), h.n).size;
  return in;
}

// Regenerates unplaced shares onto usable members, then removes damaged,
// stale, redundant and retiring copies. Writes come first: a repair stopped
// at any moment leaves at least what was there.
RepairOutcome repair(ShareStore& grid, Inspection& in, std::optional<size_t> retiring) {
  RepairOutcome out;
  ObjectHealth& h = in.health;
  const size_t members = grid.member_count();
  std::vector<bool> unusable(members, false);
  for (size_t m : h.unreachable) unusable[m] = true;
  for (size_t m = 0; m < members; ++m)
    if (grid.member_down(m)) unusable[m] = true;
  if (retiring) unusable[*retiring] = true;
  auto holds = good_holdings(in, members, unusable);
  Matching placed = match(holds, h.n);
  std::vector<std::vector<int>> files_on(members);  // share indices each member will hold
  for (const auto& s : h.shares)
    if (!unusable[s.member] && s.kind == ShareState::Good) files_on[s.member].push_back(s.index);

  std::vector<int> unplaced;
  for (int i = 0; i < h.n; ++i)
    if (placed.index_member[i] < 0) unplaced.push_back(i);
  std::set<std::pair<size_t, int>> written;
  if (!unplaced.empty()) {
    std::vector<const Share*> version;
    for (const auto& s : in.version) version.push_back(&s);
    auto object = assemble_object(version);
    if (!object) {
      out.problems.push_back(object.error().message);
      out.after = h;
      return out;
    }
    auto shares = encode_shares(h.k, h.n, *object, in.version.front().layout.block_size);
    if (!shares || !std::equal(in.version.front().root.begin(), in.version.front().root.end(), shares->front().begin() + 32)) {
      out.problems.push_back("the regenerated shares do not match the stored ones");
      out.after = h;
      return out;
    }
    const auto order = grid.placement(h.name);
    for (int i : unplaced) {
      bool has_good_copy = false;
      for (size_t m = 0; m < members; ++m)
        if (!unusable[m] && std::count(files_on[m].begin(), files_on[m].end(), i)) has_good_copy = true;
      // Where share i goes: a free member holding a damaged copy of it (the
      // new one replaces it), else the first free member of the order, else
      // (a new copy only) the member with the fewest shares.
      std::vector<size_t> candidates;
      for (const auto& s : h.shares)
        if (s.index == i && s.kind != ShareState::Good && !unusable[s.member] && placed.member_index[s.member] < 0) candidates.push_back(s.member);
      for (size_t m : order)
        if (!unusable[m] && placed.member_index[m] < 0) candidates.push_back(m);
      if (!has_good_copy) {
        std::vector<size_t> by_load(order.begin(), order.end());
        std::stable_sort(by_load.begin(), by_load.end(), [&](size_t a, size_t b) { return files_on[a].size() < files_on[b].size(); });
        for (size_t m : by_load)
          if (!unusable[m]) candidates.push_back(m);
      }
      for (size_t m : candidates) {
        if (unusable[m] || (placed.member_index[m] >= 0 && has_good_copy)) continue;
        Status st = grid.put_share(m, h.name, i, h.length, (*shares)[i]);
        if (!st) {
          out.problems.push_back(st.error().message);
          unusable[m] = true;
          continue;
        }
        ++out.shares_written;
        written.insert({m, i});
        files_on[m].push_back(i);
        if (placed.member_index[m] < 0) {
          placed.member_index[m] = i;
          placed.index_member[i] = static_cast<int>(m);
        }
        has_good_copy = true;
        break;
      }
    }
  }

  // Removals, once share i is kept intact on a usable member (the matched
  // one, else any that holds it): every other file of index i (damaged,
  // stale, a redundant copy, or on the retiring member).
  std::vector<int> keepers = placed.index_member;
  for (size_t m = 0; m < members; ++m)
    for (int i : files_on[m])
      if (keepers[i] < 0) keepers[i] = static_cast<int>(m);
  for (size_t f = 0; f < in.files.size(); ++f) {
    const ShareFile& file = in.files[f];
    if (h.shares[f].kind == ShareState::Unreadable) continue;
    if (file.length == h.length && written.count({file.member, file.index})) continue;  // replaced in place
    if (unusable[file.member] && !(retiring && file.member == *retiring)) continue;
    int keeper = file.index < h.n ? keepers[file.index] : -1;
    if (keeper < 0 || static_cast<size_t>(keeper) == file.member) continue;
    if (Status st = grid.remove_share(file); st) {
      ++out.shares_removed;
      auto& held = files_on[file.member];
      if (auto it = std::find(held.begin(), held.end(), file.index); h.shares[f].kind == ShareState::Good && it != held.end()) held.erase(it);
    } else {
      out.problems.push_back(st.error().message);
    }
  }

  ObjectHealth& after = out.after;
  after = h;
  std::set<int> good;
  for (size_t m = 0; m < members; ++m)
    if (!unusable[m]) good.insert(files_on[m].begin(), files_on[m].end());
  after.good = static_cast<int>(good.size());
  after.spread = match(files_on, h.n).size;
  if (after.healthy()) grid.clear_under_replicated(h.name);
  return out;
}

bool needs_repair(const Inspection& in, std::optional<size_t> retiring) {
  if (!in.health.healthy()) return true;
  std::map<int, int> copies;
  for (const auto& s : in.health.shares) {
    if (s.kind == ShareState::Damaged || s.kind == ShareState::Stale) return true;
    if (retiring && s.member == *retiring) return true;
    if (s.kind == ShareState::Good && ++copies[s.index] > 1) return true;
  }
  return false;
}

std::string read_cursor(const std::string& file) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

Status write_cursor(const std::string& file, const std::string& name) {
  std::string tmp = file + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << name << "\n";
    if (!out) return make_error(ErrorKind::Io, fmt::format("cannot write the progress file {}", tmp));
  }
  if (std::rename(tmp.c_str(), file.c_str()) != 0) return posix_error(fmt::format("cannot write the progress file {}", file), errno);
  return {};
}

}  // namespace

Result<GridPassSummary> run_grid_pass(ShareStore& grid, const GridPassOptions& options) {
  GridPassSummary summary;
  const size_t members = grid.member_count();
  auto listing = grid.list_shares("", {}, /*ask_down=*/true);
  if (listing.failed.size() == members)
    return make_error(listing.failed.front().error.kind, "no member of the grid can be listed; " + listing.failed.front().error.message);
  std::vector<size_t> unreachable;
  for (const auto& f : listing.failed) {
    unreachable.push_back(f.member);
    summary.unreachable_members.push_back(f.error.message);
  }
  std::map<std::string, std::vector<ShareFile>> objects;
  for (auto& f : listing.shares) objects[f.object].push_back(std::move(f));
  if (options.retiring) {
    // Retiring looks at the objects with a share on the member, and at those
    // whose listing shows fewer than n shares elsewhere (the member may be
    // dead or wiped already): those need new shares before it goes.
    const size_t retiring = *options.retiring;
    const int n = grid.config().n;
    std::erase_if(objects, [&](const auto& entry) {
      std::set<std::pair<size_t, int>> elsewhere;
      for (const ShareFile& f : entry.second) {
        if (f.member == retiring) return false;
        elsewhere.insert({f.member, f.index});
      }
      return static_cast<int>(elsewhere.size()) >= n;
    });
  }

  std::vector<std::string> marked;
  if (auto under = grid.under_replicated()) marked = std::move(*under);
  summary.marked = marked.size();

  std::string cursor;
  if (!options.restart && !options.cursor_file.empty()) cursor = read_cursor(options.cursor_file);
  summary.resumed_after = cursor;

  std::set<std::string> handled;
  auto handle = [&](const std::string& name, const std::vector<ShareFile>& files) {
    Inspection in = inspect(grid, name, files, unreachable);
    std::optional<RepairOutcome> outcome;
    if (options.repair && in.health.readable && needs_repair(in, options.retiring)) outcome = repair(grid, in, options.retiring);
    const ObjectHealth& now = outcome ? outcome->after : in.health;
    ++summary.objects;
    if (!now.readable)
      ++summary.unreadable;
    else if (now.healthy())
      ++summary.healthy;
    else
      ++summary.degraded;
    if (outcome) {
      summary.shares_written += outcome->shares_written;
      summary.shares_removed += outcome->shares_removed;
      if (outcome->shares_written || outcome->shares_removed) ++summary.repaired;
    } else if (options.repair && in.health.healthy()) {
      grid.clear_under_replicated(name);
    }
    if (options.report) options.report(in.health, outcome ? &*outcome : nullptr);
    handled.insert(name);
  };
  auto limit_reached = [&] { return options.limit && summary.objects >= options.limit; };

  // Objects recorded as under-replicated at upload come first.
  if (options.repair)
    for (const auto& name : marked) {
      if (limit_reached()) return summary;
      auto it = objects.find(name);
      if (it == objects.end()) {
        if (!options.retiring) grid.clear_under_replicated(name);  // the object is gone
        continue;
      }
      handle(name, it->second);
    }
  for (auto it = cursor.empty() ? objects.begin() : objects.upper_bound(cursor); it != objects.end(); ++it) {
    if (limit_reached()) return summary;
    if (!handled.count(it->first)) handle(it->first, it->second);
    if (!options.cursor_file.empty()) GB_CHECK(write_cursor(options.cursor_file, it->first));
  }
  summary.finished = true;
  if (!options.cursor_file.empty()) std::remove(options.cursor_file.c_str());
  return summary;
}

}  // namespace gb
