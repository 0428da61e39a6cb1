#include "core/grid/grid_backend.h"

#include <fmt/format.h>
#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include "core/common/parallel.h"
#include "core/grid/placement.h"
#include "core/storage/object_range.h"

namespace gb {
namespace {

using MemberFailure = ShareStore::MemberFailure;
using ShareListing = ShareStore::ShareListing;

constexpr size_t kCacheBytes = 64u << 20;

Status check_name(const std::string& name) {
  if (name.empty() || name.back() == '/') return make_error(ErrorKind::InvalidArgument, fmt::format("'{}' is not a usable object name", name));
  if (name.rfind(kGridReservedPrefix, 0) == 0)
    return make_error(ErrorKind::InvalidArgument, fmt::format("the object name '{}' is kept for the grid itself (_grid/...)", name));
  if (parse_share_object_name(name))
    return make_error(ErrorKind::InvalidArgument,
                      fmt::format("the object name '{}' ends like a share name (s<index>.<length>), which the grid keeps for itself", name));
  return {};
}

}  // namespace

// The shares of one object read from some members.
struct GridBackend::Gathered {
  std::mutex mu;
  std::vector<Share> shares;
  std::vector<std::string> damaged;  // "member a: share 2: ..."
  std::vector<MemberFailure> failed;
  std::vector<bool> asked;
};

GridBackend::GridBackend(std::string url, std::unique_ptr<ShareStore> shares)
    : url_(std::move(url)), shares_(std::move(shares)), cache_(new ObjectCache(kCacheBytes)) {}

GridBackend::~GridBackend() = default;

Result<std::unique_ptr<GridBackend>> GridBackend::open(const std::string& url, const OpenBackend& open_member) {
  GB_ASSIGN(GridConfig config, GridConfig::parse(url));
  GB_ASSIGN(auto shares, ShareStore::open(config, open_member));
  // url() is for people: built from each member's own url(), which keeps a
  // member's secrets (a Tahoe dircap) out of messages and output.
  GridConfig shown = config;
  for (size_t i = 0; i < shown.members.size(); ++i) {
    GridMember& m = shown.members[i];
    if (m.id == m.url) m.id = shares->member(i).url();
    m.url = shares->member(i).url();
  }
  return std::unique_ptr<GridBackend>(new GridBackend(shown.format(), std::move(shares)));
}

Status GridBackend::create() { return shares_->create(); }

Result<bool> GridBackend::exists() { return shares_->exists(); }

Status GridBackend::put(const std::string& name, ByteView data) {
  GB_CHECK(check_name(name));
  cache_->invalidate(name);
  const int n = shares_->config().n;
  const uint64_t length = data.size();
  GB_ASSIGN(std::vector<Bytes> shares, encode_shares(shares_->config().k, n, data));
  const size_t members = shares_->member_count();
  const auto order = shares_->placement(name);
  std::vector<bool> failed(members);
  std::vector<std::optional<Error>> errors(members);
  std::vector<std::vector<int>> held(members);
  std::vector<size_t> load(members, 0);  // shares given to each member so far
  for (size_t m = 0; m < members; ++m) failed[m] = shares_->member_down(m);

  // Share i to the i-th member of the order; a share whose member is down or
  // fails goes to the reachable member with the fewest shares, earliest in the order.
  std::vector<std::pair<size_t, int>> assignments;
  std::vector<int> pending;
  for (int i = 0; i < n; ++i) {
    if (failed[order[i]]) {
      pending.push_back(i);
    } else {
      assignments.push_back({order[i], i});
      ++load[order[i]];
    }
  }
  auto assign_pending = [&] {
    std::vector<int> unassigned;
    for (int i : pending) {
      std::optional<size_t> best;
      for (size_t m : order)
        if (!failed[m] && (!best || load[m] < load[*best])) best = m;
      if (!best) {
        unassigned.push_back(i);
        continue;
      }
      ++load[*best];
      assignments.push_back({*best, i});
    }
    pending = std::move(unassigned);
  };
  assign_pending();
  while (!assignments.empty()) {
    std::vector<std::vector<int>> by_member(members);
    for (auto [m, i] : assignments) by_member[m].push_back(i);
    assignments.clear();
    std::vector<size_t> active;
    for (size_t m = 0; m < members; ++m)
      if (!by_member[m].empty()) active.push_back(m);
    std::mutex mu;
    parallel_for(active.size(), [&](size_t a) {
      const size_t m = active[a];
      for (int i : by_member[m]) {
        {
          std::lock_guard lock(mu);
          if (failed[m]) {
            pending.push_back(i);
            continue;
          }
        }
        Status st = shares_->put_share(m, name, i, length, shares[i]);
        std::lock_guard lock(mu);
        if (st) {
          held[m].push_back(i);
        } else {
          failed[m] = true;
          errors[m] = st.error();
          pending.push_back(i);
        }
      }
    });
    assign_pending();
  }

  std::vector<size_t> holders;
  for (size_t m = 0; m < members; ++m)
    if (!held[m].empty()) holders.push_back(m);
  if (static_cast<int>(holders.size()) < shares_->config().happy) {
    std::string why;
    for (size_t m = 0; m < members && why.empty(); ++m)
      if (errors[m]) why = errors[m]->message;
    if (why.empty()) why = "the other members failed moments ago and are left alone for a while";
    return make_error(ErrorKind::Transient,
                      fmt::format("cannot store {} on the grid: only {} of {} members took a share, and {} are needed (happy); {}", name,
                                  holders.size(), members, shares_->config().happy, why));
  }
  // Shares of an older object of the same name that these members still hold
  // (an overwrite) are removed, so that readers meet one version only.
  parallel_for(holders.size(), [&](size_t h) {
    const size_t m = holders[h];
    auto listed = shares_->list_member(m, name + "/");
    if (!listed) return;
    for (const auto& f : *listed)
      if (f.object == name && (f.length != length || std::find(held[m].begin(), held[m].end(), f.index) == held[m].end()))
        (void)shares_->remove_share(f);
  });
  if (static_cast<int>(holders.size()) < n) {
    std::string note = fmt::format("{} shares on {} of {} members\n", n - static_cast<int>(pending.size()), holders.size(), n);
    shares_->mark_under_replicated(name, holders, note);
  }
  return {};
}

void GridBackend::gather(const std::string& name, const std::vector<size_t>& which, bool ask_down, Gathered& into) {
  std::string prefix = name + "/";
  parallel_for(which.size(), [&](size_t w) {
    const size_t i = which[w];
    {
      std::lock_guard lock(into.mu);
      into.asked[i] = true;
    }
    ShareListing listing = shares_->list_shares(prefix, {i}, ask_down);
    for (auto& f : listing.failed) {
      std::lock_guard lock(into.mu);
      into.failed.push_back(std::move(f));
    }
    for (const auto& file : listing.shares) {
      if (file.object != name) continue;
      auto share = shares_->fetch_share(file);
      std::lock_guard lock(into.mu);
      if (share)
        into.shares.push_back(std::move(share).value());
      else if (share.error().kind == ErrorKind::Corrupt)
        into.damaged.push_back(share.error().message);
      else
        into.failed.push_back({i, share.error()});
    }
  });
}

namespace {

// The shares of the version that can be rebuilt, preferring the version with
// the most shares; empty when no version has enough good blocks.
std::vector<const Share*> decodable_version(const std::vector<Share>& shares) {
  std::map<Hash, std::vector<const Share*>> versions;
  for (const auto& s : shares) versions[s.root].push_back(&s);
  std::vector<std::vector<const Share*>> ordered;
  for (auto& [root, group] : versions) ordered.push_back(std::move(group));
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (auto& group : ordered)
    if (decodable(group)) return group;
  return {};
}

}  // namespace

Error GridBackend::unreadable(const std::string& name, const Gathered& g) const {
  if (g.shares.empty() && g.damaged.empty() && static_cast<int>(g.failed.size()) < shares_->config().n)
    return make_error(ErrorKind::NotFound, fmt::format("object {} is not stored on the grid", name)).about_object(name).because(Cause::MissingObject);
  std::set<int> intact, partly;
  for (const auto& s : g.shares) (s.intact() ? intact : partly).insert(s.index);
  for (int i : intact) partly.erase(i);
  std::string details;
  if (!partly.empty()) details += fmt::format(", {} more with damaged blocks", partly.size());
  if (!g.damaged.empty()) details += fmt::format(", {} damaged", g.damaged.size());
  for (const auto& d : g.damaged) details += "; " + d;
  for (const auto& f : g.failed) details += "; " + f.error.message;
  ErrorKind kind = g.failed.empty() ? ErrorKind::Corrupt : g.failed.front().error.kind;
  if (kind == ErrorKind::NotFound) kind = ErrorKind::Corrupt;  // shares listed, then gone: damage
  return make_error(kind, fmt::format("object {} cannot be rebuilt: {} intact shares found of the {} needed{}", name, intact.size(),
                                      shares_->config().k, details))
      .about_object(name);
}

Result<Bytes> GridBackend::get(const std::string& name) {
  GB_CHECK(check_name(name));
  const auto order = shares_->placement(name);
  Gathered g;
  g.asked.assign(shares_->member_count(), false);
  // The first k reachable members of the order normally hold the k primary
  // shares; the others are asked only when those do not suffice, and members
  // that failed moments ago last.
  std::vector<size_t> first, rest, down;
  for (size_t m : order) {
    if (shares_->member_down(m))
      down.push_back(m);
    else if (static_cast<int>(first.size()) < shares_->config().k)
      first.push_back(m);
    else
      rest.push_back(m);
  }
  for (auto* round : {&first, &rest, &down}) {
    if (round->empty()) continue;
    gather(name, *round, round == &down, g);
    auto version = decodable_version(g.shares);
    if (!version.empty()) return assemble_object(version);
  }
  return unreadable(name, g);
}

Result<Bytes> GridBackend::get_range(const std::string& name, uint64_t offset, uint64_t length) {
  auto object = cache_->get(name, [&] { return get(name); });
  if (!object) return object.error();
  const Bytes& bytes = **object;
  if (offset > bytes.size() || length > bytes.size() - offset) return object_too_short(name, offset, length);
  return Bytes(bytes.begin() + static_cast<ptrdiff_t>(offset), bytes.begin() + static_cast<ptrdiff_t>(offset + length));
}

Result<std::vector<ObjectInfo>> GridBackend::list(const std::string& prefix) {
  ShareListing listing = shares_->list_shares(prefix);
  if (static_cast<int>(listing.failed.size()) > shares_->config().n - shares_->config().k)
    return make_error(
        listing.failed.front().error.kind,
        fmt::format("cannot list the grid: {} of {} members cannot be listed, more than the {} an object can lose; {}", listing.failed.size(),
                    shares_->member_count(), shares_->config().n - shares_->config().k, listing.failed.front().error.message));
  std::map<std::string, uint64_t> objects;
  for (const auto& f : listing.shares)
    if (f.object.rfind(prefix, 0) == 0) objects.emplace(f.object, f.length);
  std::vector<ObjectInfo> out;
  out.reserve(objects.size());
  for (auto& [name, size] : objects) out.push_back({name, size});
  return out;
}

Result<ObjectInfo> GridBackend::stat(const std::string& name) {
  GB_CHECK(check_name(name));
  ShareListing listing = shares_->list_shares(name + "/");
  std::set<uint64_t> lengths;
  for (const auto& f : listing.shares)
    if (f.object == name) lengths.insert(f.length);
  if (lengths.size() == 1) return ObjectInfo{name, *lengths.begin()};
  if (lengths.empty()) {
    if (static_cast<int>(listing.failed.size()) < shares_->config().n)
      return make_error(ErrorKind::NotFound, fmt::format("object {} is not stored on the grid", name))
          .about_object(name)
          .because(Cause::MissingObject);
    return listing.failed.front().error;
  }
  GB_ASSIGN(Bytes bytes, get(name));  // shares of two versions: the readable one decides
  return ObjectInfo{name, bytes.size()};
}

Status GridBackend::remove(const std::string& name) {
  GB_CHECK(check_name(name));
  cache_->invalidate(name);
  std::vector<std::optional<Error>> errors(shares_->member_count());
  parallel_for(shares_->member_count(), [&](size_t i) {
    auto listed = shares_->list_member(i, name + "/");
    if (!listed) {
      errors[i] = listed.error();
      return;
    }
    for (const auto& f : *listed)
      if (f.object == name)
        if (Status st = shares_->remove_share(f); !st && !errors[i]) errors[i] = st.error();
    (void)shares_->member(i).remove(under_replicated_marker(name));
  });
  for (const auto& e : errors)
    if (e) return make_error(e->kind, fmt::format("object {} may still have shares on the grid: {}", name, e->message)).about_object(name);
  return {};
}

}  // namespace gb
