#include "core/backup/journal_policy.h"

#include <fmt/format.h>

#include "core/common/clock.h"
#include "core/common/number_text.h"
#include "core/common/path_order.h"
#include "core/journal/cookie_sync.h"
#include "core/scan/device_boundary.h"
#include "core/scan/scanner.h"

namespace gb {
namespace {

// A watched root covers a backed-up path inside it only when a scan of the
// watched root reaches that path with all below it: a mount point or btrfs
// subvolume in between is another filesystem, whose events its mark may not
// bring (README, "Device boundaries").
bool covered_by(const std::string& path, const std::vector<std::string>& watched) {
  for (const auto& w : watched)
    if (path_within(path, w) && ScanReach({w}).covers(path)) return true;
  return false;
}

// A time the journal stored, or none when absent or damaged.
std::optional<int64_t> stored_ns(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  auto t = parse_int(*text);
  return t ? std::optional<int64_t>(*t) : std::nullopt;
}

}  // namespace

Result<std::optional<JournalSetup>> prepare_journal(const LocalState& home, const JournalRequest& request, const Repository& repo,
                                                    const std::vector<std::string>& paths, const std::string& host, std::string& note) {
  std::optional<JournalSetup> none;
  if (request.never) return none;
  if (!request.without_agent && !home.has_journal()) return none;  // no agent was ever set up
  if (!home.agent_running() && !request.without_agent) {
    note = "the change-journal agent is not running, so this backup scans everything";
    return none;
  }
  GB_ASSIGN(std::vector<std::string> roots, normalise_roots(paths));
  GB_ASSIGN(auto journal, home.open_journal());
  if (!request.without_agent) {
    GB_ASSIGN(auto agent, journal->agent());
    for (const auto& r : roots)
      if (!agent || !covered_by(r, agent->roots)) {
        note = fmt::format("the change-journal agent does not watch {}, so this backup scans everything", r);
        return none;
      }
  }
  JournalSetup setup;
  setup.trim_after = request.without_agent;
  setup.use.repository_id = LocalState::repository_id(repo);
  if (request.without_agent) {
    GB_ASSIGN(setup.use.cut, journal->last_seq());
  } else {
    auto cut = sync_with_agent(*journal, roots);
    if (!cut) {
      note = cut.error().message + ", so this backup scans everything";
      return none;
    }
    setup.use.cut = *cut;
  }
  // One view cache per host and set of roots: each is its own snapshot line.
  // It lives beside the journal whose cuts it matches, where the agent that
  // owns that journal folds its write-ahead log between backups.
  std::string line = host;
  for (const auto& r : roots) line += std::string(1, '\0') + r;
  GB_ASSIGN(setup.cache, home.open_view_cache(repo, line));
  // The audit clock starts with the first backup that uses the agent. A
  // stored time that does not read as one makes the audit due: an audit
  // costs one full scan, a skipped one could hide a missed change.
  GB_ASSIGN(auto last_audit, journal->value("audit.last_ns"));
  if (!last_audit) GB_CHECK(journal->set_value("audit.last_ns", std::to_string(now_ns())));
  auto last_ns = stored_ns(last_audit);
  setup.use.audit = request.force_audit || (last_audit && (!last_ns || now_ns() - *last_ns > request.audit_interval_ns));
  setup.use.journal = journal.get();
  setup.use.cache = setup.cache.get();
  setup.journal = std::move(journal);
  return std::optional<JournalSetup>(std::move(setup));
}

Status finish_journal(JournalSetup& setup, const BackupResult& result) {
  ChangeJournal& j = *setup.journal;
  if (result.audited) {
    GB_CHECK(j.set_value("audit.last_ns", std::to_string(now_ns())));
    GB_CHECK(j.set_value("audit.missed", std::to_string(result.audit_missed.size())));
    std::string sample;
    for (size_t i = 0; i < result.audit_missed.size() && i < 10; ++i) sample += result.audit_missed[i] + "\n";
    GB_CHECK(j.set_value("audit.sample", sample));
  }
  // A running agent trims the journal between backups, off the clock of the
  // snapshot (agents/linux/agent_daemon.cpp).
  return setup.trim_after ? j.trim() : Status{};
}

Result<AgentReport> agent_report(const LocalState& state, const std::optional<std::string>& repository_id) {
  AgentReport out;
  out.journal_path = state.journal_path();
  out.running = state.agent_running();
  if (!state.has_journal()) return out;
  out.set_up = true;
  GB_ASSIGN(auto journal, state.existing_journal());
  GB_ASSIGN(out.agent, journal->agent());
  GB_ASSIGN(out.records, journal->last_seq());
  GB_ASSIGN(out.pending, journal->pending_rescans(repository_id));
  GB_ASSIGN(auto audit_ns, journal->value("audit.last_ns"));
  out.last_audit_ns = stored_ns(audit_ns);
  GB_ASSIGN(out.audit_missed, journal->value("audit.missed"));
  return out;
}

}  // namespace gb
