#include "core/cli/journal_step.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>

#include "core/common/clock.h"
#include "core/common/duration.h"
#include "core/common/number_text.h"
#include "core/common/path_order.h"
#include "core/common/private_files.h"
#include "core/common/bytes.h"
#include "core/crypto/sha256.h"
#include "core/cli/json.h"
#include "core/journal/cookie_sync.h"
#include "core/scan/scanner.h"

namespace gb {
namespace {

// A duration (core/common/duration.h) in elapsed nanoseconds.
Result<int64_t> parse_duration_ns(const std::string& text) {
  auto d = parse_duration(text);
  if (!d) return d.error().in_context("--audit-interval");
  return d->total_seconds() * 1000000000;
}

// A time the journal stored, or none when absent or damaged.
std::optional<int64_t> stored_time(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  auto t = parse_int(*text);
  return t ? std::optional<int64_t>(*t) : std::nullopt;
}

// A watched root covers a backed-up path inside it only when a scan of the
// watched root reaches that path with all below it: a mount point or btrfs
// subvolume in between is another filesystem, whose events its mark may not
// bring (README, "Device boundaries").
bool covered_by(const std::string& path, const std::vector<std::string>& watched) {
  for (const auto& w : watched)
    if (path_within(path, w) && ScanReach({w}).covers(path)) return true;
  return false;
}

}  // namespace

std::string journal_dir(const CommandLine& cl) {
  std::string own = state_dir(cl);
  std::error_code ec;
  if (cl.value("state-dir") || std::filesystem::exists(journal_path(own), ec)) return own;
  return agent_is_running(kSystemAgentStateDir) ? kSystemAgentStateDir : own;
}

Result<std::optional<JournalSetup>> prepare_journal(const CommandLine& cl, const Repository& repo, const std::vector<std::string>& paths,
                                                   const std::string& host, std::string& note) {
  std::optional<JournalSetup> none;
  if (cl.flag("no-journal")) return none;
  std::string state = journal_dir(cl);
  bool from_journal = cl.flag("from-journal");
  std::error_code ec;
  if (!from_journal && !std::filesystem::exists(journal_path(state), ec)) return none;  // no agent was ever set up
  bool running = agent_is_running(state);
  if (!running && !from_journal) {
    note = "the change-journal agent is not running, so this backup scans everything";
    return none;
  }
  GB_ASSIGN(std::vector<std::string> roots, normalise_roots(paths));
  GB_CHECK(make_private_dir(state));
  GB_ASSIGN(auto journal, ChangeJournal::open(journal_path(state)));
  if (!from_journal) {
    GB_ASSIGN(auto agent, journal->agent());
    for (const auto& r : roots)
      if (!agent || !covered_by(r, agent->roots)) {
        note = fmt::format("the change-journal agent does not watch {}, so this backup scans everything", r);
        return none;
      }
  }
  JournalSetup setup;
  setup.trim_after = from_journal;
  setup.use.repository_id = to_hex(repo.config().repository_id);
  if (from_journal) {
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
  std::string key = host;
  for (const auto& r : roots) key += std::string(1, '\0') + r;
  // Beside the journal whose cuts it matches, where the agent that owns that
  // journal folds its write-ahead log between backups.
  std::string dir = repository_state_dir(state, repo) + "/views";
  GB_CHECK(make_private_dir(repository_state_dir(state, repo)));
  GB_CHECK(make_private_dir(dir));
  GB_ASSIGN(setup.cache, ViewCache::open(dir + "/" + to_hex(ByteView(sha256(as_bytes(key))).first(8)) + ".db"));
  int64_t interval = 7LL * 86400 * 1000000000;
  if (auto v = cl.value("audit-interval")) {
    GB_ASSIGN(interval, parse_duration_ns(*v));
  }
  GB_ASSIGN(auto last_audit, journal->value("audit.last_ns"));
  if (!last_audit) GB_CHECK(journal->set_value("audit.last_ns", std::to_string(now_ns())));  // the clock starts with the agent
  auto last_audit_ns = stored_time(last_audit);  // damaged: the audit is due
  setup.use.audit = cl.flag("audit") || (last_audit && (!last_audit_ns || now_ns() - *last_audit_ns > interval));
  setup.use.journal = journal.get();
  setup.use.cache = setup.cache.get();
  setup.journal = std::move(journal);
  return std::optional<JournalSetup>(std::move(setup));
}

Result<AgentStatus> agent_status(const std::string& state, const std::string& repository_id) {
  AgentStatus out;
  std::error_code ec;
  if (!std::filesystem::exists(journal_path(state), ec)) {
    out.text = "agent:        not set up: every backup scans everything ('gridbackup agent install' sets one up)\n";
    out.json = nullptr;
    return out;
  }
  GB_ASSIGN(auto journal, ChangeJournal::open(journal_path(state)));
  GB_ASSIGN(auto info, journal->agent());
  bool running = agent_is_running(state);
  GB_ASSIGN(int64_t last, journal->last_seq());
  GB_ASSIGN(auto rescans, journal->pending_rescans(repository_id));
  GB_ASSIGN(auto audit_ns, journal->value("audit.last_ns"));
  GB_ASSIGN(auto missed, journal->value("audit.missed"));
  std::string roots;
  if (info)
    for (const auto& r : info->roots) roots += (roots.empty() ? "" : ", ") + r;
  out.text = fmt::format("agent:        {}{}\n", running ? "running" : "NOT RUNNING (backups scan everything)",
                         info ? fmt::format(" ({}, pid {}, watching {})", info->mode, info->pid, roots) : "");
  out.text += fmt::format("journal:      {} records; {} rescans pending for the next backup\n", last, rescans.size());
  for (size_t i = 0; i < rescans.size() && i < 5; ++i) out.text += "              " + describe(rescans[i].record) + "\n";
  auto audit_time = stored_time(audit_ns);
  double age_days = audit_time ? static_cast<double>(now_ns() - *audit_time) / 86400e9 : -1;
  if (missed)
    out.text += fmt::format("last audit:   {:.1f} days ago, {}\n", age_days,
                            *missed == "0" ? "the journal missed nothing" : "THE JOURNAL MISSED " + *missed + " CHANGES");
  else
    out.text += "last audit:   none yet (the first runs a week after the agent starts, or 'backup --audit')\n";
  // audit.missed is stored as a count's decimal text.
  Json missed_count = missed ? Json::parse(*missed, nullptr, /*allow_exceptions=*/false) : Json();
  if (!missed_count.is_number_unsigned()) missed_count = nullptr;
  out.json = {{"running", running},
              {"pid", info ? info->pid : 0},
              {"roots", info ? Json(info->roots) : Json::array()},
              {"records", last},
              {"pending_rescans", rescans.size()},
              {"audit_missed", missed_count}};
  return out;
}

Status finish_journal(JournalSetup& setup, const BackupResult& result, bool quiet) {
  ChangeJournal& j = *setup.journal;
  if (result.audited) {
    GB_CHECK(j.set_value("audit.last_ns", std::to_string(now_ns())));
    GB_CHECK(j.set_value("audit.missed", std::to_string(result.audit_missed.size())));
    std::string sample;
    for (size_t i = 0; i < result.audit_missed.size() && i < 10; ++i) sample += result.audit_missed[i] + "\n";
    GB_CHECK(j.set_value("audit.sample", sample));
    if (!result.audit_missed.empty()) {
      std::fprintf(stderr,
                   "gridbackup: AUDIT FAILED: the change journal missed %zu changes that the full scan found; this snapshot was taken by that "
                   "full scan, so it has them (exit 4; report the paths below as a journal bug):\n",
                   result.audit_missed.size());
      std::fputs(sample.c_str(), stderr);
    } else if (!quiet) {
      std::printf("  audit: the full scan found no change the journal had missed\n");
    }
  }
  // A running agent trims the journal between backups, off the clock of the
  // snapshot (agents/linux/agent_daemon.cpp).
  return setup.trim_after ? j.trim() : Status{};
}

}  // namespace gb
