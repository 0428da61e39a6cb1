#include "core/repository/repository_lock.h"

#include <signal.h>
#include <unistd.h>
#include <algorithm>

#include <fmt/format.h>
#include <cerrno>
#include <chrono>
#include <mutex>
#include <vector>

#include "core/common/clock.h"
#include "core/common/serial.h"
#include "core/content/envelope.h"
#include "core/crypto/keys.h"

namespace gb {
namespace {

std::string this_host() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

Bytes encode_lock(const LockInfo& l) {
  Writer w;
  w.varint(1);
  w.str(l.kind);
  w.u8(l.exclusive ? 1 : 0);
  w.str(l.host);
  w.str(this_host());  // the machine, for telling a killed holder (the --host name may be made up)
  w.svarint(l.pid);
  w.svarint(l.created_ns);
  w.svarint(l.refreshed_ns);
  w.svarint(l.plan_seen_ns);
  return w.take();
}

std::optional<LockInfo> decode_lock(ByteView payload, std::string& machine) {
  Reader r(payload);
  if (r.varint() != 1) return std::nullopt;
  LockInfo l;
  l.kind = r.str();
  l.exclusive = r.u8() == 1;
  l.host = r.str();
  machine = r.str();
  l.pid = r.svarint();
  l.created_ns = r.svarint();
  l.refreshed_ns = r.svarint();
  l.plan_seen_ns = r.svarint();
  if (!r.ok()) return std::nullopt;
  return l;
}

// The locks this process holds, for release_all_locks_now.
std::mutex g_held_mu;
std::vector<RepositoryLock*> g_held;

bool held_here(const std::string& name) {
  std::lock_guard lk(g_held_mu);
  return std::any_of(g_held.begin(), g_held.end(), [&](RepositoryLock* l) { return l->name() == name; });
}

}  // namespace

size_t release_all_locks_now() {
  std::lock_guard lk(g_held_mu);
  for (RepositoryLock* l : g_held) l->release_now();
  return g_held.size();
}

void RepositoryLock::release_now() {
  std::lock_guard lk(store_mu_);
  if (released_) return;
  released_ = true;
  (void)backend_.remove(info_.name);
}

Result<std::vector<LockInfo>> list_locks(Backend& backend, const Hash& metadata_key, std::vector<std::string>* garbage) {
  GB_ASSIGN(auto objects, backend.list("locks/"));
  std::vector<LockInfo> out;
  const int64_t now = now_ns();
  const std::string me = this_host();
  for (const auto& o : objects) {
    auto sealed = backend.get(o.name);
    if (!sealed) {
      if (sealed.error().kind == ErrorKind::NotFound) continue;  // released since the listing
      return sealed.error();
    }
    auto payload = open_envelope(metadata_key, EnvelopeKind::Lock, *sealed, o.name);
    std::string machine;
    auto info = payload ? decode_lock(*payload, machine) : std::nullopt;
    if (!info) {
      if (garbage) garbage->push_back(o.name);
      continue;
    }
    info->name = o.name;
    bool expired = now - info->refreshed_ns > kLockLeaseSeconds * 1'000'000'000LL;
    // A holder on this machine that no longer exists was killed: its lock is stale at once.
    bool dead = machine == me && info->pid > 0 && ::kill(static_cast<pid_t>(info->pid), 0) != 0 && errno == ESRCH;
    // One of this process's own that it no longer holds: a release whose
    // remove failed (a long-lived process, e.g. the service, would otherwise
    // keep itself out of prune until the lease runs out).
    bool dropped = machine == me && info->pid == ::getpid() && !held_here(o.name);
    info->stale = expired || dead || dropped;
    info->stale_reason = dead ? "its process is gone" : dropped ? "this process released it" : expired ? "its lease ran out" : "";
    out.push_back(std::move(*info));
  }
  return out;
}

RepositoryLock::RepositoryLock(Backend& backend, const Hash& key, LockInfo info) : backend_(backend), key_(key), info_(std::move(info)) {}

Status RepositoryLock::note_plan_seen(int64_t plan_ns) {
  {
    std::lock_guard lk(store_mu_);
    if (info_.plan_seen_ns == plan_ns) return {};
    info_.plan_seen_ns = plan_ns;
  }
  return store();
}

Status RepositoryLock::store() {
  std::lock_guard lk(store_mu_);
  if (released_) return {};
  info_.refreshed_ns = now_ns();
  GB_ASSIGN(Bytes sealed, seal_envelope(key_, EnvelopeKind::Lock, encode_lock(info_)));
  return backend_.put(info_.name, sealed);
}

void RepositoryLock::refresh_loop() {
  std::unique_lock lk(mu_);
  while (!cv_.wait_for(lk, std::chrono::seconds(kLockRefreshSeconds), [&] { return stopping_; })) {
    lk.unlock();
    (void)store();  // a failed refresh is retried at the next tick; the lease outlasts several
    lk.lock();
  }
}

Result<std::unique_ptr<RepositoryLock>> RepositoryLock::stored(Backend& backend, const Hash& metadata_key, const std::string& kind,
                                                               const std::string& host, bool exclusive) {
  LockInfo info;
  info.kind = kind;
  info.exclusive = exclusive;
  info.host = host;
  info.pid = ::getpid();
  info.created_ns = now_ns();
  GB_ASSIGN(Bytes suffix, random_bytes(8));
  info.name = "locks/" + kind + "-" + to_hex(suffix);
  std::unique_ptr<RepositoryLock> lock(new RepositoryLock(backend, metadata_key, std::move(info)));
  GB_CHECK(lock->store());
  std::lock_guard lk(g_held_mu);
  g_held.push_back(lock.get());
  return lock;
}

void RepositoryLock::start_refreshing() {
  refresher_ = std::thread([this] { refresh_loop(); });
}

Result<std::unique_ptr<RepositoryLock>> RepositoryLock::shared(Backend& backend, const Hash& metadata_key, const std::string& kind,
                                                               const std::string& host) {
  GB_ASSIGN(auto lock, stored(backend, metadata_key, kind, host, false));
  lock->start_refreshing();
  return lock;
}

Result<std::unique_ptr<RepositoryLock>> RepositoryLock::exclusive(Backend& backend, const Hash& metadata_key, const std::string& kind,
                                                                  const std::string& host) {
  GB_ASSIGN(auto lock, stored(backend, metadata_key, kind, host, true));
  // Stored first, listed second: of two processes doing this at once at
  // least the later one sees the other, so two never both win (both may
  // lose, and say so). The destructor removes our object on failure.
  GB_ASSIGN(auto locks, list_locks(backend, metadata_key));
  for (const auto& other : locks) {
    if (!other.exclusive || other.name == lock->info_.name) continue;
    if (other.stale) {
      (void)backend.remove(other.name);  // a killed or long-gone prune
      continue;
    }
    std::time_t t = static_cast<std::time_t>(other.created_ns / 1'000'000'000LL);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", std::localtime(&t));
    return make_error(ErrorKind::Transient,
                      fmt::format("another {} is running on this repository (host {}, pid {}, since {}); try again when it has finished", other.kind,
                                  other.host, other.pid, when));
  }
  lock->start_refreshing();
  return lock;
}

RepositoryLock::~RepositoryLock() {
  {
    std::lock_guard lk(g_held_mu);
    std::erase(g_held, this);
  }
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (refresher_.joinable()) refresher_.join();
  release_now();
}

}  // namespace gb
