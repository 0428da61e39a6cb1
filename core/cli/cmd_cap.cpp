// gridbackup cap: prints the root cap (from --cap, GRIDBACKUP_CAP or the cap
// file); `cap derive backup --host H | read | verify` prints an attenuated
// cap; `cap info [CAP]` says what a cap can do (docs/FORMAT.md, "Attenuated caps");
// `cap split` makes the recovery kit and `cap join` rebuilds the root cap
// from it (FORMAT.md, "Recovery kit").
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "core/cli/cap_policy.h"
#include "core/cli/commands.h"
#include "core/cli/exit_codes.h"
#include "core/cli/json.h"
#include "core/cli/recovery_sheet.h"
#include "core/common/clock.h"
#include "core/common/number_text.h"
#include "core/common/private_files.h"
#include "core/repository/derived_cap.h"
#include "core/repository/recovery_kit.h"

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

Result<unsigned> small_option(const CommandLine& cl, const std::string& name, unsigned fallback) {
  auto v = cl.value(name);
  if (!v) return fallback;
  auto n = parse_uint(*v, 255);
  if (!n) return n.error().in_context("--" + name);
  return static_cast<unsigned>(*n);
}

std::string today_text() {
  std::time_t t = static_cast<std::time_t>(now_ns() / 1000000000);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// Every sheet is made before the first is written, and none replaces a file:
// an old kit's sheet left beside new ones would be mixed up with them.
Status write_sheets(const std::string& dir, const std::vector<RecoveryShare>& shares) {
  std::vector<std::pair<std::string, std::string>> sheets;
  const std::string date = today_text();
  for (const auto& share : shares) {
    GB_ASSIGN(std::string text, recovery_sheet(share, date));
    std::string path = (std::filesystem::path(dir) / recovery_sheet_name(share)).string();
    std::error_code ec;
    if (std::filesystem::exists(path, ec))
      return make_error(ErrorKind::InvalidArgument,
                        fmt::format("{} already exists (an earlier kit's sheet?); give --sheets an empty directory", path));
    sheets.emplace_back(std::move(path), std::move(text));
  }
  GB_CHECK(make_private_dir(dir));
  for (const auto& [path, text] : sheets) {
    GB_ASSIGN(int fd, open_private_file(path, O_WRONLY | O_EXCL | O_CLOEXEC));
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) return make_error(ErrorKind::Io, fmt::format("cannot write the sheet {}", path));
  }
  return {};
}

int cmd_cap_split(const CommandLine& cl) {
  if (cl.args.size() != 1) return report_error(usage("usage: gridbackup cap split [--threshold K] [--shares N] [--sheets DIR]"));
  auto threshold = small_option(cl, "threshold", 3);
  if (!threshold) return report_error(threshold.error());
  auto count = small_option(cl, "shares", 5);
  if (!count) return report_error(count.error());
  auto any = load_any_cap(cl);
  if (!any) return report_error(any.error());
  if (auto* derived = std::get_if<DerivedCap>(&*any))
    return report_error(
        make_error(ErrorKind::WrongKey, fmt::format("a {} cannot be split: the recovery kit is of the root cap", cap_kind_name(derived->kind)))
            .because(Cause::CapTooWeak));
  const RootCap& root = std::get<RootCap>(*any);
  auto shares = split_root_cap(root, *threshold, *count);
  if (!shares) return report_error(shares.error());
  auto sheets = cl.value("sheets");
  if (sheets)
    if (Status st = write_sheets(*sheets, *shares); !st) return report_error(st.error());
  for (const auto& share : *shares) std::printf("%s\n", format_recovery_share(share).c_str());
  if (!cl.flag("quiet")) {
    std::fprintf(stderr, "Any %u of these %u shares rebuild the root cap (cap %s) with 'gridbackup cap join'; fewer reveal nothing.\n", *threshold,
                 *count, recovery_cap_id(root).c_str());
    if (sheets)
      std::fprintf(stderr, "One sheet per share to print is in %s (share-N-of-%u.txt, mode 0600); delete them once printed.\n", sheets->c_str(),
                   *count);
    std::fprintf(stderr, "Give each share to a different person; keep none of them with the cap.\n");
  }
  return kExitOk;
}

// Without SHARE arguments the shares come from stdin, one per line (so they
// stay out of the shell's history); on a terminal an empty line ends them.
std::vector<std::string> shares_from_stdin() {
  const bool tty = ::isatty(STDIN_FILENO);
  if (tty) std::fprintf(stderr, "Type or paste the shares, one per line; an empty line ends them:\n");
  std::vector<std::string> out;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      if (tty && !out.empty()) break;
      continue;
    }
    out.push_back(line);
  }
  return out;
}

