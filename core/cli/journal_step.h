// The backup command's side of the change journal: the command line's say
// (--no-journal, --from-journal, --audit, --audit-interval) turned into a
// JournalRequest for the policy in core/backup/journal_policy.h, the lines
// the user reads about an audit, and the agent as both `status` and
// `agent status` print it.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/backup/journal_policy.h"
#include "core/cli/json.h"
#include "core/cli/options.h"

namespace gb {

// A journal to use for this backup, or none (a plain full scan), from the
// state dir's journal home (LocalState::journal_home); `note` says why
// there is none when the user would expect one (an agent was set up).
Result<std::optional<JournalSetup>> prepare_journal(const CommandLine& cl, const Repository& repo, const std::vector<std::string>& paths,
                                                    const std::string& host, std::string& note);

// Records an audit's outcome and says loudly what the journal missed.
Status finish_journal(JournalSetup& setup, const BackupResult& result, bool quiet);

// The change-journal agent as `status` and `agent status` show it: running
// or not, what it watches, rescans the next backup will do, the last audit.
struct AgentStatus {
  std::string text;  // lines for a person
  Json json;         // one JSON object (null when no agent was ever set up)
};
AgentStatus agent_status(const AgentReport& report);

}  // namespace gb
