// The Packer turns blobs into stored packs. Callers hand it plaintext blobs;
// worker threads compress and seal them, fill packs up to the target size,
// store each full pack with one atomic put and tell the caller (PackCallbacks:
// the link index, through packs_into in core/index, which sits above content).
// Memory stays bounded: add() blocks while too many bytes wait.
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "core/common/result.h"
#include "core/content/blob.h"
#include "core/crypto/keys.h"
#include "core/storage/backend.h"

namespace gb {

// What the packer asks and tells about stored blobs. Both may be called from
// several threads at once.
struct PackCallbacks {
  // The blob is stored already: add() skips it.
  std::function<bool(const Hash& blob)> known;
  // A pack is stored (one atomic put) and holds these blobs.
  std::function<void(const std::string& pack_id, const std::vector<PackedBlob>& blobs)> stored;
};

struct PackerOptions {
  int workers = 2;
  size_t pack_target = 16 << 20;
  // Plaintext waiting for a worker: a few segments keep two workers busy;
  // more only raises peak memory (issue 19).
  size_t max_queued_bytes = 4 << 20;
  int compression_level = 3;
};

class Packer {
 public:
  Packer(Backend& backend, const RepositoryKeys& keys, PackCallbacks packs, PackerOptions options);
  ~Packer();
  Packer(const Packer&) = delete;
  Packer& operator=(const Packer&) = delete;

  // Stores the blob unless it is known (PackCallbacks::known) or this packer already has it.
  // Returns true when the blob is new (its bytes will be stored).
  bool add(BlobType type, const Hash& hash, Bytes plaintext);
  // Waits until every blob added so far is stored (the partial pack too);
  // the workers keep running. Returns the first failure.
  Status flush();
  // Stores the last partial pack and waits for every worker; returns the first failure.
  Status finish();
  // The first failure so far (callers may stop early).
  Status status() const;
  uint64_t stored_bytes() const;  // sealed bytes written to packs
  // Where the bytes handed in are, for progress by what has gone out:
  // plaintext accepted by add(); plaintext and sealed bytes appended to packs
  // (stored or not yet); sealed bytes of packs stored.
  struct Counts {
    uint64_t plain_added = 0, plain_packed = 0, sealed_packed = 0, stored = 0;
  };
  Counts counts() const;

 private:
  struct Job {
    BlobType type;
    Hash hash;
    Bytes data;
  };
  struct OpenPack {
    Bytes bytes;
    std::vector<PackedBlob> blobs;
  };
  void worker();
  void store_pack(OpenPack pack);
  void fail(Error e);

  Backend& backend_;
  const RepositoryKeys& keys_;
  PackCallbacks packs_;
  PackerOptions options_;

  mutable std::mutex mu_;
  std::condition_variable has_work_, has_room_, idle_;
  int busy_ = 0;  // workers between taking a job and appending it to a pack
  std::deque<Job> queue_;
  size_t queued_bytes_ = 0;
  bool closing_ = false;
  std::unordered_set<Hash, HashHasher> in_flight_;
  OpenPack current_;
  std::vector<Bytes> spare_;  // at most one emptied pack buffer, for the next pack
  std::optional<Error> error_;
  uint64_t stored_bytes_ = 0;
  uint64_t plain_added_ = 0, plain_packed_ = 0, sealed_packed_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace gb
