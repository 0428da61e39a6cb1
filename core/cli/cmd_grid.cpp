// gridbackup grid ...: the grid's own commands (verify, repair, add, retire,
// status, suggest-k). They work on shares, below the repository, so they
// need the grid URL (from --repo, GRIDBACKUP_REPO or the cap) but no key.
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/cli/commands.h"
#include "core/cli/exit_codes.h"
#include "core/cli/grid_status.h"
#include "core/cli/json.h"
#include "core/cli/progress_line.h"
#include "core/common/number_text.h"
#include "core/common/posix_error.h"
#include "core/common/private_files.h"
#include "core/connect/open_backend.h"
#include "core/crypto/sha256.h"
#include "core/grid/durability.h"
#include "core/grid/grid_backend.h"
#include "core/grid/grid_repair.h"

namespace gb {
namespace {

constexpr const char* kGridUsage = R"(usage: gridbackup grid COMMAND
  verify [--limit N] [--restart] [--verbose] [--json]
                     per object: how many good shares exist and where
  repair [--limit N] [--restart]
                     rebuild missing or damaged shares onto healthy members
                     (also: gridbackup repair)
  status             the code, the members and whether each is reachable
  add URL [--id ID]  add a member (new objects use it; prints the new cap)
  retire ID|URL      move the member's shares to the others, then drop it
  suggest-k --n N --availability P --durability D
                     the largest k such that an object stays readable with
                     probability D when each of N members is up with probability P
verify, repair and retire are incremental and resumable: --limit N stops after
N objects and the next run continues where it stopped; --restart starts over.
)";

Error usage(const std::string& why) { return make_error(ErrorKind::InvalidArgument, why + " (see 'gridbackup grid help')"); }

// The grid's URL and, when there is one, the cap it came with.
struct GridTarget {
  std::string url;
  std::optional<RootCap> cap;
  bool cap_from_file = false;
};

Result<GridTarget> grid_target(const CommandLine& cl) {
  GridTarget t;
  auto cap = load_cap(cl);
  if (cap) {
    t.cap = *cap;
    const char* env_cap = std::getenv("GRIDBACKUP_CAP");
    t.cap_from_file = !cl.value("cap") && !(env_cap && *env_cap);  // as load_cap decides
  }
  if (auto v = cl.value("repo"))
    t.url = *v;
  else if (const char* e = std::getenv("GRIDBACKUP_REPO"); e && *e)
    t.url = e;
  else if (cap)
    t.url = cap->url;
  else
    return cap.error();
  if (!is_grid_url(t.url))
    return make_error(ErrorKind::InvalidArgument, fmt::format("the repository {} is not a grid (grid commands need a grid: repository URL)", t.url));
  return t;
}

Result<uint64_t> limit_option(const CommandLine& cl) {
  auto v = cl.value("limit");
  if (!v) return uint64_t{0};
  auto n = parse_uint(*v);
  if (!n || *n == 0)
    return make_error(ErrorKind::InvalidArgument, fmt::format("--limit needs a whole number of objects of at least 1, not '{}'", *v));
  return *n;
}

// Progress files live in the state dir, one directory per grid.
Result<std::string> cursor_file(const CommandLine& cl, const std::string& url, const std::string& what) {
  return local_state(cl).grid_cursor(url, what);
}

std::string where(const ShareStore& grid, const ObjectHealth& h) {
  std::string good, other;
  for (const auto& s : h.shares) {
    const std::string& id = grid.member_info(s.member).id;
    if (s.kind == ShareState::Good) {
      good += fmt::format("{}{}:s{}", good.empty() ? "" : " ", id, s.index);
      continue;
    }
    const char* what = s.kind == ShareState::Damaged ? "damaged" : s.kind == ShareState::Stale ? "stale" : "unreadable";
    other += fmt::format("; {}:s{} {} ({})", id, s.index, what, s.problem);
  }
  for (size_t m : h.unreachable) other += fmt::format("; {} unreachable", grid.member_info(m).id);
  return fmt::format("[{}]{}", good, other);
}

std::string health_line(const ShareStore& grid, const ObjectHealth& h) {
  const char* state = !h.readable ? "UNREADABLE" : h.healthy() ? "ok" : "under-replicated";
  return fmt::format("{}: {}, {} of {} good shares on {} members {}", h.name, state, h.good, h.n, h.spread, where(grid, h));
}

Json health_json(const ShareStore& grid, const ObjectHealth& h) {
  Json shares = Json::array();
  for (const auto& s : h.shares) {
    const char* kind = s.kind == ShareState::Good      ? "good"
                       : s.kind == ShareState::Damaged ? "damaged"
                       : s.kind == ShareState::Stale   ? "stale"
                                                       : "unreadable";
    Json share = {{"member", grid.member_info(s.member).id}, {"index", s.index}, {"state", kind}};
    if (!s.problem.empty()) share["problem"] = s.problem;
    shares.push_back(std::move(share));
  }
  return {{"name", h.name},
          {"length", h.length},
          {"k", h.k},
          {"n", h.n},
          {"good", h.good},
          {"spread", h.spread},
          {"readable", h.readable},
          {"healthy", h.healthy()},
          {"shares", std::move(shares)}};
}

int pass_exit_code(const GridPassSummary& s) {
  if (s.unreadable) return kExitDamaged;
  if (s.degraded) return kExitPartial;
  return kExitOk;
}

void print_summary(const ShareStore& grid, const GridPassSummary& s, const char* verb) {
  const GridConfig& c = grid.config();
  for (const auto& m : s.unreachable_members) std::fprintf(stderr, "unreachable: %s\n", m.c_str());
  if (!s.resumed_after.empty()) std::printf("continued after %s\n", s.resumed_after.c_str());
  std::printf("%s %llu objects of the %d-of-%d grid over %zu members: %llu healthy, %llu under-replicated, %llu unreadable", verb,
              (unsigned long long)s.objects, c.k, c.n, grid.member_count(), (unsigned long long)s.healthy, (unsigned long long)s.degraded,
              (unsigned long long)s.unreadable);
  if (s.shares_written || s.shares_removed)
    std::printf("; %llu shares written, %llu removed", (unsigned long long)s.shares_written, (unsigned long long)s.shares_removed);
  std::printf("\n");
  if (s.marked) std::printf("%llu objects are recorded as under-replicated at upload\n", (unsigned long long)s.marked);
  if (!s.finished) std::printf("stopped before the end (--limit); run again to continue\n");
}

int run_pass(const CommandLine& cl, bool repair) {
  auto target = grid_target(cl);
  if (!target) return report_error(target.error());
  auto grid = open_grid(target->url);
  if (!grid) return report_error(grid.error());
  auto limit = limit_option(cl);
  if (!limit) return report_error(limit.error());
  auto cursor = cursor_file(cl, target->url, repair ? "repair" : "verify");
  if (!cursor) return report_error(cursor.error());
  GridPassOptions options;
  options.repair = repair;
  options.cursor_file = *cursor;
  options.limit = *limit;
  options.restart = cl.flag("restart");
  const bool json = cl.flag("json"), verbose = cl.flag("verbose");
  Json objects_json = Json::array();
  std::atomic<uint64_t> done{0};
  options.report = [&](const ObjectHealth& before, const RepairOutcome* outcome) {
    ++done;
    const ObjectHealth& now = outcome ? outcome->after : before;
    if (json) {
      objects_json.push_back(health_json((*grid)->shares(), now));
      return;
    }
    if (outcome && (outcome->shares_written || outcome->shares_removed))
      std::printf("repaired %s: %d shares written, %d removed; was %s\n", before.name.c_str(), outcome->shares_written, outcome->shares_removed,
                  health_line((*grid)->shares(), before).c_str());
    if (outcome)
      for (const auto& p : outcome->problems) std::fprintf(stderr, "problem: %s: %s\n", before.name.c_str(), p.c_str());
    if (verbose || !now.healthy()) std::printf("%s\n", health_line((*grid)->shares(), now).c_str());
  };
  Result<GridPassSummary> summary = make_error(ErrorKind::Io, "the pass did not run");
  {
    ProgressLine line(!json && !cl.flag("quiet") && !cl.flag("no-progress"),
                      [&] { return fmt::format("{} objects {}", done.load(), repair ? "checked and repaired" : "checked"); });
    summary = run_grid_pass((*grid)->shares(), options);
  }
  if (!summary) return report_error(summary.error());
  const GridPassSummary& s = *summary;
  if (json) {
    Json summary_json = {{"objects", s.objects},
                         {"healthy", s.healthy},
                         {"under_replicated", s.degraded},
                         {"unreadable", s.unreadable},
                         {"shares_written", s.shares_written},
                         {"shares_removed", s.shares_removed},
                         {"marked", s.marked},
                         {"unreachable_members", s.unreachable_members.size()},
                         {"finished", s.finished}};
    std::printf("%s\n", json_text({{"objects", std::move(objects_json)}, {"summary", std::move(summary_json)}}).c_str());
  } else {
    print_summary((*grid)->shares(), s, repair ? "repaired" : "verified");
  }
  int code = pass_exit_code(s);
  if (code == kExitDamaged)
    std::fprintf(stderr, "gridbackup: %llu objects have fewer than k good shares and cannot be rebuilt\n", (unsigned long long)s.unreadable);
  else if (code == kExitPartial && !json)
    std::fprintf(stderr, "gridbackup: %llu objects have fewer than n good shares on n members%s\n", (unsigned long long)s.degraded,
                 repair ? " (members unreachable or failing?)" : "; 'gridbackup repair' rebuilds them");
  return code;
}

// Replaces the cap file atomically (0600): the secret stays, the URL changes.
Status replace_cap_file(const std::string& path, const std::string& cap) {
  std::string tmp = path + ".new";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return posix_error(fmt::format("cannot write {}", tmp), errno);
  std::string text = cap + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return make_error(ErrorKind::Io, fmt::format("cannot replace the cap file {}", path));
  }
  return {};
}

