#include "core/grid/share_store.h"

#include <fmt/format.h>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <set>

#include "core/common/clock.h"
#include "core/common/parallel.h"
#include "core/grid/placement.h"

namespace gb {
namespace {

constexpr std::string_view kUnderPrefix = "_grid/under/";
constexpr auto kDownFor = std::chrono::seconds(30);

bool is_member_failure(ErrorKind kind) { return kind == ErrorKind::Transient || kind == ErrorKind::Io || kind == ErrorKind::Permanent; }

}  // namespace

std::string under_replicated_marker(const std::string& object) { return std::string(kUnderPrefix) + object; }

struct ShareStore::Member {
  std::unique_ptr<Backend> backend;
  std::atomic<int64_t> down_until{0};
  mutable std::mutex mu;
  std::string last_error;
};

ShareStore::ShareStore(GridConfig config) : config_(std::move(config)) {}

ShareStore::~ShareStore() = default;

Result<std::unique_ptr<ShareStore>> ShareStore::open(GridConfig config, const OpenBackend& open_member) {
  std::unique_ptr<ShareStore> store(new ShareStore(config));
  for (const auto& m : config.members) {
    auto backend = open_member(m.url);
    if (!backend) return make_error(backend.error().kind, fmt::format("grid member '{}': {}", m.id, backend.error().message));
    auto member = std::make_unique<Member>();
    member->backend = std::move(*backend);
    store->members_.push_back(std::move(member));
    store->member_ids_.push_back(m.id);
  }
  return store;
}

Backend& ShareStore::member(size_t i) { return *members_[i]->backend; }

std::vector<size_t> ShareStore::placement(const std::string& name) const { return permuted_order(name, member_ids_); }

bool ShareStore::member_down(size_t i) const { return members_[i]->down_until.load() > monotonic_ns(); }

void ShareStore::note_failure(size_t i, const Error& e) {
  if (!is_member_failure(e.kind)) return;
  Member& m = *members_[i];
  m.down_until = monotonic_ns() + std::chrono::duration_cast<std::chrono::nanoseconds>(kDownFor).count();
  std::lock_guard lock(m.mu);
  m.last_error = e.message;
}

Error ShareStore::member_error(size_t i, const Error& e) const {
  return make_error(e.kind, fmt::format("member {}: {}", config_.members[i].id, e.message));
}

Result<std::vector<ShareStore::ShareFile>> ShareStore::list_member(size_t i, const std::string& prefix) {
  auto listed = members_[i]->backend->list(prefix);
  if (!listed) {
    note_failure(i, listed.error());
    return member_error(i, listed.error());
  }
  std::vector<ShareFile> out;
  for (const auto& info : *listed) {
    auto share = parse_share_object_name(info.name);
    if (!share || share->object.rfind(kGridReservedPrefix, 0) == 0) continue;
    out.push_back(ShareFile{i, std::move(share->object), share->index, share->object_length});
  }
  return out;
}

ShareStore::ShareListing ShareStore::list_shares(const std::string& prefix, const std::vector<size_t>& members, bool ask_down) {
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

Result<Share> ShareStore::fetch_share(const ShareFile& file) {
  auto bytes = members_[file.member]->backend->get(share_object_name(file.object, file.index, file.length));
  if (!bytes) {
    note_failure(file.member, bytes.error());
    return member_error(file.member, bytes.error());
  }
  auto share = check_share(std::move(bytes).value());
  if (!share)
    return member_error(file.member,
                        make_error(ErrorKind::Corrupt, fmt::format("share {} of {}: {}", file.index, file.object, share.error().message)));
  if (share->index != file.index || share->layout.object_length != file.length)
    return member_error(file.member, make_error(ErrorKind::Corrupt, fmt::format("share {} of {} holds share {} of an object of {} bytes", file.index,
                                                                                file.object, share->index, share->layout.object_length)));
  return share;
}

Status ShareStore::put_share(size_t member, const std::string& object, int index, uint64_t object_length, ByteView share) {
  Status st = members_[member]->backend->put(share_object_name(object, index, object_length), share);
  if (!st) {
    note_failure(member, st.error());
    return member_error(member, st.error());
  }
  return {};
}

Status ShareStore::remove_share(const ShareFile& file) {
  Status st = members_[file.member]->backend->remove(share_object_name(file.object, file.index, file.length));
  if (!st) {
    note_failure(file.member, st.error());
    return member_error(file.member, st.error());
  }
  return {};
}

Status ShareStore::create() {
  std::vector<std::optional<Error>> errors(members_.size());
  parallel_for(members_.size(), [&](size_t i) {
    if (Status st = members_[i]->backend->create(); !st) errors[i] = member_error(i, st.error());
  });
  int ok = 0;
  const Error* first = nullptr;
  for (const auto& e : errors) {
    if (!e)
      ++ok;
    else if (!first)
      first = &*e;
  }
  if (ok < config_.happy)
    return make_error(first->kind, fmt::format("only {} of the {} grid members could be prepared (happy={} are needed); {}", ok, members_.size(),
                                               config_.happy, first->message));
  return {};
}

Result<bool> ShareStore::exists() {
  std::vector<std::optional<Result<bool>>> answers(members_.size());
  parallel_for(members_.size(), [&](size_t i) { answers[i] = members_[i]->backend->exists(); });
  for (const auto& a : answers)
    if (*a && a->value()) return true;
  for (size_t i = 0; i < answers.size(); ++i)
    if (!*answers[i]) return member_error(i, answers[i]->error());
  return false;
}

Result<std::vector<std::string>> ShareStore::under_replicated() {
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

void ShareStore::mark_under_replicated(const std::string& object, const std::vector<size_t>& holders, const std::string& note) {
  parallel_for(holders.size(), [&](size_t h) { (void)members_[holders[h]]->backend->put(under_replicated_marker(object), as_bytes(note)); });
}

void ShareStore::clear_under_replicated(const std::string& object) {
  parallel_for(members_.size(), [&](size_t i) { (void)members_[i]->backend->remove(under_replicated_marker(object)); });
}

}  // namespace gb
