// Whether the packs a run stored are all indexed, so that a backup or an
// upload lists the repository's data/ (a request, or on S3 a paged listing,
// that grows with the repository) only after a run was interrupted.
//
// A run that may store packs (backup, upload, copy) marks itself in the
// upload queue's database before its first pack and removes the mark once
// its index is written. A mark whose process is gone (kill -9, a crash, an
// error exit) says packs may be stored that no index names: the next run
// adopts them (Repository::adopt_unindexed_packs) and removes that mark.
// Crash-only: nothing but the marks is kept, and a killed run's mark stays.
// A queue that never had marks (made by an older version) counts as
// interrupted once.
#pragma once
#include <cstddef>
#include <vector>

#include "core/common/result.h"

namespace gb {

class Repository;
class UploadQueue;

class StoringRun {
 public:
  // Marks this process as storing. Without a queue (no local state) there
  // is no record of earlier runs: adopt_interrupted always lists data/.
  static Result<StoringRun> begin(UploadQueue* queue);
  // Readies `repo` for storing (Repository::prepare_to_store) and adopts
  // what interrupted runs stored when there were any; the number of packs
  // adopted.
  // `always`: adopt whatever no index names, interrupted run or not.
  Result<size_t> adopt_interrupted(Repository& repo, bool always = false);
  // This run's packs are all indexed: its mark goes.
  Status finish();

 private:
  UploadQueue* queue_ = nullptr;
  bool interrupted_ = true;
  std::vector<int64_t> dead_;
};

}  // namespace gb