// The grid has a new URL: the cap changes with it (its check covers the URL).
int announce_new_url(const CommandLine& cl, const GridTarget& t, const std::string& url, const std::string& what) {
  if (!t.cap) {
    std::fprintf(stderr, "%s. The grid's new URL (use it with --repo):\n", what.c_str());
    std::printf("%s\n", url.c_str());
    return kExitOk;
  }
  std::string cap = format_cap(RootCap{t.cap->master, url});
  if (t.cap_from_file) {
    std::string file = cap_file(cl);
    if (Status st = replace_cap_file(file, cap); !st) {
      std::fprintf(stderr, "%s, but the cap file could not be updated: %s\nThe new cap:\n", what.c_str(), st.error().message.c_str());
      std::printf("%s\n", cap.c_str());
      return kExitError;
    }
    std::fprintf(stderr, "%s. The cap file %s now holds the new root cap; keep a copy of it:\n", what.c_str(), file.c_str());
  } else {
    std::fprintf(stderr, "%s. The new root cap (the old one still works with --repo and the new URL):\n", what.c_str());
  }
  std::printf("%s\n", cap.c_str());
  return kExitOk;
}

int cmd_grid_add(const CommandLine& cl) {
  if (cl.args.size() != 2) return report_error(usage("usage: gridbackup grid add URL [--id ID]"));
  auto target = grid_target(cl);
  if (!target) return report_error(target.error());
  auto config = GridConfig::parse(target->url);
  if (!config) return report_error(config.error());
  const std::string& url = cl.args[1];
  std::string id = cl.value("id").value_or(url);
  config->members.push_back(GridMember{id, url});
  std::string new_url = config->format();
  auto check = GridConfig::parse(new_url);  // catches duplicates, bad ids, nested grids
  if (!check) return report_error(check.error());
  auto member = open_backend(url);
  if (!member) return report_error(member.error());
  if (Status st = (*member)->create(); !st)
    return report_error(make_error(st.error().kind, "the new member cannot be prepared: " + st.error().message));
  return announce_new_url(cl, *target, new_url,
                          fmt::format("Added member {} (new objects are placed on it; existing shares stay where they are)", id));
}

