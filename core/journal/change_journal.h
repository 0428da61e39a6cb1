// The change journal (SQLite, WAL) in the local state dir (its path and the
// agent's lock: core/state/local_state.h): the agent appends portable change
// records; a backup reads the records since its parent snapshot's cut and
// stats/hashes only that dirty set. Like every local state
// it is a cache: deleting it costs one full scan, never a missed change.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/result.h"
#include "core/journal/change_record.h"

struct sqlite3;

namespace gb {

struct JournalRow {
  int64_t seq = 0;  // position in this journal, increasing
  ChangeRecord record;
};

// What a running agent last said about itself (status and liveness checks).
struct AgentInfo {
  int64_t pid = 0;
  int64_t started_ns = 0;
  std::vector<std::string> roots;  // the watched backup roots
  std::string mode;                // "fanotify", "usn", "fsevents", "import"
};

class ChangeJournal {
 public:
  static Result<std::unique_ptr<ChangeJournal>> open(const std::string& path);
  ~ChangeJournal();

  // One transaction; returns the seq of the last record appended.
  Result<int64_t> append(const std::vector<ChangeRecord>& records);
  // Up to `limit` rows with seq > after, oldest first.
  Result<std::vector<JournalRow>> read_since(int64_t after, size_t limit);
  Result<int64_t> last_seq();
  // The first row at or after `after` whose path is `path` and kind is Created
  // (how a backup sees its cookie file arrive), if any.
  Result<std::optional<int64_t>> find_created(int64_t after, const std::string& path);

  // Cut points: snapshot `snapshot_id` of repository `repo` reflects every
  // change up to and including journal seq `seq`.
  Status record_cut(const std::string& repo, const std::string& snapshot_id, int64_t seq);
  Result<std::optional<int64_t>> cut_of(const std::string& repo, const std::string& snapshot_id);

  // Overflow and rescan-needed records after the newest cut of `repo`: the
  // rescans its next backup will do (what `status` shows). Without a repo:
  // those after the newest cut of every repository with one, the rescans
  // some repository's next backup will do. At most 1000, oldest first.
  Result<std::vector<JournalRow>> pending_rescans(const std::optional<std::string>& repo);

  // Small persistent values: native journal positions (USN, FSEvents id),
  // last audit time and result, agent facts.
  Status set_value(const std::string& key, const std::string& value);
  Result<std::optional<std::string>> value(const std::string& key);

  Status set_agent(const AgentInfo& info);
  Result<std::optional<AgentInfo>> agent();

  // Drops rows no cut needs any more (older than every recorded cut), so the
  // journal does not grow without bound.
  Status trim();

 private:
  explicit ChangeJournal(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

}  // namespace gb
