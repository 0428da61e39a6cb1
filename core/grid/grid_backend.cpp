#include "core/grid/grid_backend.h"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include "core/common/clock.h"
#include "core/common/parallel.h"
#include "core/grid/placement.h"
#include "core/storage/object_range.h"

namespace gb {
namespace {

constexpr std::string_view kReserved = "_grid/";
constexpr std::string_view kUnderPrefix = "_grid/under/";
constexpr auto kDownFor = std::chrono::seconds(30);
constexpr size_t kCacheBytes = 64u << 20;

Status check_name(const std::string& name) {
  if (name.empty() || name.back() == '/')
    return make_error(ErrorKind::InvalidArgument, fmt::format("'{}' is not a usable object name", name));
  if (name.rfind(kReserved, 0) == 0)
    return make_error(ErrorKind::InvalidArgument, fmt::format("the object name '{}' is kept for the grid itself (_grid/...)", name));
  if (parse_share_object_name(name))
    return make_error(ErrorKind::InvalidArgument,
                      fmt::format("the object name '{}' ends like a share name (s<index>.<length>), which the grid keeps for itself", name));
  return {};
}

bool is_member_failure(ErrorKind kind) {
  return kind == ErrorKind::Transient || kind == ErrorKind::Io || kind == ErrorKind::Permanent;
}

}  // namespace

std::string under_replicated_marker(const std::string& object) { return std::string(kUnderPrefix) + object; }

struct GridBackend::Member {
  std::unique_ptr<Backend> backend;
  std::atomic<int64_t> down_until{0};
  mutable std::mutex mu;
  std::string last_error;
};

// The shares of one object read from some members.
struct GridBackend::Gathered {
  std::mutex mu;
  std::vector<Share> shares;
  std::vector<std::string> damaged;  // "member a: share 2: ..."
  std::vector<MemberFailure> failed;
  std::vector<bool> asked;
};

GridBackend::GridBackend(std::string url, GridConfig config)
    : url_(std::move(url)), config_(std::move(config)), cache_(new ObjectCache(kCacheBytes)) {}

GridBackend::~GridBackend() = default;

Result<std::unique_ptr<GridBackend>> GridBackend::open(const std::string& url, const OpenBackend& open_member) {
  GB_ASSIGN(GridConfig config, GridConfig::parse(url));
  std::unique_ptr<GridBackend> grid(new GridBackend(url, config));
  for (const auto& m : config.members) {
    auto backend = open_member(m.url);
    if (!backend)
      return make_error(backend.error().kind, fmt::format("grid member '{}': {}", m.id, backend.error().message));
    auto member = std::make_unique<Member>();
    member->backend = std::move(*backend);
    grid->members_.push_back(std::move(member));
    grid->member_ids_.push_back(m.id);
  }
  // url() is for people: built from each member's own url(), which keeps a
  // member's secrets (a Tahoe dircap) out of messages and output.
  GridConfig shown = config;
  for (size_t i = 0; i < shown.members.size(); ++i) {
    GridMember& m = shown.members[i];
    if (m.id == m.url) m.id = grid->members_[i]->backend->url();
    m.url = grid->members_[i]->backend->url();
  }
  grid->url_ = shown.format();
  return grid;
}

Backend& GridBackend::member(size_t i) { return *members_[i]->backend; }

std::vector<size_t> GridBackend::placement(const std::string& name) const { return permuted_order(name, member_ids_); }

bool GridBackend::member_down(size_t i) const { return members_[i]->down_until.load() > monotonic_ns(); }

void GridBackend::note_failure(size_t i, const Error& e) {
  if (!is_member_failure(e.kind)) return;
  Member& m = *members_[i];
  m.down_until = monotonic_ns() + std::chrono::duration_cast<std::chrono::nanoseconds>(kDownFor).count();
  std::lock_guard lock(m.mu);
  m.last_error = e.message;
}

Error GridBackend::member_error(size_t i, const Error& e) const {
  return make_error(e.kind, fmt::format("member {}: {}", config_.members[i].id, e.message));
}

Result<std::vector<GridBackend::ShareFile>> GridBackend::list_member(size_t i, const std::string& prefix) {
  auto listed = members_[i]->backend->list(prefix);
  if (!listed) {
    note_failure(i, listed.error());
    return member_error(i, listed.error());
  }
  std::vector<ShareFile> out;
  for (const auto& info : *listed) {
    auto share = parse_share_object_name(info.name);
    if (!share || share->object.rfind(kReserved, 0) == 0) continue;
    out.push_back(ShareFile{i, std::move(share->object), share->index, share->object_length});
  }
  return out;
}

GridBackend::ShareListing GridBackend::list_shares(const std::string& prefix, const std::vector<size_t>& members, bool ask_down) {
  std::vector<size_t> which = members;
  if (which.empty())
    for (size_t i = 0; i < members_.size(); ++i) which.push_back(i);
  ShareListing out;
  std::mutex mu;
  parallel_for(which.size(), [&](size_t w) {
    size_t i = which[w];
    if (!ask_down && member_down(i)) {
      std::string last;
      {
        std::lock_guard lock(members_[i]->mu);
        last = members_[i]->last_error;
      }
      std::lock_guard lock(mu);
      out.failed.push_back({i, member_error(i, make_error(ErrorKind::Transient, "skipped, it failed moments ago: " + last))});
      return;
    }
    auto listed = list_member(i, prefix);
    std::lock_guard lock(mu);
    if (!listed) {
      out.failed.push_back({i, listed.error()});
      return;
    }
    for (auto& f : *listed) out.shares.push_back(std::move(f));
  });
  return out;
}

Result<Share> GridBackend::fetch_share(const ShareFile& file) {
  auto bytes = members_[file.member]->backend->get(share_object_name(file.object, file.index, file.length));
  if (!bytes) {
    note_failure(file.member, bytes.error());
    return member_error(file.member, bytes.error());
  }
  auto share = check_share(std::move(bytes).value());
  if (!share) return member_error(file.member, make_error(ErrorKind::Corrupt, fmt::format("share {} of {}: {}", file.index, file.object, share.error().message)));
  if (share->index != file.index || share->layout.object_length != file.length)
    return member_error(file.member, make_error(ErrorKind::Corrupt, fmt::format("share {} of {} holds share {} of an object of {} bytes", file.index,
                                                                                file.object, share->index, share->layout.object_length)));
  return share;
}

Status GridBackend::put_share(size_t member, const std::string& object, int index, uint64_t object_length, ByteView share) {
  Status st = members_[member]->backend->put(share_object_name(object, index, object_length), share);
  if (!st) {
    note_failure(member, st.error());
    return member_error(member, st.error());
  }
  return {};
}

Status GridBackend::remove_share(const ShareFile& file) {
  Status st = members_[file.member]->backend->remove(share_object_name(file.object, file.index, file.length));
  if (!st) {
    note_failure(file.member, st.error());
    return member_error(file.member, st.error());
  }
  return {};
}

Status GridBackend::create() {
  std::vector<std::optional<Error>> errors(members_.size());
  parallel_for(members_.size(), [&](size_t i) {
    if (Status st = members_[i]->backend->create(); !st) errors[i] = member_error(i, st.error());
  });
  int ok = 0;
  const Error* first = nullptr;
  for (const auto& e : errors) {
    if (!e) ++ok;
    else if (!first) first = &*e;
  }
  if (ok < config_.happy)
    return make_error(first->kind, fmt::format("only {} of the {} grid members could be prepared (happy={} are needed); {}", ok,
                                               members_.size(), config_.happy, first->message));
  return {};
}

Result<bool> GridBackend::exists() {
  std::vector<std::optional<Result<bool>>> answers(members_.size());
  parallel_for(members_.size(), [&](size_t i) { answers[i] = members_[i]->backend->exists(); });
  for (const auto& a : answers)
    if (*a && a->value()) return true;
  for (size_t i = 0; i < answers.size(); ++i)
    if (!*answers[i]) return member_error(i, answers[i]->error());
  return false;
}

Status GridBackend::put(const std::string& name, ByteView data) {
  GB_CHECK(check_name(name));
  cache_->invalidate(name);
  const int n = config_.n;
  const uint64_t length = data.size();
  GB_ASSIGN(std::vector<Bytes> shares, encode_shares(config_.k, n, data));
  const size_t members = members_.size();
  const auto order = placement(name);
  std::vector<bool> failed(members);
  std::vector<std::optional<Error>> errors(members);
  std::vector<std::vector<int>> held(members);
  std::vector<size_t> load(members, 0);  // shares given to each member so far
  for (size_t m = 0; m < members; ++m) failed[m] = member_down(m);

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
        Status st = put_share(m, name, i, length, shares[i]);
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
  if (static_cast<int>(holders.size()) < config_.happy) {
    std::string why;
    for (size_t m = 0; m < members && why.empty(); ++m)
      if (errors[m]) why = errors[m]->message;
    if (why.empty()) why = "the other members failed moments ago and are left alone for a while";
    return make_error(ErrorKind::Transient, fmt::format("cannot store {} on the grid: only {} of {} members took a share, and {} are needed (happy); {}",
                                                        name, holders.size(), members, config_.happy, why));
  }
  // Shares of an older object of the same name that these members still hold
  // (an overwrite) are removed, so that readers meet one version only.
  parallel_for(holders.size(), [&](size_t h) {
    const size_t m = holders[h];
    auto listed = list_member(m, name + "/");
    if (!listed) return;
    for (const auto& f : *listed)
      if (f.object == name && (f.length != length || std::find(held[m].begin(), held[m].end(), f.index) == held[m].end()))
        (void)remove_share(f);
  });
  if (static_cast<int>(holders.size()) < n) {
    std::string note = fmt::format("{} shares on {} of {} members\n", n - static_cast<int>(pending.size()), holders.size(), n);
    parallel_for(holders.size(), [&](size_t h) { (void)members_[holders[h]]->backend->put(under_replicated_marker(name), as_bytes(note)); });
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
    ShareListing listing = list_shares(prefix, {i}, ask_down);
    for (auto& f : listing.failed) {
      std::lock_guard lock(into.mu);
      into.failed.push_back(std::move(f));
    }
    for (const auto& file : listing.shares) {
      if (file.object != name) continue;
      auto share = fetch_share(file);
      std::lock_guard lock(into.mu);
      if (share) into.shares.push_back(std::move(share).value());
      else if (share.error().kind == ErrorKind::Corrupt) into.damaged.push_back(share.error().message);
      else into.failed.push_back({i, share.error()});
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
  if (g.shares.empty() && g.damaged.empty() && static_cast<int>(g.failed.size()) < config_.n)
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
                                      config_.k, details))
      .about_object(name);
}

Result<Bytes> GridBackend::get(const std::string& name) {
  GB_CHECK(check_name(name));
  const auto order = placement(name);
  Gathered g;
  g.asked.assign(members_.size(), false);
  // The first k reachable members of the order normally hold the k primary
  // shares; the others are asked only when those do not suffice, and members
  // that failed moments ago last.
  std::vector<size_t> first, rest, down;
  for (size_t m : order) {
    if (member_down(m)) down.push_back(m);
    else if (static_cast<int>(first.size()) < config_.k) first.push_back(m);
    else rest.push_back(m);
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
  ShareListing listing = list_shares(prefix);
  if (static_cast<int>(listing.failed.size()) > config_.n - config_.k)
    return make_error(listing.failed.front().error.kind,
                      fmt::format("cannot list the grid: {} of {} members cannot be listed, more than the {} an object can lose; {}",
                                  listing.failed.size(), members_.size(), config_.n - config_.k, listing.failed.front().error.message));
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
  ShareListing listing = list_shares(name + "/");
  std::set<uint64_t> lengths;
  for (const auto& f : listing.shares)
    if (f.object == name) lengths.insert(f.length);
  if (lengths.size() == 1) return ObjectInfo{name, *lengths.begin()};
  if (lengths.empty()) {
    if (static_cast<int>(listing.failed.size()) < config_.n)
      return make_error(ErrorKind::NotFound, fmt::format("object {} is not stored on the grid", name)).about_object(name).because(Cause::MissingObject);
    return listing.failed.front().error;
  }
  GB_ASSIGN(Bytes bytes, get(name));  // shares of two versions: the readable one decides
  return ObjectInfo{name, bytes.size()};
}

Status GridBackend::remove(const std::string& name) {
  GB_CHECK(check_name(name));
  cache_->invalidate(name);
  std::vector<std::optional<Error>> errors(members_.size());
  parallel_for(members_.size(), [&](size_t i) {
    auto listed = list_member(i, name + "/");
    if (!listed) {
      errors[i] = listed.error();
      return;
    }
    for (const auto& f : *listed)
      if (f.object == name)
        if (Status st = remove_share(f); !st && !errors[i]) errors[i] = st.error();
    (void)members_[i]->backend->remove(under_replicated_marker(name));
  });
  for (const auto& e : errors)
    if (e) return make_error(e->kind, fmt::format("object {} may still have shares on the grid: {}", name, e->message)).about_object(name);
  return {};
}

Result<std::vector<std::string>> GridBackend::under_replicated() {
  std::vector<std::optional<Result<std::vector<ObjectInfo>>>> listed(members_.size());
  parallel_for(members_.size(), [&](size_t i) { listed[i] = members_[i]->backend->list(std::string(kUnderPrefix)); });
  std::set<std::string> names;
  size_t failures = 0;
  for (size_t i = 0; i < listed.size(); ++i) {
    if (!*listed[i]) {
      if (++failures == members_.size()) return member_error(i, listed[i]->error());
      continue;
    }
    for (const auto& info : **listed[i]) names.insert(info.name.substr(kUnderPrefix.size()));
  }
  return std::vector<std::string>(names.begin(), names.end());
}

void GridBackend::clear_under_replicated(const std::string& object) {
  parallel_for(members_.size(), [&](size_t i) { (void)members_[i]->backend->remove(under_replicated_marker(object)); });
}

}  // namespace gb