int cmd_grid_retire(const CommandLine& cl) {
  if (cl.args.size() != 2) return report_error(usage("usage: gridbackup grid retire ID|URL"));
  auto target = grid_target(cl);
  if (!target) return report_error(target.error());
  auto grid = open_grid(target->url);
  if (!grid) return report_error(grid.error());
  GridConfig config = (*grid)->shares().config();
  int m = config.find_member(cl.args[1]);
  if (m < 0) return report_error(make_error(ErrorKind::InvalidArgument, fmt::format("the grid has no member '{}'", cl.args[1])));
  if (static_cast<int>(config.members.size()) - 1 < config.n)
    return report_error(
        make_error(ErrorKind::InvalidArgument, fmt::format("retiring {} would leave {} members for objects of n={} shares; add a member first",
                                                           config.members[m].id, config.members.size() - 1, config.n)));
  auto limit = limit_option(cl);
  if (!limit) return report_error(limit.error());
  auto cursor = cursor_file(cl, target->url, "retire-" + to_hex(sha256(as_bytes(config.members[m].id))).substr(0, 8));
  if (!cursor) return report_error(cursor.error());
  GridPassOptions options;
  options.repair = true;
  options.retiring = static_cast<size_t>(m);
  options.cursor_file = *cursor;
  options.limit = *limit;
  options.restart = cl.flag("restart");
  options.report = [&](const ObjectHealth& before, const RepairOutcome* outcome) {
    if (outcome)
      for (const auto& p : outcome->problems) std::fprintf(stderr, "problem: %s: %s\n", before.name.c_str(), p.c_str());
    if (cl.flag("verbose")) std::printf("%s\n", health_line((*grid)->shares(), outcome ? outcome->after : before).c_str());
  };
  auto summary = run_grid_pass((*grid)->shares(), options);
  if (!summary) return report_error(summary.error());
  print_summary((*grid)->shares(), *summary, "moved shares of");
  if (!summary->finished) return kExitPartial;
  // The member may be dropped only when nothing is left on it (or, when it
  // cannot be reached, when every object is whole without it).
  auto left = (*grid)->shares().list_shares("", {static_cast<size_t>(m)}, true);
  bool reachable = left.failed.empty();
  if ((reachable && !left.shares.empty()) || (!reachable && (summary->degraded || summary->unreadable))) {
    return report_error(
        make_error(ErrorKind::Transient,
                   fmt::format("member {} still holds shares that could not be moved elsewhere ({} objects); "
                               "run 'gridbackup grid retire {}' again",
                               config.members[m].id, reachable ? left.shares.size() : summary->degraded + summary->unreadable, cl.args[1])));
  }
  config.members.erase(config.members.begin() + m);
  return announce_new_url(cl, *target, config.format(), fmt::format("Retired member {}", cl.args[1]));
}

