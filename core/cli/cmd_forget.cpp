// gridbackup forget: tombstones snapshots, named or chosen by a retention
// policy (core/snapshot/retention.h). Nothing is deleted here: prune frees
// the space of forgotten snapshots no kept snapshot's view needs.
#include <fmt/format.h>
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <set>
#include <unordered_set>

#include "core/cli/commands.h"
#include "core/cli/count_text.h"
#include "core/cli/exit_codes.h"
#include "core/cli/json.h"
#include "core/cli/prune_step.h"
#include "core/cli/time_text.h"
#include "core/common/clock.h"
#include "core/common/number_text.h"
#include "core/snapshot/retention.h"
#include "core/snapshot/snapshot_store.h"

namespace gb {
namespace {

Result<uint64_t> keep_count(const CommandLine& cl, const std::string& name) {
  auto v = cl.value(name);
  if (!v) return uint64_t{0};
  auto n = parse_uint(*v, 1000000);
  if (!n || *n == 0) return make_error(ErrorKind::InvalidArgument, fmt::format("--{} needs a whole number from 1 to 1000000, not '{}'", name, *v));
  return *n;
}

Result<RetentionPolicy> policy_from(const CommandLine& cl) {
  RetentionPolicy p;
  GB_ASSIGN(p.keep_last, keep_count(cl, "keep-last"));
  for (const auto& v : cl.all("keep-tag")) {
    GB_ASSIGN(auto list, tag_names(v));
    if (!list.empty()) p.keep_tags.push_back(std::move(list));
  }
  GB_ASSIGN(p.keep_hourly, keep_count(cl, "keep-hourly"));
  GB_ASSIGN(p.keep_daily, keep_count(cl, "keep-daily"));
  GB_ASSIGN(p.keep_weekly, keep_count(cl, "keep-weekly"));
  GB_ASSIGN(p.keep_monthly, keep_count(cl, "keep-monthly"));
  GB_ASSIGN(p.keep_yearly, keep_count(cl, "keep-yearly"));
  if (auto v = cl.value("keep-within")) {
    auto d = parse_duration(*v);
    if (!d) return d.error().in_context("--keep-within");
    if (d->zero())
      return make_error(ErrorKind::InvalidArgument, fmt::format("--keep-within: '{}' is zero; a span that keeps something is longer", *v));
    p.keep_within = *d;
  }
  if (auto g = cl.value("group-by")) {
    if (*g == "host,paths" || *g == "paths,host")
      p.group_by_host = p.group_by_paths = true;
    else if (*g == "host")
      p.group_by_paths = false;
    else if (*g == "paths")
      p.group_by_host = false;
    else if (*g == "none" || g->empty())
      p.group_by_host = p.group_by_paths = false;
    else
      return make_error(ErrorKind::InvalidArgument, fmt::format("--group-by takes host,paths, host, paths or none, not '{}'", *g));
  }
  return p;
}

// What one group keeps (with reasons) and forgets, newest first.
struct Plan {
  std::string title;  // "host h, paths /a /b", or "" when not grouped
  std::optional<std::string> host;
  std::optional<std::vector<std::string>> paths;
  std::vector<std::pair<const Snapshot*, std::vector<std::string>>> keep;
  std::vector<const Snapshot*> forget;
};

std::string group_title(const RetentionGroup& g) {
  std::string t;
  if (g.host) t = "host " + *g.host;
  if (g.paths) {
    t += t.empty() ? "paths" : ", paths";
    for (const auto& p : *g.paths) t += " " + p;
  }
  return t.empty() ? "all snapshots" : t;
}

Json json_snapshot(const Snapshot& s, const std::vector<std::string>* reasons) {
  Json out = {{"id", s.id},    {"short_id", s.short_id()}, {"time", utc_time_text(s.time_ns)}, {"hostname", s.hostname}, {"paths", s.paths},
              {"tags", s.tags}};
  if (reasons) out["reasons"] = *reasons;
  return out;
}

// `skipped`: snapshots dated in the future, which the policy did not weigh.
// `prune_tail`: with --prune, the prune's result as the member "prune".
void print_plans(const std::vector<Plan>& plans, const std::vector<const Snapshot*>& skipped, bool json, bool dry_run, size_t kept, size_t forgotten,
                 const Json* prune_tail = nullptr) {
  if (json) {
    // The groups are written one a line, as before (the decision object is left open for them).
    std::string head = json_text({{"dry_run", dry_run}, {"kept", kept}, {"forgotten", forgotten}});
    head.pop_back();  // its closing '}'
    std::printf("%s,\"groups\":[", head.c_str());
    for (size_t i = 0; i < plans.size(); ++i) {
      const Plan& p = plans[i];
      Json group = {{"host", p.host ? Json(*p.host) : Json()},
                    {"paths", p.paths ? Json(*p.paths) : Json()},
                    {"keep", Json::array()},
                    {"forget", Json::array()}};
      for (const auto& [snapshot, reasons] : p.keep) group["keep"].push_back(json_snapshot(*snapshot, &reasons));
      for (const Snapshot* snapshot : p.forget) group["forget"].push_back(json_snapshot(*snapshot, nullptr));
      std::printf("%s\n%s", i ? "," : "", json_text(group).c_str());
    }
    Json future = Json::array();
    for (const Snapshot* snapshot : skipped) future.push_back(json_snapshot(*snapshot, nullptr));
    std::printf("\n],\"skipped\":%s%s}\n", json_text(future).c_str(), prune_tail ? (",\"prune\":" + json_text(*prune_tail)).c_str() : "");
    return;
  }
  for (const Plan& p : plans) {
    if (!p.title.empty()) std::printf("%s:\n", p.title.c_str());
    for (const auto& [s, reasons] : p.keep) {
      std::string why;
      for (const auto& r : reasons) why += (why.empty() ? "" : ", ") + r;
      std::printf("  keep    %s  %s  %s\n", s->short_id().c_str(), local_time_text(s->time_ns).c_str(), why.c_str());
    }
    for (const Snapshot* s : p.forget) {
      std::string where = p.title.empty() ? "  " + s->hostname : "";
      if (p.title.empty())
        for (const auto& path : s->paths) where += " " + path;
      std::printf("  forget  %s  %s%s\n", s->short_id().c_str(), local_time_text(s->time_ns).c_str(), where.c_str());
    }
  }
  if (skipped.empty()) return;
  std::printf(
      "dated more than 1 h after this machine's clock (a wrong clock or a forged snapshot), so the policy did not weigh them "
      "and nothing is forgotten because of them; 'gridbackup forget ID' forgets one that is not real:\n");
  for (const Snapshot* s : skipped) {
    std::string where = "  " + s->hostname;
    for (const auto& path : s->paths) where += " " + path;
    std::printf("  skip    %s  %s%s\n", s->short_id().c_str(), local_time_text(s->time_ns).c_str(), where.c_str());
  }
}

void print_summary(bool by_ids, bool dry_run, bool prune, size_t kept, size_t forgotten, size_t skipped) {
  std::string kept_text = by_ids ? "" : fmt::format(", kept {}", kept);
  if (skipped) kept_text += fmt::format(", skipped {} dated in the future", skipped);
  if (forgotten == 0)
    std::printf("nothing to forget: %s kept%s\n", counted(kept, "snapshot").c_str(),
                skipped ? fmt::format(", {} skipped (dated in the future)", skipped).c_str() : "");
  else if (dry_run)
    std::printf("dry run: would forget %s and keep %zu%s; nothing was changed\n", counted(forgotten, "snapshot").c_str(), kept,
                skipped ? fmt::format(" (skipping {} dated in the future)", skipped).c_str() : "");
  else if (prune)
    std::printf("forgot %s%s; pruning\n", counted(forgotten, "snapshot").c_str(), kept_text.c_str());
  else
    std::printf("forgot %s%s; run 'gridbackup prune' to free the space\n", counted(forgotten, "snapshot").c_str(), kept_text.c_str());
}

}  // namespace

int cmd_forget(const CommandLine& cl) {
  auto policy = policy_from(cl);
  if (!policy) return report_error(policy.error());
  // Which snapshots the policy weighs (every host's unless --host/--path/--tag narrow them).
  auto filter = snapshot_filter(cl, false);
  if (!filter) return report_error(filter.error());
  bool by_ids = !cl.args.empty();
  bool selects = !policy->empty() || filter->narrows() || cl.value("group-by");
  if (by_ids && selects)
    return report_error(
        make_error(ErrorKind::InvalidArgument, "forget takes snapshot ids or a policy (--keep-*, --host, --path, --tag, --group-by), not both"));
  if (!by_ids && policy->empty())
    return report_error(make_error(ErrorKind::InvalidArgument,
                                   "forget needs snapshot ids or at least one --keep-* rule: a policy without one would forget every snapshot"));

  for (const char* o : {"grace", "wait", "max-unused"})
    if (cl.value(o) && !cl.flag("prune"))
      return report_error(make_error(ErrorKind::InvalidArgument, fmt::format("--{} is a prune option: give --prune too", o)));

  std::unique_ptr<Repository> repo;
  if (int code = open_or_report(cl, repo, false)) return code;
  SnapshotStore store(*repo);
  auto all = store.list();
  if (!all) return report_error(all.error());

  std::vector<Plan> plans;
  std::vector<const Snapshot*> skipped;  // dated in the future: never weighed (retention.h)
  std::vector<Snapshot> named;           // by_ids: the snapshots named, in the order given
  size_t kept = 0, forgotten = 0;
  if (by_ids) {
    std::set<std::string> seen;
    for (const auto& ref : cl.args) {
      // "latest" is this host's newest snapshot (snapshot_select.h), never another machine's.
      auto s = resolve_snapshot(store, ref, SnapshotFilter{{host_name(cl)}, {}, {}});
      if (!s) return report_error(s.error());
      if (seen.insert(s->id).second) named.push_back(std::move(*s));
    }
    Plan p;
    for (const auto& s : named) p.forget.push_back(&s);
    forgotten = named.size();
    plans.push_back(std::move(p));
  } else {
    std::vector<const Snapshot*> considered;
    std::vector<RetentionCandidate> candidates;
    const int64_t now = now_ns();
    for (const Snapshot& s : *all) {
      if (!snapshot_matches(s, *filter)) continue;
      if (dated_in_future(s.time_ns, now)) {
        skipped.push_back(&s);
        continue;
      }
      considered.push_back(&s);
      candidates.push_back(RetentionCandidate{s.id, s.time_ns, s.hostname, s.paths, s.tags});
    }
    auto groups = apply_retention(*policy, candidates);
    if (!groups) return report_error(groups.error());
    for (const auto& g : *groups) {
      Plan p;
      p.title = group_title(g);
      p.host = g.host;
      p.paths = g.paths;
      for (const auto& d : g.decisions) {
        if (d.keep)
          p.keep.emplace_back(considered[d.candidate], d.reasons);
        else
          p.forget.push_back(considered[d.candidate]);
      }
      kept += p.keep.size();
      forgotten += p.forget.size();
      plans.push_back(std::move(p));
    }
  }

  bool dry_run = cl.flag("dry-run"), json = cl.flag("json"), prune = cl.flag("prune");
  Result<PruneOptions> prune_options = PruneOptions{};
  if (prune) {
    // The lock names this machine: --host here chooses snapshots.
    CommandLine machine = cl;
    machine.values.erase("host");
    prune_options = prune_options_from(cl, host_name(machine));
    if (!prune_options) return report_error(prune_options.error());
  }
  if (!(json && prune)) print_plans(plans, skipped, json, dry_run, kept, forgotten);
  std::unordered_set<std::string> forget_ids;
  for (const Plan& p : plans)
    for (const Snapshot* s : p.forget) {
      forget_ids.insert(s->id);
      if (dry_run) continue;
      if (auto done = store.forget(*s); !done)
        return report_error(make_error(done.error().kind, fmt::format("could not forget snapshot {}: {}", s->short_id(), done.error().message)));
    }
  if (prune) {
    // Our shared lock goes before prune takes the exclusive one: held, it
    // would be a process older than the plan, and the sweep would wait for
    // it (and defer) or the exclusive lock be refused.
    if (!json && !cl.flag("quiet")) print_summary(by_ids, dry_run, true, kept, forgotten, skipped.size());
    repo.reset();
    prune_options->assume_forgotten = std::move(forget_ids);
    auto r = run_prune_step(cl, *prune_options);
    if (!r) return report_error(r.error());
    if (json) {
      Json tail = prune_json(*r, *prune_options);
      print_plans(plans, skipped, json, dry_run, kept, forgotten, &tail);
    } else if (!cl.flag("quiet")) {
      print_prune_result(*r, *prune_options);
    }
    return kExitOk;
  }
  if (!json) print_summary(by_ids, dry_run, false, kept, forgotten, skipped.size());
  return kExitOk;
}

namespace {

void forget_options(CommandOptions& o) {
  o.value("keep-last", "N", "keep the N newest snapshots of each group");
  o.value("keep-hourly", "N", "keep the newest snapshot of each of the N newest hours that have one");
  o.value("keep-daily", "N", "... of days");
  o.value("keep-weekly", "N", "... of ISO weeks");
  o.value("keep-monthly", "N", "... of months");
  o.value("keep-yearly", "N", "... of years (local time)");
  o.value("keep-tag", "TAG[,TAG...]", "keep every snapshot with all these tags (repeatable: any of the lists)");
  o.value("keep-within", "DURATION", "keep everything younger than DURATION (7d, 2y5m7d3h) before the group's newest");
  o.value("group-by", "host,paths|host|paths|none", "how snapshots are grouped for the policy (default host,paths)");
  o.host_and_path();
  o.flag("dry-run", "say what would be forgotten (and with --prune what would be deleted and freed); change nothing");
  o.flag("prune", "then prune (as 'gridbackup prune' with --grace, --wait, --max-unused)");
  prune_tuning_options(o);
  o.no_progress();
  o.json("print the decision as JSON");
}

}  // namespace

const Command kForgetCommand = {"forget",
                                "[ID...]",
                                "forget snapshots by id or by policy; 'prune' frees the space",
                                forget_options,
                                cmd_forget,
                                true,
                                "A policy never weighs a snapshot dated more than 1 h after this machine's clock (a host with a\n"
                                "wrong clock, or a forged snapshot, would otherwise count as the newest and push real ones out):\n"
                                "it is listed as skipped, neither kept by a rule nor forgotten; forget it by id if it is not real.\n"};

}  // namespace gb
