// A Repository is a backend opened with a root cap: it knows the keys, the
// configuration and the link index, and reads blobs back. Layout and formats:
// docs/FORMAT.md.
#pragma once
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include "core/common/result.h"
#include "core/content/blob.h"
#include "core/content/packer.h"
#include "core/crypto/keys.h"
#include "core/index/link_index.h"
#include "core/storage/backend.h"

namespace gb {

class RepositoryLock;
struct LoadedIndexObjects;
struct PrunePlan;

// The content hash of an empty file: it needs no blob.
extern const Hash kEmptyContent;

struct RepositoryConfig {
  uint64_t version = 1;
  Bytes repository_id;  // 16 random bytes, also stored in the clear
  int64_t created = 0;  // unix seconds
  uint64_t segment_size = 1 << 20;
  uint64_t pack_target = 16 << 20;
  int compression_level = 1;          // zstd -1: same size as -3 on our bench data for 13% less CPU
  uint64_t checkpoint_interval = 16;  // a full backuplog at least every N snapshots
};

class Repository {
 public:
  ~Repository();
  // Creates a new repository; fails if one already exists at the backend.
  static Result<std::unique_ptr<Repository>> init(std::unique_ptr<Backend> backend, const Hash& master);
  // Opens an existing repository: NotFound if there is none, WrongKey if the cap does not fit.
  // With `load_index` false the link index is read only when load_index() is
  // called: a narrow slice that stores nothing but its log never needs it,
  // and reading every index object would make its cost follow the tree.
  static Result<std::unique_ptr<Repository>> open(std::unique_ptr<Backend> backend, const Hash& master, bool load_index = true);
  Status load_index();
  // Takes in the prune plan if one was made since the index was loaded (its
  // candidates leave the index), and says so in this process's lock, so
  // prune need not wait for it. Only for a caller that has stored an index
  // object with everything it referred to so far (the uploader between
  // batches).
  Status refresh_prune_plan();
  // Takes the whole index from objects already read (prune): no prune plan is applied.
  void use_index(const LoadedIndexObjects& loaded);
  // Keeps a lock of this repository for as long as it is open.
  void hold(std::unique_ptr<RepositoryLock> lock);
  // Takes and holds the shared lock a `kind` process works under (the lock
  // policy). A process that stores objects fails without it: prune must see
  // it. One that only reads goes on without one, on storage it cannot write
  // to (a read-only mount, a friend's read-only share), and gets back a note
  // saying so; an empty note when the lock is held.
  Result<std::string> lock_shared(const std::string& kind, const std::string& host, bool stores);
  bool index_loaded() const { return index_loaded_; }

  Backend& backend() { return *backend_; }
  // Puts a decorator around the backend (the object cache, core/storage/
  // object_cache.h); called right after open, before anything holds the backend.
  void wrap_backend(const std::function<std::unique_ptr<Backend>(std::unique_ptr<Backend>)>& wrap) { backend_ = wrap(std::move(backend_)); }
  // Where new objects are written: the backend, or a decorator of it (a rate limit).
  Backend& upload_backend() { return upload_backend_ ? *upload_backend_ : *backend_; }
  void set_upload_backend(Backend* b) { upload_backend_ = b; }
  const RepositoryKeys& keys() const { return keys_; }
  const RepositoryConfig& config() const { return config_; }
  LinkIndex& index() { return index_; }
  // How this repository's packs are made (target size, compression), with `workers` threads.
  PackerOptions packer_options(int workers) const {
    PackerOptions o;
    o.workers = workers;
    o.pack_target = config_.pack_target;
    o.compression_level = config_.compression_level;
    return o;
  }

  // Reads one blob and checks it; Corrupt names the pack that holds it.
  Result<Bytes> read_blob(const Hash& hash);
  // Opens a blob's sealed bytes already fetched from `object` (a pack), with
  // the same checks and messages as read_blob: for callers that fetch many
  // neighbouring blobs with one ranged read.
  Result<Bytes> open_packed_blob(const std::string& object, const BlobLocation& loc, const Hash& hash, ByteView box) const;
  // The segment hashes of a content hash (one element when it is a single blob).
  std::vector<Hash> content_segments(const Hash& content) const;
  // Whether every blob a file's content needs is stored (through its delta chain).
  bool content_present(const Hash& content, uint64_t size) const;
  // Whether every segment of this version is stored in full (no delta needed).
  bool full_version_present(const Hash& content) const;
  // How many deltas separate this content from a fully stored version (0: full).
  uint32_t delta_depth(const Hash& content) const;
  // Writes a file's content to `out_fd`, applying delta chains; a base is
  // rebuilt in an unnamed temporary file under `scratch_dir`. The result is
  // checked against the content hash. Corrupt names the object at fault.
  Status write_content(const Hash& content, uint64_t size, int out_fd, const std::string& scratch_dir);
  // Hands a file's content to `sink` piece by piece (a blob, or 1 MiB of a
  // rebuilt delta version), for output that cannot seek (a pipe, a tar
  // stream): memory stays one piece. A version stored as a delta is rebuilt
  // (and checked) in an unnamed temporary file under `scratch_dir` first.
  Status read_content(const Hash& content, uint64_t size, const std::function<Status(ByteView)>& sink, const std::string& scratch_dir);
  // Called by a process before it stores anything (backup, upload; also by
  // adopt_unindexed_packs): if load_index met a damaged index object or
  // prune plan, nothing loaded counts as present for storing from now on.
  void prepare_to_store();
  // Packs a killed run stored but never indexed are adopted from their own
  // headers, so their blobs are not uploaded again. Returns how many.
  Result<size_t> adopt_unindexed_packs();

 private:
  Result<RepositoryConfig> read_config();
  Repository(std::unique_ptr<Backend> backend, const Hash& master);
  void took_in(const PrunePlan& plan);
  std::unique_ptr<Backend> backend_;
  Backend* upload_backend_ = nullptr;
  RepositoryKeys keys_;
  RepositoryConfig config_;
  LinkIndex index_;
  bool index_loaded_ = false;
  // Packs a pending prune will delete: never adopted into the index.
  std::unordered_set<std::string> not_adoptable_;
  std::mutex reload_mu_;
  bool reloaded_ = false;         // read_blob reloads the index at most once
  bool storing_ = false;          // prepare_to_store was called: this process stores
  bool adopted_on_miss_ = false;  // read_blob adopted unindexed packs for a missing blob (at most once)
  Status reload_index_once();
  void warn(const std::string& sentence) const;
  // A damaged index object or prune plan was met: nothing loaded counts as present for storing.
  bool distrusted_ = false;
  int64_t applied_plan_ns_ = 0;           // the prune plan taken in (its creation time), 0: none
  std::unique_ptr<RepositoryLock> lock_;  // last: released before the backend goes
};

}  // namespace gb
