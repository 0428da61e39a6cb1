// The backup's use of the change journal: whether an agent runs and
// watches the roots, the cookie synchronisation that fixes the slice's cut,
// which view cache a snapshot line keeps, when an audit is due and what it
// found; and the agent as `status` and `agent status` show it.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/backup/backup_run.h"
#include "core/journal/change_journal.h"
#include "core/snapshot/view_cache.h"
#include "core/state/local_state.h"

namespace gb {

// How a backup may use the journal (the command line's say).
struct JournalRequest {
  bool never = false;                                 // --no-journal: always scan in full
  bool without_agent = false;                         // --from-journal: trust the journal with no agent running (the replay tool's use)
  bool force_audit = false;                           // --audit
  int64_t audit_interval_ns = kDefaultAuditInterval;  // an audit (a full scan checking the journal) at least this often
  static constexpr int64_t kDefaultAuditInterval = 7LL * 86400 * 1000000000;
};

struct JournalSetup {
  std::unique_ptr<ChangeJournal> journal;
  std::unique_ptr<ViewCache> cache;
  JournalUse use;
  // Without a running agent (--from-journal) nobody else trims the journal.
  bool trim_after = false;
};

// A journal to use for this backup of `paths` by `host`, from `home` (a
// LocalState::journal_home()), or none (a plain full scan); `note` says why
// there is none when the user would expect one (an agent was set up).
Result<std::optional<JournalSetup>> prepare_journal(const LocalState& home, const JournalRequest& request, const Repository& repo,
                                                    const std::vector<std::string>& paths, const std::string& host, std::string& note);

// Records an audit's outcome in the journal (when the backup audited) and
// trims a journal no agent trims.
Status finish_journal(JournalSetup& setup, const BackupResult& result);

// The change-journal agent of a state dir, as both status commands show it.
struct AgentReport {
  bool set_up = false;  // a journal exists: an agent was set up
  bool running = false;
  std::string journal_path;
  std::optional<AgentInfo> agent;  // what the agent last said about itself
  int64_t records = 0;             // the journal's last seq
  // Rescan-needed and overflow records after the newest cut: the rescans
  // the next backup (of the repository asked about; without one, of any
  // repository) will do. At most 1000.
  std::vector<JournalRow> pending;
  std::optional<int64_t> last_audit_ns;
  std::optional<std::string> audit_missed;  // count of changes the last audit found the journal missed
};
Result<AgentReport> agent_report(const LocalState& state, const std::optional<std::string>& repository_id);

}  // namespace gb
