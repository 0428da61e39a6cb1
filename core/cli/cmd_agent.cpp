// `gridbackup agent ...`: run the change-journal agent, look at it and its
// journal, and install it as a systemd service. Built into the gridbackup
// binary only (it links the agent library, which links the core).
#include <unistd.h>

#include <fmt/format.h>
#include <cstdio>

#include "agents/linux/agent_daemon.h"
#include "agents/linux/agent_install.h"
#include "core/cli/commands.h"
#include "core/cli/exit_codes.h"
#include "core/cli/journal_step.h"
#include "core/cli/json.h"
#include "core/common/number_text.h"
#include "core/fs/file_system.h"
#include "core/journal/change_journal.h"
#include "core/journal/spool_import.h"

namespace gb {
namespace {

constexpr const char* kAgentUsage = R"(Usage: gridbackup agent COMMAND [OPTIONS]

  run [--state-dir D] [--record FILE] [--roots-file F] ROOT...
              watch ROOTs (fanotify) and append their changes to the change
              journal in D until SIGTERM; --record also saves the raw events
              (gridbackup-replay print|play reads them). Needs CAP_SYS_ADMIN.
  status [--json]
              the agent (running or not), its roots, the journal's records,
              the rescans the next backups will do, and the last audit
  journal [--since SEQ]
              print the journal's change records after SEQ, one per line
  install [--unit-dir DIR] [--config-dir DIR] [--no-start] ROOT...
              write the systemd unit (default /etc/systemd/system) and the
              roots file (default /etc/gridbackup/agent.conf), then enable and
              start the unit unless --no-start
  uninstall [--unit-dir DIR] [--config-dir DIR] [--no-start]
              stop and remove the unit and the roots file
)";

int agent_run(const CommandLine& cl) {
  AgentOptions o;
  o.roots = cl.args;
  if (auto f = cl.value("roots-file")) {
    auto listed = read_roots_file(*f);
    if (!listed) return report_error(listed.error());
    o.roots.insert(o.roots.end(), listed->begin(), listed->end());
  }
  o.state_dir = local_state(cl).dir();
  o.record_path = cl.value("record").value_or("");
  o.bounded_queue = cl.flag("bounded-queue");
  auto done = run_agent(o);
  return done ? kExitOk : report_error(done.error());
}

// The same report as `gridbackup status` gives, for every repository this
// state dir's backups go to (no cap needed).
int agent_status(const CommandLine& cl) {
  auto report = agent_report(local_state(cl), std::nullopt);
  if (!report) return report_error(report.error());
  auto status = gb::agent_status(*report);
  if (cl.flag("json"))
    std::printf("%s\n", json_text(status.json).c_str());
  else
    std::fputs(status.text.c_str(), stdout);
  return kExitOk;
}

int agent_journal(const CommandLine& cl) {
  auto journal = local_state(cl).existing_journal();
  if (!journal) return report_error(journal.error());
  int64_t after = 0;
  if (auto s = cl.value("since")) {
    auto seq = parse_int(*s);
    if (!seq) return report_error(make_error(ErrorKind::InvalidArgument, fmt::format("--since wants a journal seq number, not '{}'", *s)));
    after = *seq;
  }
  for (;;) {
    auto rows = (*journal)->read_since(after, 10000);
    if (!rows) return report_error(rows.error());
    if (rows->empty()) break;
    for (const auto& row : *rows) std::printf("%lld %s\n", static_cast<long long>(row.seq), describe(row.record).c_str());
    after = rows->back().seq;
  }
  return kExitOk;
}

// Reads a change spool (the Windows agent's hand-over; change_spool.h) into
// the journal of --state-dir.
int agent_import(const CommandLine& cl) {
  if (cl.args.size() != 1) return report_error(make_error(ErrorKind::InvalidArgument, "usage: gridbackup agent import SPOOL_DIR [--state-dir D]"));
  auto journal = local_state(cl).open_journal();
  if (!journal) return report_error(journal.error());
  auto n = import_spool(**journal, cl.args[0]);
  if (!n) return report_error(n.error());
  // No daemon of ours runs beside a spool-fed journal to trim it.
  if (Status st = (*journal)->trim(); !st) return report_error(st.error());
  std::printf("%zu change records imported from %s\n", *n, cl.args[0].c_str());
  return kExitOk;
}

int agent_install_or_uninstall(const CommandLine& cl, bool install) {
  AgentInstallOptions o;
  if (auto v = cl.value("unit-dir")) o.unit_dir = *v;
  if (auto v = cl.value("config-dir")) o.config_dir = *v;
  o.start = !cl.flag("no-start");
  std::vector<std::string> said;
  Status done;
  if (install) {
    auto roots = canonical_roots(cl.args);
    if (!roots) return report_error(roots.error());
    o.roots = *roots;
    o.binary = fs::executable_path();
    if (o.binary.empty()) o.binary = "/usr/local/bin/gridbackup";
    done = install_agent(o, said);
  } else {
    done = uninstall_agent(o, said);
  }
  for (const auto& line : said) std::printf("%s\n", line.c_str());
  return done ? kExitOk : report_error(done.error());
}

}  // namespace

int cmd_agent(const CommandLine& cl) {
  std::string sub = cl.args.empty() ? "" : cl.args[0];
  CommandLine rest = cl;
  if (!rest.args.empty()) rest.args.erase(rest.args.begin());
  if (sub == "run") return agent_run(rest);
  if (sub == "status") return agent_status(rest);
  if (sub == "journal") return agent_journal(rest);
  if (sub == "import") return agent_import(rest);
  if (sub == "install") return agent_install_or_uninstall(rest, true);
  if (sub == "uninstall") return agent_install_or_uninstall(rest, false);
  if (sub.empty() || sub == "help") {
    std::fputs(kAgentUsage, stdout);
    return sub.empty() ? kExitUsage : kExitOk;
  }
  return report_error(make_error(ErrorKind::InvalidArgument, fmt::format("unknown agent command '{}' (see 'gridbackup agent help')", sub)));
}

namespace {

void agent_options(CommandOptions& o) {
  o.value("record", "FILE", "run: also save the raw events (gridbackup-replay print|play reads them)");
  o.value("roots-file", "FILE", "run: the roots to watch, one a line");
  o.flag("bounded-queue", "run: a bounded event queue (the kernel may drop events: then rescans)");
  o.value("since", "SEQ", "journal: the records after SEQ");
  o.value("unit-dir", "DIR", "install, uninstall: the systemd unit's directory (default /etc/systemd/system)");
  o.value("config-dir", "DIR", "install, uninstall: the roots file's directory (default /etc/gridbackup)");
  o.flag("no-start", "install, uninstall: do not start or stop the unit");
  o.json("status: the agent as one JSON object (null when none was ever set up; docs/JSON.md)");
}

}  // namespace

const Command kAgentCommand = {"agent",    "run|status|journal|install|uninstall", "the change-journal agent", agent_options, cmd_agent, false,
                               kAgentUsage};

}  // namespace gb
