// gridbackup cap: prints the root cap (from --cap, GRIDBACKUP_CAP or the cap
// file); `cap derive backup --host H | read | verify` prints an attenuated
// cap; `cap info [CAP]` says what a cap can do (docs/FORMAT.md, "Attenuated caps").
#include <fmt/format.h>

#include <cstdio>

#include "core/cli/cap_policy.h"
#include "core/cli/commands.h"
#include "core/cli/exit_codes.h"
#include "core/cli/json.h"
#include "core/common/number_text.h"
#include "core/repository/derived_cap.h"

namespace gb {
namespace {

Error usage(const std::string& why) { return make_error(ErrorKind::InvalidArgument, why + " (see 'gridbackup cap --help')"); }

Error derive_refused(CapKind have, const std::string& want) {
  return make_error(ErrorKind::WrongKey, fmt::format("a {} cannot derive a {} cap: only the root cap can", cap_kind_name(have), want))
      .because(Cause::CapTooWeak);
}

int print_cap(const std::string& text) {
  std::printf("%s\n", text.c_str());
  return kExitOk;
}

int cmd_cap_derive(const CommandLine& cl) {
  if (cl.args.size() != 2) return report_error(usage("usage: gridbackup cap derive backup --host HOST | read | verify"));
  const std::string& want = cl.args[1];
  if (want != "backup" && want != "read" && want != "verify")
    return report_error(usage(fmt::format("there is no '{}' cap to derive: backup, read or verify", want)));
  if (cl.value("host") && want != "backup") return report_error(usage("--host goes with 'cap derive backup' only"));
  auto any = load_any_cap(cl);
  if (!any) return report_error(any.error());
  // A read cap holds the verify cap's secret below its own; nothing else
  // derives from a derived cap (FORMAT.md, the key diagram).
  if (auto* derived = std::get_if<DerivedCap>(&*any)) {
    if (derived->kind == CapKind::Read && want == "verify") return print_cap(format_derived_cap(derive_verify_cap(*derived)));
    return report_error(derive_refused(derived->kind, want));
  }
  const RootCap& root = std::get<RootCap>(*any);
  if (want == "read") return print_cap(format_derived_cap(derive_read_cap(root)));
  if (want == "verify") return print_cap(format_derived_cap(derive_verify_cap(root)));
  auto host = cl.value("host");
  if (!host) return report_error(usage("a backup cap is for one host: give --host HOST"));
  uint32_t generation = 1;
  if (auto g = cl.value("generation")) {
    auto n = parse_uint(*g, UINT32_MAX);
    if (!n) return report_error(n.error().in_context("--generation"));
    generation = static_cast<uint32_t>(*n);
  }
  auto cap = derive_backup_cap(root, *host, generation);
  if (!cap) return report_error(cap.error());
  return print_cap(format_derived_cap(*cap));
}

int cmd_cap_info(const CommandLine& cl) {
  if (cl.args.size() > 2) return report_error(usage("usage: gridbackup cap info [CAP]"));
  auto cap = cl.args.size() == 2 ? parse_any_cap(cl.args[1]) : load_any_cap(cl);
  if (!cap) return report_error(cap.error());
  if (cl.flag("json")) {
    // What the text says, as fields; no secret and no URL (it may hold a password).
    static constexpr const char* kinds[] = {"root", "backup", "read", "verify"};
    const CapKind kind = kind_of(*cap);
    const auto* derived = std::get_if<DerivedCap>(&*cap);
    const bool backup = derived && derived->kind == CapKind::Backup;
    Json may_run = Json::array();
    for (const Command* c :
         {&kInitCommand, &kBackupCommand, &kUploadCommand,   &kStatusCommand, &kSnapshotsCommand, &kLsCommand,    &kTagCommand,     &kForgetCommand,
          &kDiffCommand, &kFindCommand,   &kVersionsCommand, &kDumpCommand,   &kStatsCommand,     &kMountCommand, &kRestoreCommand, &kVerifyCommand,
          &kCapCommand,  &kUnlockCommand, &kPruneCommand,    &kGridCommand,   &kRepairCommand,    &kAgentCommand, &kConfigCommand,  &kServiceCommand})
      if (cap_may_run(kind, c->name)) may_run.push_back(c->name);
    Json out = {{"kind", kinds[static_cast<int>(kind)]},
                {"host", backup ? Json(derived->host) : Json()},
                {"generation", backup ? Json(derived->generation) : Json()},
                {"opens_repositories", kind == CapKind::Root},
                {"may_run", may_run},
                {"description", describe_cap(*cap)}};
    std::printf("%s\n", json_text(out).c_str());
    return kExitOk;
  }
  std::fputs(describe_cap(*cap).c_str(), stdout);
  return kExitOk;
}

}  // namespace

int cmd_cap(const CommandLine& cl) {
  if (cl.flag("json") && (cl.args.empty() || cl.args[0] != "info"))
    return report_error(usage("--json goes with 'cap info' only (a cap is printed as its one line)"));
  if (!cl.args.empty() && cl.args[0] == "derive") return cmd_cap_derive(cl);
  if (!cl.args.empty() && cl.args[0] == "info") return cmd_cap_info(cl);
  if (!cl.args.empty()) return report_error(usage(fmt::format("unknown cap command '{}': derive or info", cl.args[0])));
  auto cap = load_any_cap(cl);
  if (!cap) return report_error(cap.error());
  if (auto* derived = std::get_if<DerivedCap>(&*cap)) return print_cap(format_derived_cap(*derived));
  return print_cap(format_cap(std::get<RootCap>(*cap)));
}

const Command kCapCommand = {"cap",
                             "[derive backup|read|verify | info [CAP]]",
                             "print the cap; derive an attenuated one; say what a cap can do",
                             [](CommandOptions& o) {
                               o.value("host", "HOST", "derive backup: the host the backup cap is for");
                               o.value("generation", "N", "derive backup: the host key's generation (1; one more after each revocation)");
                               o.json("info: what the cap can do as one JSON object (never the cap itself)");
                             },
                             cmd_cap,
                             false,
                             "  gridbackup cap                          print the cap in use\n"
                             "  gridbackup cap derive backup --host H   a backup cap for host H (stores, adds H's snapshots, no delete)\n"
                             "  gridbackup cap derive read              a read cap (list and restore everything, adds nothing)\n"
                             "  gridbackup cap derive verify            a verify cap (checks and repairs, decrypts nothing)\n"
                             "  gridbackup cap info [CAP]               what a cap can and cannot do\n"
                             "Derived caps are refused (exit 13) by commands they may not run; this version opens\n"
                             "repositories with the root cap only (docs/FORMAT.md, \"Attenuated caps\").\n"};

}  // namespace gb