int cmd_grid_status(const CommandLine& cl) {
  auto target = grid_target(cl);
  if (!target) return report_error(target.error());
  auto g = read_grid_status(target->url);
  if (!g) return report_error(g.error());
  if (cl.flag("json")) {
    std::printf("%s\n", json_text(grid_status_json(*g)).c_str());
  } else {
    std::printf("grid: k=%d of n=%d shares per object, happy=%d, %zu members\n", g->k, g->n, g->happy, g->members.size());
    for (const auto& m : g->members) std::printf("  %s%s  %s\n", m.id.c_str(), m.id == m.url ? "" : (" = " + m.url).c_str(), m.state.c_str());
    if (g->under_replicated.value_or(0))
      std::printf("%zu objects are recorded as under-replicated at upload: run 'gridbackup repair'\n", *g->under_replicated);
  }
  return g->members_down ? kExitPartial : kExitOk;
}

Result<double> probability_option(const CommandLine& cl, const std::string& name) {
  auto v = cl.value(name);
  if (!v) return make_error(ErrorKind::InvalidArgument, fmt::format("suggest-k needs --{} (a probability such as 0.99 or 99%)", name));
  std::string text = *v;
  bool percent = !text.empty() && text.back() == '%';
  if (percent) text.pop_back();
  char* end = nullptr;
  double p = std::strtod(text.c_str(), &end);
  if (text.empty() || *end || !std::isfinite(p)) p = -1;
  if (percent) p /= 100;
  if (!(p > 0 && p <= 1))
    return make_error(ErrorKind::InvalidArgument, fmt::format("--{} must be a probability above 0 and at most 1, not '{}'", name, *v));
  return p;
}

