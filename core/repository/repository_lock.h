// Locks of a repository: objects under locks/ that say "a process is at
// work here". Backups, uploads, restores and verifies hold a *shared* lock
// while they run; many may hold one at once (several hosts back up into one
// repository without a global lock). Prune holds the only *exclusive* kind,
// and before it deletes anything it waits until every shared lock that
// existed when it decided has gone: such a process may still refer to what
// prune found unreferenced. Locks have a lease, refreshed by a thread while
// the holder runs; a lock whose lease ran out, or whose holder is a process
// of this host that no longer exists (killed), is stale and ignored.
// Format: docs/FORMAT.md, "Locks".
#pragma once
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/common/result.h"
#include "core/storage/backend.h"

namespace gb {

struct LockInfo {
  std::string name;  // locks/<kind>-<16 hex>
  std::string kind;  // "backup", "upload", "restore", "verify", "prune", ...
  bool exclusive = false;
  std::string host;
  int64_t pid = 0;
  int64_t created_ns = 0, refreshed_ns = 0;
  // The prune plan (its creation time) the holder has taken in: it no
  // longer refers to that plan's candidates, so the sweep need not wait for it.
  int64_t plan_seen_ns = 0;
  bool stale = false;
  std::string stale_reason;  // "its process is gone", "its lease ran out"
};

// How long a lock lives without a refresh; refreshed every kLockRefresh.
inline constexpr int64_t kLockLeaseSeconds = 30 * 60;
inline constexpr int64_t kLockRefreshSeconds = 5 * 60;

class RepositoryLock {
 public:
  // A shared lock of `kind` (stored at once, refreshed until destroyed).
  static Result<std::unique_ptr<RepositoryLock>> shared(Backend& backend, const Hash& metadata_key, const std::string& kind, const std::string& host);
  // The exclusive lock; fails with a sentence naming the holder when
  // another live exclusive lock exists (stale ones are removed).
  static Result<std::unique_ptr<RepositoryLock>> exclusive(Backend& backend, const Hash& metadata_key, const std::string& kind,
                                                           const std::string& host);
  ~RepositoryLock();
  RepositoryLock(const RepositoryLock&) = delete;
  RepositoryLock& operator=(const RepositoryLock&) = delete;
  const std::string& name() const { return info_.name; }
  // Records (and stores at once) that the holder has taken in the plan made at `plan_ns`.
  Status note_plan_seen(int64_t plan_ns);
  // Removes the lock object now and never stores it again (the refresher
  // stops writing): for a process about to end on a signal.
  void release_now();

 private:
  RepositoryLock(Backend& backend, const Hash& key, LockInfo info);
  static Result<std::unique_ptr<RepositoryLock>> stored(Backend& backend, const Hash& metadata_key, const std::string& kind, const std::string& host,
                                                        bool exclusive);
  Status store();
  void start_refreshing();
  void refresh_loop();

  Backend& backend_;
  Hash key_;
  LockInfo info_;
  std::mutex store_mu_;  // info_ and its put: the refresher and note_plan_seen
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool released_ = false;  // under store_mu_: release_now ran, store() writes nothing
  std::thread refresher_;
};

// Removes the objects of every lock this process holds (release_now on
// each) and returns how many. Called from a normal thread, never from a
// signal handler: core/cli/interrupt.cpp receives signals with sigwait.
size_t release_all_locks_now();

// Every lock in the repository, stale ones marked. Locks that vanish or do
// not open (another repository's key, damage) are skipped, and named in
// `garbage` when given (verify reports them, prune removes them).
Result<std::vector<LockInfo>> list_locks(Backend& backend, const Hash& metadata_key, std::vector<std::string>* garbage = nullptr);

}  // namespace gb
