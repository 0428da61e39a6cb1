// Randomised fault injection in the style of kopia's robustness tests: backup
// and restore run in-process over FaultyBackend (tests/fault/faulty_backend.h);
// a failed command is fine, a successful one must have stored what it says.
// Afterwards, fault-free: verify --read-data is clean, a backup heals, and
// every snapshot that was reported stored restores byte-exact.
// GB_FAULT_RUNS (default 5 inside `unit`, 200 in ctest fault.robustness) and
// GB_FAULT_SEED (first seed) make longer runs by hand; see tests/fault/README.md.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "core/backup/backup_run.h"
#include "core/prune/pruner.h"
#include "core/restore/restorer.h"
#include "core/snapshot/snapshot_store.h"
#include "core/storage/file_backend.h"
#include "core/upload/uploader.h"
#include "core/verify/verifier.h"
#include "tests/fault/faulty_backend.h"
#include "tests/unit/test_support.h"

namespace fs = std::filesystem;
using namespace gb;

namespace {

using Tree = std::map<std::string, std::string>;  // relative path -> content

uint64_t env_u64(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

double fault_rate() {
  const char* v = std::getenv("GB_FAULT_RATE");
  return v && *v ? std::strtod(v, nullptr) : 0.08;
}

void mutate(const std::string& root, Tree& tree, std::mt19937_64& rng) {
  auto rnd = [&](uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng); };
  int ops = 1 + static_cast<int>(rnd(6));
  for (int i = 0; i < ops; ++i) {
    std::string rel = "d" + std::to_string(rnd(3)) + "/f" + std::to_string(rnd(8));
    if (rnd(5) == 0 && tree.count(rel)) {
      fs::remove(root + "/" + rel);
      tree.erase(rel);
      continue;
    }
    size_t size = rnd(4) == 0 ? 20000 + rnd(300000) : rnd(3000);
    std::string content(size, '\0');
    for (auto& c : content) c = static_cast<char>(rnd(rnd(2) ? 256 : 4));  // some compressible
    fs::create_directories(fs::path(root + "/" + rel).parent_path());
    std::ofstream(root + "/" + rel, std::ios::binary) << content;
    tree[rel] = content;
  }
}

std::string read_file(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Empty when the restore under `target` of `src` equals `tree`, else what differs.
std::string compare(const std::string& target, const std::string& src, const Tree& tree) {
  std::string base = target + src;
  Tree got;
  if (fs::exists(base))
    for (auto& e : fs::recursive_directory_iterator(base))
      if (e.is_regular_file()) got[fs::relative(e.path(), base).string()] = read_file(e.path().string());
  for (auto& [p, c] : tree) {
    auto it = got.find(p);
    if (it == got.end()) return "missing " + p;
    if (it->second != c) return "content differs " + p;
  }
  for (auto& [p, c] : got)
    if (!tree.count(p)) return "extra " + p;
  return {};
}

std::unique_ptr<Backend> make_backend(const std::string& dir, uint64_t seed, double rate) {
  std::unique_ptr<Backend> b = std::make_unique<FileBackend>(dir + "/repo");
  if (rate > 0) b = std::make_unique<test::FaultyBackend>(std::move(b), seed, rate);
  return b;
}

std::unique_ptr<Repository> open_repo(const std::string& dir, const Hash& master, uint64_t seed, double rate) {
  auto r = Repository::open(make_backend(dir, seed, rate), master);
  return r.ok() ? std::move(*r) : nullptr;
}

// Prune with no grace period, so that a plan made now is swept by the next
// call; returns "" or its error.
std::string prune(const std::string& dir, const Hash& master, uint64_t seed, double rate) {
  uint64_t n = 0;
  RepositoryOpener opener = [&]() { return Repository::open(make_backend(dir, seed * 31 + n++, rate), master, false); };
  PruneOptions o;
  o.grace_seconds = 0;
  o.wait_seconds = 0;
  o.host = "faulthost";
  o.scratch_dir = dir;
  auto r = run_prune(opener, o);
  if (std::getenv("GB_FAULT_VERBOSE"))
    std::fprintf(stderr, "  prune: %s\n", !r.ok() ? r.error().message.c_str() : r->swept ? "swept" : r->planned ? "planned" : "nothing");
  return r.ok() ? "" : r.error().message;
}

// With a queue: `backup --no-upload` (commit now, content left queued).
Result<BackupResult> backup(Repository& repo, const std::string& src, UploadQueue* queue = nullptr) {
  BackupOptions o;
  o.paths = {src};
  o.hostname = "faulthost";
  o.username = "fault";
  o.upload = queue == nullptr;
  o.queue = queue;
  BackupProgress p;
  return run_backup(repo, o, p);
}

// `gridbackup upload`; `whole` says it drained the queue and stored every job.
Status upload(Repository& repo, UploadQueue& queue, bool* whole = nullptr) {
  UploadOptions o;
  UploadProgress p;
  auto r = run_upload(repo, queue, o, p);
  auto left = queue.stats();
  if (whole) *whole = r.ok() && r->unstable.empty() && r->vanished.empty() && left.ok() && left->jobs == 0;
  if (!r.ok()) return r.error();
  return {};
}

// Whether `id` carries a tombstone, asked without faults (a forget whose
// answer was lost did take effect).
bool forgotten(const std::string& dir, const Hash& master, const std::string& id);

bool forgotten(const std::string& dir, const Hash& master, const std::string& id) {
  auto repo = open_repo(dir, master, 0, 0);
  if (!repo) return false;
  auto ids = SnapshotStore(*repo).forgotten_ids();
  return ids.ok() && std::find(ids->begin(), ids->end(), id) != ids->end();
}

// One seeded run; returns "" or what went wrong.
std::string one_run(uint64_t seed) {
  test::ScratchDir dir;
  std::mt19937_64 rng(seed);
  Hash master{};
  master[0] = static_cast<uint8_t>(seed);
  test::make_repository(dir.path, master);
  std::string src = dir.path + "/src";
  fs::create_directories(src);
  Tree tree;
  std::vector<std::pair<Snapshot, Tree>> stored;
  auto queue = UploadQueue::open(dir.path + "/queue.db");
  if (!queue.ok()) return "queue: " + queue.error().message;
  for (int round = 0; round < 3; ++round) {
    mutate(src, tree, rng);
    auto repo = open_repo(dir.path, master, seed * 7919 + round, fault_rate());
    if (!repo) continue;
    // Half the rounds take the separate uploader's path: commit with the
    // content queued, then upload. Such a snapshot counts as stored only
    // when the upload stored all of it before the next change of the tree
    // (what changes before its upload is legitimately never stored).
    bool queued = rng() % 2 == 0;
    auto b = backup(*repo, src, queued ? queue->get() : nullptr);
    bool uploaded = true;
    if (queued && b.ok()) (void)upload(*repo, **queue, &uploaded);
    bool whole = b.ok() && b->problems.empty() && uploaded;
    if (whole) stored.push_back({b->snapshot, tree});
    if (std::getenv("GB_FAULT_VERBOSE"))
      std::fprintf(stderr, "seed %llu round %d: %s %s%s, %zu files\n", (unsigned long long)seed, round, queued ? "backup+upload" : "backup",
                   b.ok() ? "ok" : b.error().message.c_str(), b.ok() && !whole ? " (not whole)" : "", tree.size());
    // Sometimes forget a stored snapshot first, so prune deletes what only
    // it needed while the others must survive.
    if (stored.size() > 1 && rng() % 3 == 0) {
      size_t victim = rng() % (stored.size() - 1);
      std::string id = stored[victim].first.id;
      (void)SnapshotStore(*repo).forget(stored[victim].first);
      if (forgotten(dir.path, master, id)) stored.erase(stored.begin() + static_cast<long>(victim));
    }
    prune(dir.path, master, seed * 104729 + round, fault_rate());
    if (!stored.empty()) {  // a faulty restore: may fail, must not lie
      std::string t = dir.path + "/rf" + std::to_string(round);
      RestoreOptions ro;
      ro.target = t;
      RestoreProgress rp;
      auto r = run_restore(*repo, stored.back().first, ro, rp);
      if (r.ok() && r->failures.empty() && r->damaged.empty() && r->not_uploaded.empty()) {
        std::string d = compare(t, src, stored.back().second);
        if (!d.empty()) return "restore under faults reported success but: " + d;
      }
    }
  }
  // Without faults prune must work again, whatever the faulty ones left
  // (seed 1 once left its own exclusive lock behind, refusing every prune).
  for (int i = 0; i < 2; ++i)
    if (std::string e = prune(dir.path, master, 0, 0); !e.empty()) return "fault-free prune failed: " + e;
  auto repo = open_repo(dir.path, master, 0, 0);
  if (!repo) return "fault-free open failed";
  VerifyOptions vo;
  vo.read_data = true;
  VerifyProgress vp;
  auto v = run_verify(*repo, vo, vp);
  if (!v.ok()) return "verify failed: " + v.error().message;
  if (!v->ok()) {
    std::string s = "verify --read-data found damage:";
    for (auto& d : v->damaged_objects) s += " [" + d + "]";
    for (auto& d : v->problems) s += " [" + d + "]";
    return s;
  }
  if (Status u = upload(*repo, **queue); !u.ok()) return "fault-free upload of the queue failed: " + u.error().message;
  auto healed = backup(*repo, src);
  if (!healed.ok()) return "fault-free backup failed: " + healed.error().message;
  stored.push_back({healed->snapshot, tree});
  for (size_t i = 0; i < stored.size(); ++i) {
    std::string t = dir.path + "/r" + std::to_string(i);
    RestoreOptions ro;
    ro.target = t;
    RestoreProgress rp;
    auto r = run_restore(*repo, stored[i].first, ro, rp);
    if (!r.ok()) return "fault-free restore of " + stored[i].first.short_id() + " failed: " + r.error().message;
    if (!r->damaged.empty())
      return "snapshot " + stored[i].first.short_id() + " reported stored is damaged: " + r->damaged[0].path + ": " + r->damaged[0].message;
    std::string d = compare(t, src, stored[i].second);
    if (!d.empty()) return "snapshot " + stored[i].first.short_id() + ": " + d;
  }
  return {};
}

}  // namespace

TEST_CASE("fault.robustness: backup and restore under injected backend faults lose nothing stored") {
  uint64_t runs = env_u64("GB_FAULT_RUNS", 5), first = env_u64("GB_FAULT_SEED", 1);
  for (uint64_t seed = first; seed < first + runs; ++seed) {
    std::string why = one_run(seed);
    INFO("seed ", seed, " (rerun: GB_FAULT_SEED=", seed, " GB_FAULT_RUNS=1)");
    CHECK_MESSAGE(why.empty(), why);
  }
}
