// The backup's use of the change journal: whether an agent runs and watches
// the roots, the cookie synchronisation that fixes the slice's cut, when an
// audit is due, and what the backup tells the user about it.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/backup/backup_run.h"
#include "core/cli/json.h"
#include "core/cli/options.h"

namespace gb {

// Where the change journal for this command is: the state dir's own, or
// else that of the system agent the systemd unit runs (kSystemAgentStateDir)
// while it runs, so root's backups use it with no configuration.
inline constexpr const char* kSystemAgentStateDir = "/var/lib/gridbackup";
std::string journal_dir(const CommandLine& cl);

struct JournalSetup {
  std::unique_ptr<ChangeJournal> journal;
  std::unique_ptr<ViewCache> cache;
  JournalUse use;
  // Without a running agent (--from-journal) nobody else trims the journal.
  bool trim_after = false;
};

// A journal to use for this backup, or none (a plain full scan); `note` says
// why there is none when the user would expect one (an agent was set up).
// `--from-journal` trusts the journal without a running agent (the replay
// tool's use); `--no-journal` never uses it; `--audit` forces an audit.
Result<std::optional<JournalSetup>> prepare_journal(const CommandLine& cl, const Repository& repo, const std::vector<std::string>& paths,
                                                   const std::string& host, std::string& note);
// The change-journal agent as `status` shows it: running or not, what it
// watches, rescans the next backup will do, the last audit.
struct AgentStatus {
  std::string text;  // lines for a person
  Json json;  // one JSON object (null when no agent was ever set up)
};
Result<AgentStatus> agent_status(const std::string& state_dir, const std::string& repository_id);

// Records an audit's outcome and says loudly what the journal missed.
Status finish_journal(JournalSetup& setup, const BackupResult& result, bool quiet);

}  // namespace gb
