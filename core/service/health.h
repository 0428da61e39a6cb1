// The service's health: OK, WARNING or FAILING, with the reasons, from what
// the service knows of this machine's backups (the inputs below). Pure: the
// service gathers the inputs (service.db, the upload queue, a probe of the
// repository and of the grid's members, the state disk) and calls
// evaluate_health every --health-interval and after every job; the result
// is kept in service.db so `service status` shows it from any process.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/result.h"

namespace gb {

class ServiceState;

enum class HealthLevel { Ok = 0, Warning = 1, Failing = 2 };

// "OK", "WARNING", "FAILING".
const char* health_level_name(HealthLevel level);
std::optional<HealthLevel> parse_health_level(std::string_view name);

struct HealthThresholds {
  // No complete snapshot, or a file queued, for this long: WARNING; for
  // twice as long: FAILING (the machine has gone a week without a backup
  // it could be restored from, where a laptop off for a long weekend is
  // only a warning).
  int64_t stale_ns = 3LL * 86400 * 1000000000;
  // Free space on the state dir's file system: below `disk_low` WARNING
  // (the journal, the queue and the staging area grow there); below
  // `disk_full` FAILING (a snapshot's commit or the queue may fail to write).
  uint64_t disk_low_bytes = 256ULL << 20;
  uint64_t disk_full_bytes = 32ULL << 20;
};

struct HealthInputs {
  int64_t now_ns = 0;
  // When this service first ran (service.db): until a snapshot is complete,
  // "no complete snapshot" counts from then, so a fresh install is not
  // WARNING before its first upload could possibly have finished.
  int64_t watching_since_ns = 0;
  // The newest of the service's snapshots whose content is all stored.
  std::optional<int64_t> last_complete_snapshot_ns;
  // When the oldest file still in the upload queue was queued (none: empty).
  std::optional<int64_t> oldest_queued_ns;
  // The probe of the repository (its config object read with the cap).
  bool repository_reachable = true;
  std::string repository_error;  // why not, one sentence
  // The grid's members (grid: repositories only; members == 0 otherwise).
  int grid_members = 0, grid_k = 0, grid_happy = 0;
  std::vector<std::string> grid_members_down;  // their ids
  // The last verify found damaged data (exit 12); the last audit snapshot
  // found changes the journal had missed (exit 4).
  bool verify_found_damage = false;
  bool audit_missed_changes = false;
  std::optional<uint64_t> state_disk_free_bytes;  // unknown: not judged
};

struct Health {
  HealthLevel level = HealthLevel::Ok;
  std::vector<std::string> reasons;  // one short sentence each, worst first; none when OK
  bool operator==(const Health&) const = default;
};

Health evaluate_health(const HealthInputs& in, const HealthThresholds& limits = {});

// The health as the service keeps it: since when the level has held.
struct HealthRecord {
  Health health;
  int64_t since_ns = 0;
};

// The record after an evaluation: `since` moves only when the level changes
// (new reasons at the same level are the same state of health).
HealthRecord next_health_record(const std::optional<HealthRecord>& before, const Health& now, int64_t now_ns);
// Whether the level's hook (on-warning, on-failure) runs: when the health
// changes into that level, not while it stays there, and not on the way
// back to OK. The first evaluation after a start counts as a change only
// when no earlier record says the level already held.
bool health_hook_due(const std::optional<HealthRecord>& before, const Health& now);

// In service.db (keys health_level, health_reasons, health_since_ns).
Status store_health(ServiceState& state, const HealthRecord& record);
Result<std::optional<HealthRecord>> load_health(ServiceState& state);

}  // namespace gb