int cmd_cap_join(const CommandLine& cl) {
  std::vector<std::string> texts(cl.args.begin() + 1, cl.args.end());
  if (texts.empty()) texts = shares_from_stdin();
  auto joined = join_root_cap(texts);
  if (!joined) return report_error(joined.error());
  for (const auto& why : joined->left_out) std::fprintf(stderr, "gridbackup: warning: %s\n", why.c_str());
  const std::string text = format_cap(joined->cap);
  // Only an explicit --cap-file is written: GRIDBACKUP_CAP_FILE names the cap in use, not where to put a new one.
  if (auto file = cl.value("cap-file")) {
    if (Status st = save_cap_file(*file, text); !st) return report_error(st.error());
    if (!cl.flag("quiet"))
      std::fprintf(stderr, "The root cap (cap %s) is saved in %s (mode 0600).\n", recovery_cap_id(joined->cap).c_str(), file->c_str());
    return kExitOk;
  }
  return print_cap(text);
}

}  // namespace

int cmd_cap(const CommandLine& cl) {
  if (cl.flag("json") && (cl.args.empty() || cl.args[0] != "info"))
    return report_error(usage("--json goes with 'cap info' only (a cap is printed as its one line)"));
  const bool split = !cl.args.empty() && cl.args[0] == "split";
  for (const char* only : {"threshold", "shares", "sheets"})
    if (cl.value(only) && !split) return report_error(usage(fmt::format("--{} goes with 'cap split' only", only)));
  if (split) return cmd_cap_split(cl);
  if (!cl.args.empty() && cl.args[0] == "derive") return cmd_cap_derive(cl);
  if (!cl.args.empty() && cl.args[0] == "info") return cmd_cap_info(cl);
  if (!cl.args.empty() && cl.args[0] == "join") return cmd_cap_join(cl);
  if (!cl.args.empty()) return report_error(usage(fmt::format("unknown cap command '{}': derive, info, split or join", cl.args[0])));
  auto cap = load_any_cap(cl);
  if (!cap) return report_error(cap.error());
  if (auto* derived = std::get_if<DerivedCap>(&*cap)) return print_cap(format_derived_cap(*derived));
  return print_cap(format_cap(std::get<RootCap>(*cap)));
}

const Command kCapCommand = {"cap",
                             "[derive backup|read|verify | info [CAP] | split | join [SHARE...]]",
                             "print the cap; derive an attenuated one; say what a cap can do; split it among friends",
                             [](CommandOptions& o) {
                               o.value("host", "HOST", "derive backup: the host the backup cap is for");
                               o.value("generation", "N", "derive backup: the host key's generation (1; one more after each revocation)");
                               o.json("info: what the cap can do as one JSON object (never the cap itself)");
                               o.value("threshold", "K", "split: how many shares rebuild the cap (3; at least 2)");
                               o.value("shares", "N", "split: how many shares to make (5; at most 255)");
                               o.value("sheets", "DIR", "split: also write one printable sheet per share into DIR (0700; sheets 0600)");
                             },
                             cmd_cap,
                             false,
                             "  gridbackup cap                          print the cap in use\n"
                             "  gridbackup cap derive backup --host H   a backup cap for host H (stores, adds H's snapshots, no delete)\n"
                             "  gridbackup cap derive read              a read cap (list and restore everything, adds nothing)\n"
                             "  gridbackup cap derive verify            a verify cap (checks and repairs, decrypts nothing)\n"
                             "  gridbackup cap info [CAP]               what a cap can and cannot do\n"
                             "  gridbackup cap split [--threshold 3 --shares 5] [--sheets DIR]\n"
                             "                                          the recovery kit: the root cap split into shares\n"
                             "                                          (Shamir's scheme); any K rebuild it, fewer reveal nothing\n"
                             "  gridbackup cap join SHARE...            the root cap from any K shares, printed, or saved 0600 in\n"
                             "                                          --cap-file F (never replacing a file); without SHARE\n"
                             "                                          arguments one share per line from stdin\n"
                             "Derived caps are refused (exit 13) by commands they may not run; this version opens\n"
                             "repositories with the root cap only (docs/FORMAT.md, \"Attenuated caps\").\n"
                             "A share holds its kit's threshold, its number, the cap's id and check digits: join names\n"
                             "a mistyped share (exit 11), and refuses too few shares (\"3 of 5 shares needed, 2 given\"),\n"
                             "a share given twice and shares of two caps or two splits (exit 2). docs/FORMAT.md,\n"
                             "\"Recovery kit\".\n"};

}  // namespace gb
