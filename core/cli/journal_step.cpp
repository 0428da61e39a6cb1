#include "core/cli/journal_step.h"

#include <fmt/format.h>
#include <cstdio>

#include "core/cli/json.h"
#include "core/cli/time_text.h"
#include "core/common/clock.h"
#include "core/common/duration.h"

namespace gb {
namespace {

// A duration (core/common/duration.h) in elapsed nanoseconds.
Result<int64_t> parse_duration_ns(const std::string& text) {
  auto d = parse_duration(text);
  if (!d) return d.error().in_context("--audit-interval");
  return d->total_seconds() * 1000000000;
}

Result<JournalRequest> journal_request(const CommandLine& cl) {
  JournalRequest r;
  r.never = cl.flag("no-journal");
  r.without_agent = cl.flag("from-journal");
  r.force_audit = cl.flag("audit");
  if (auto v = cl.value("audit-interval")) {
    GB_ASSIGN(r.audit_interval_ns, parse_duration_ns(*v));
  }
  return r;
}

}  // namespace

Result<std::optional<JournalSetup>> prepare_journal(const CommandLine& cl, const Repository& repo, const std::vector<std::string>& paths,
                                                    const std::string& host, std::string& note) {
  GB_ASSIGN(JournalRequest request, journal_request(cl));
  return prepare_journal(local_state(cl).journal_home(), request, repo, paths, host, note);
}

Status finish_journal(JournalSetup& setup, const BackupResult& result, bool quiet) {
  GB_CHECK(finish_journal(setup, result));
  if (!result.audited) return {};
  if (!result.audit_missed.empty()) {
    std::fprintf(stderr,
                 "gridbackup: AUDIT FAILED: the change journal missed %zu changes that the full scan found; this snapshot was taken by that "
                 "full scan, so it has them (exit 4; report the paths below as a journal bug):\n",
                 result.audit_missed.size());
    for (size_t i = 0; i < result.audit_missed.size() && i < 10; ++i) std::fprintf(stderr, "%s\n", result.audit_missed[i].c_str());
  } else if (!quiet) {
    std::printf("  audit: the full scan found no change the journal had missed\n");
  }
  return {};
}

AgentStatus agent_status(const AgentReport& r) {
  AgentStatus out;
  if (!r.set_up) {
    out.text = "agent:        not set up: every backup scans everything ('gridbackup agent install' sets one up)\n";
    out.json = nullptr;
    return out;
  }
  std::string roots;
  if (r.agent)
    for (const auto& root : r.agent->roots) roots += (roots.empty() ? "" : ", ") + root;
  out.text = fmt::format(
      "agent:        {}{}\n", r.running ? "running" : "NOT RUNNING (backups scan everything)",
      r.agent ? fmt::format(" ({}, pid {}, started {}, watching {})", r.agent->mode, r.agent->pid, local_time_text(r.agent->started_ns), roots) : "");
  out.text += fmt::format("journal:      {} records in {}; {} rescans pending for the next backup\n", r.records, r.journal_path, r.pending.size());
  for (size_t i = 0; i < r.pending.size() && i < 5; ++i) out.text += "              " + describe(r.pending[i].record) + "\n";
  double age_days = r.last_audit_ns ? static_cast<double>(now_ns() - *r.last_audit_ns) / 86400e9 : -1;
  if (r.audit_missed)
    out.text += fmt::format("last audit:   {:.1f} days ago, {}\n", age_days,
                            *r.audit_missed == "0" ? "the journal missed nothing" : "THE JOURNAL MISSED " + *r.audit_missed + " CHANGES");
  else
    out.text += "last audit:   none yet (the first runs a week after the agent starts, or 'backup --audit')\n";
  // audit.missed is stored as a count's decimal text.
  Json missed_count = r.audit_missed ? Json::parse(*r.audit_missed, nullptr, /*allow_exceptions=*/false) : Json();
  if (!missed_count.is_number_unsigned()) missed_count = nullptr;
  out.json = {{"running", r.running}, {"pid", r.agent ? r.agent->pid : 0},   {"roots", r.agent ? Json(r.agent->roots) : Json::array()},
              {"records", r.records}, {"pending_rescans", r.pending.size()}, {"audit_missed", missed_count}};
  return out;
}

}  // namespace gb