int cmd_grid_suggest_k(const CommandLine& cl) {
  auto n_text = cl.value("n");
  auto parsed = n_text ? parse_uint(*n_text, ErasureCode::kMaxShares) : Result<uint64_t>(uint64_t{0});
  int n = parsed ? static_cast<int>(*parsed) : 0;
  if (!n_text || n < 1 || std::to_string(n) != *n_text)
    return report_error(
        make_error(ErrorKind::InvalidArgument, fmt::format("suggest-k needs --n, the number of members (1 to {})", ErasureCode::kMaxShares)));
  auto p = probability_option(cl, "availability");
  if (!p) return report_error(p.error());
  auto target = probability_option(cl, "durability");
  if (!target) return report_error(target.error());
  std::printf("n=%d members, each up with probability %g; target: an object readable with probability %g\n", n, *p, *target);
  std::printf("  k  stored  P(readable)        P(unreadable)\n");
  for (int k = n; k >= 1; --k) {
    double bad = probability_unreadable(k, n, *p);
    std::printf("%3d  %5.2fx  %.12f  %.3g\n", k, static_cast<double>(n) / k, 1 - bad, bad);
  }
  auto k = suggest_k(n, *p, *target);
  if (!k) {
    std::fprintf(stderr, "gridbackup: no k reaches %g with %d members up with probability %g each: add members or pick more reliable ones\n", *target,
                 n, *p);
    return kExitError;
  }
  std::printf("suggested: k=%d (grid:k=%d|... with %d members stores %.2fx the data)\n", *k, *k, n, static_cast<double>(n) / *k);
  return kExitOk;
}

}  // namespace

int cmd_grid(const CommandLine& cl) {
  std::string sub = cl.args.empty() ? "" : cl.args[0];
  if (sub.empty() || sub == "help" || cl.flag("help")) {
    std::fputs(kGridUsage, sub.empty() && !cl.flag("help") ? stderr : stdout);
    return sub.empty() && !cl.flag("help") ? kExitUsage : kExitOk;
  }
  if ((sub == "verify" || sub == "repair" || sub == "status") && cl.args.size() != 1)
    return report_error(usage(fmt::format("grid {} takes no arguments", sub)));
  if (sub == "verify") return run_pass(cl, false);
  if (sub == "repair") return run_pass(cl, true);
  if (sub == "status") return cmd_grid_status(cl);
  if (sub == "add") return cmd_grid_add(cl);
  if (sub == "retire") return cmd_grid_retire(cl);
  if (sub == "suggest-k") return cmd_grid_suggest_k(cl);
  return report_error(usage(fmt::format("unknown grid command '{}'", sub)));
}

int cmd_repair(const CommandLine& cl) {
  if (!cl.args.empty()) return report_error(usage("gridbackup repair takes no arguments"));
  return run_pass(cl, true);
}

namespace {

void grid_options(CommandOptions& o) {
  o.value("limit", "N", "verify, repair, retire: stop after N objects (the next run continues)");
  o.flag("restart", "verify, repair, retire: start over rather than continue");
  o.value("id", "ID", "add: the new member's id");
  o.value("n", "N", "suggest-k: the number of members");
  o.value("availability", "P", "suggest-k: the probability that a member is up");
  o.value("durability", "D", "suggest-k: the probability wanted that an object stays readable");
  o.verbose("verify, repair: every object's line, not only those short of shares; retire: each object moved");
  o.json("verify, status: JSON output");
  o.no_progress();
}

}  // namespace

const Command kGridCommand = {"grid",
                              "verify|repair|status|add|retire|suggest-k",
                              "the grid backend (grid:k=K|URL|URL|...): share health, repair, members, choosing k",
                              grid_options,
                              cmd_grid,
                              false,
                              kGridUsage};

const Command kRepairCommand = {"repair", "", "rebuild missing or damaged grid shares (= grid repair)",
                                [](CommandOptions& o) {
                                  o.value("limit", "N", "stop after N objects (the next run continues)");
                                  o.flag("restart", "start over rather than continue");
                                  o.verbose("every object's line, not only those short of shares");
                                  o.json("JSON output");
                                  o.no_progress();
                                },
                                cmd_repair};

}  // namespace gb
