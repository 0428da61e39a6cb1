#!/usr/bin/python3
"""Turn the raw figures that scripts/bench collected into tables and JSON.

usage: report.py RESULTS_TSV META_TSV JSON_OUT

RESULTS_TSV rows: scenario <TAB> tool <TAB> key <TAB> value
  tool "-" holds scenario-level facts (description, dataset size, ...).
META_TSV rows:    key <TAB> value   (run-level facts: time, host, commit, ...)

Prints the raw table, the GridBackup/peer ratio table and the issue's goals
per scenario; writes everything to JSON_OUT.  Exit status 0.

A scenario picks its columns with `scen_info metrics NAME` (METRIC_SETS; default
baseline) and its goals with `scen_info goals issueN` (issue2: baseline,
issue3: edits, issue5: s3, issue8: prune -- ratios only, issue14: progress, issue15: service). `scen_info note TEXT` is printed under the title.
"""

import json
import sys

GB = "gridbackup"
PEERS = ("restic", "borg", "duplicity")

# (key, column title, kind) -- kind drives formatting and ratio computation
METRICS = [
    ("backup_s", "backup s", "time"),
    ("backup_rss_kb", "backup RSS MiB", "rss"),
    ("nochange_s", "no-change s", "time"),
    ("nochange_rss_kb", "no-change RSS MiB", "rss"),
    ("repo_bytes", "repo MiB", "size"),
    ("restore_s", "restore s", "time"),
    ("restore_rss_kb", "restore RSS MiB", "rss"),
]
# scenario `edits` (issue 3): a backup, deterministic edits, a backup of the
# change. GridBackup commits the snapshot (backup --no-upload: commit_s) and
# uploads (upload_s); peers run their normal incremental backup (change_s).
# added_bytes = repository size after the change - before (du -sb).
EDITS_METRICS = [
    ("backup_s", "backup s", "time"),
    ("repo_before_bytes", "repo before MiB", "size"),
    ("commit_s", "commit s", "time"),
    ("upload_s", "upload s", "time"),
    ("change_s", "change s", "time"),
    ("change_rss_kb", "change RSS MiB", "rss"),
    ("added_bytes", "added KiB", "kib"),
    ("repo_bytes", "repo after MiB", "size"),
    ("restore_s", "restore s", "time"),
]
# scenario `s3` (issue 5): backup and restore through S3 to Swift, the big
# file and the small-file tree each in a repository of its own; MiB/s is the
# part's file content per second of wall time; Swift MiB is the growth of
# Swift's disk usage (EC 4+2 fragments, ~1.5 x what the tool stored)
S3_METRICS = [
    ("backup_big_s", "big backup s", "time"),
    ("backup_big_mibps", "big backup MiB/s", "rate"),
    ("restore_big_s", "big restore s", "time"),
    ("restore_big_mibps", "big restore MiB/s", "rate"),
    ("backup_small_s", "small backup s", "time"),
    ("backup_small_mibps", "small backup MiB/s", "rate"),
    ("restore_small_s", "small restore s", "time"),
    ("restore_small_mibps", "small restore MiB/s", "rate"),
    ("backup_big_rss_kb", "big backup RSS MiB", "rss"),
    ("swift_big_bytes", "big Swift MiB", "size"),
    ("swift_small_bytes", "small Swift MiB", "size"),
]
# scenario `prune` (issue 8): 100 snapshots (setup = the sum of their backups,
# warm cache, untimed), forget all but 10, then the timed reclamation:
# GridBackup prune --grace 0, restic prune, borg compact. before = after
# forget, freed = before - after (du -sb).
PRUNE_METRICS = [
    ("setup_s", "setup backups s", "time"),
    ("repo_full_bytes", "repo 100 snaps MiB", "size"),
    ("forget_s", "forget s", "time"),
    ("repo_before_bytes", "repo before MiB", "size"),
    ("prune_s", "prune s", "time"),
    ("prune_rss_kb", "prune RSS MiB", "rss"),
    ("forget_prune_s", "forget+prune s", "time"),
    ("repo_bytes", "repo after MiB", "size"),
    ("freed_bytes", "freed MiB", "size"),
    ("restore_oldest_s", "restore oldest s", "time"),
    ("restore_s", "restore newest s", "time"),
]
# scenario `progress` (issue 14): no-change backups on a pseudo-terminal
# (script -qec), warm cache, the median of BENCH_PROGRESS_RUNS each:
# nochange_s with the progress line drawn (every tool's default on a
# terminal), GridBackup's also with --no-progress, alternating.
PROGRESS_METRICS = [
    ("backup_s", "backup s", "time"),
    ("nochange_s", "no-change s (tty)", "time"),
    ("nochange_noprogress_s", "no-change --no-progress s (tty)", "time"),
    ("nochange_rss_kb", "no-change RSS MiB", "rss"),
]
REQUESTS_METRICS = [
    ("requests_first", "first backup requests", "count"),
    ("requests_nochange_1x", "no-change requests (1x repo)", "count"),
    ("requests_nochange_10x", "no-change requests (10x repo)", "count"),
    ("nochange_1x_s", "no-change s (1x)", "time"),
    ("nochange_10x_s", "no-change s (10x)", "time"),
]
# scenario `service` (issue 15): the service with its agent over many files;
# CPU of one core and peak RSS (VmHWM, reset when the idle time starts) of
# the service and its agent together while nothing changes, then the commit
# time of narrow slices of 1,000 changed files as the service logs it.
SERVICE_METRICS = [
    ("setup_s", "setup s (snapshot, upload, upkeep, audit)", "time"),
    ("first_snapshot_s", "first snapshot s", "time"),
    ("idle_cpu_pct", "idle CPU %", "pct"),
    ("idle_service_cpu_pct", "of it service %", "pct"),
    ("idle_hwm_kb", "idle peak RSS MiB", "rss"),
    ("idle_service_hwm_kb", "of it service MiB", "rss"),
    ("idle_rss_kb", "RSS at end MiB", "rss"),
    ("idle_snapshots", "idle snapshots", "count"),
    ("commit_s", "commit s (median)", "time"),
    ("commit_max_s", "commit s (max)", "time"),
]
METRIC_SETS = {"baseline": METRICS, "edits": EDITS_METRICS, "s3": S3_METRICS, "prune": PRUNE_METRICS, "progress": PROGRESS_METRICS,
               "requests": REQUESTS_METRICS, "service": SERVICE_METRICS}

# ratio columns of a metric set: (title, GridBackup key, peer key); the
# baseline's compare each metric with itself
RATIOS = {
    "baseline": [(t, k, k) for k, t, _ in METRICS],
    "edits": [
        ("added bytes", "added_bytes", "added_bytes"),
        ("commit s / change s", "commit_s", "change_s"),
        ("commit+upload s / change s", "commit_upload_s", "change_s"),
        ("restore s", "restore_s", "restore_s"),
    ],
    "prune": [
        ("prune s", "prune_s", "prune_s"),
        ("prune RSS", "prune_rss_kb", "prune_rss_kb"),
        ("forget+prune s", "forget_prune_s", "forget_prune_s"),
        ("repo after", "repo_bytes", "repo_bytes"),
    ],
    "progress": [("no-change s (tty)", "nochange_s", "nochange_s")],
    "requests": [
        ("no-change requests (1x)", "requests_nochange_1x", "requests_nochange_1x"),
        ("no-change requests (10x)", "requests_nochange_10x", "requests_nochange_10x"),
    ],
    "service": [("commit s", "commit_s", "commit_s")],   # no peer runs the scenario: no rows
    # throughput ratios: higher is better
    "s3": [(t, k, k) for k, t, kind in S3_METRICS if kind == "rate"],
}
HIGHER_IS_BETTER = {"s3"}

NUMERIC = {k for ms in METRIC_SETS.values() for k, _, _ in ms} | {
    "init_s", "init_rss_kb", "state_bytes", "dataset_bytes", "dataset_files", "small_files", "big_mb",
    "commit_rss_kb", "upload_rss_kb", "backup_rss_kb", "restore_rss_kb",
    "big_bytes", "small_bytes", "restore_big_rss_kb", "backup_small_rss_kb", "restore_small_rss_kb",
    "init_big_s", "init_small_s",
    "setup_rss_kb", "forget_rss_kb", "progress_draws", "warmup_s", "warmup_rss_kb", "restore_oldest_rss_kb", "snapshots_kept", "snapshots_after_prune"}


def num(v):
    try:
        f = float(v)
    except (TypeError, ValueError):
        return v
    return int(f) if f.is_integer() and "." not in str(v) else f


def fmt(key, v, kind=None):
    if v is None:
        return "-"
    if not isinstance(v, (int, float)):
        return str(v)
    if kind == "pct":
        return f"{v:.3f}"
    if kind == "kib":
        return f"{v / 1024:.1f}"
    if kind == "rate" or key.endswith("_mibps"):
        return f"{v:.1f}"
    if key.endswith("_kb"):
        return f"{v / 1024:.1f}"
    if key.endswith("_bytes"):
        return f"{v / (1 << 20):.1f}"
    if key.endswith("_s"):
        return f"{v:.2f}"
    return str(v)


def human_bytes(v):
    for unit, div in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if abs(v) >= div:
            return f"{v / div:.2f} {unit}"
    return f"{v} B"


def table(headers, rows):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h))
              for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(str(c).rjust(w) if i else str(c).ljust(w)
                                   for i, (c, w) in enumerate(zip(cells, widths)))
    out = [line(headers), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    return "\n".join(out)


def ratio(a, b):
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
        return None
    if b == 0:
        return None
    return a / b


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    results_tsv, meta_tsv, json_out = sys.argv[1:]

    meta = {}
    with open(meta_tsv, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                k, _, v = line.partition("\t")
                meta[k] = num(v)

    scenarios = {}   # name -> {"info": {}, "tools": {tool: {}}}
    order = []
    with open(results_tsv, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            scen, tool, key, value = (line.split("\t", 3) + ["", "", "", ""])[:4]
            if scen not in scenarios:
                scenarios[scen] = {"info": {}, "tools": {}}
                order.append(scen)
            value = num(value) if key in NUMERIC else value
            if tool == "-":
                scenarios[scen]["info"][key] = value
            else:
                scenarios[scen]["tools"].setdefault(tool, {})[key] = value

    print()
    print(f"run {meta.get('time', '?')} on {meta.get('host', '?')}, {meta.get('cpus', '?')} CPUs; "
          f"load average at start {meta.get('loadavg_start', '?')}, at end {meta.get('loadavg_end', '?')}; "
          f"page cache dropped before each phase: {'yes' if meta.get('page_cache_dropped') == 1 else 'NO'}")
    for scen in order:
        s = scenarios[scen]
        info, tools = s["info"], s["tools"]
        print()
        print(f"=== scenario {scen}: {info.get('description', '')}")
        if "dataset_bytes" in info:
            print(f"    dataset {info.get('dataset_path', '')}: {info.get('dataset_files', '?')} files, "
                  f"{fmt('dataset_bytes', info['dataset_bytes'])} MiB")
        print()

        mset = info.get("metrics", "baseline")
        metrics = METRIC_SETS.get(mset, METRICS)
        if mset == "edits":
            print(f"    edits: {info.get('edits', '?')}")
        if info.get("note"):
            print(f"    note: {info['note']}")
        g = tools.get(GB, {})
        if isinstance(g.get("commit_s"), (int, float)) and isinstance(g.get("upload_s"), (int, float)):
            g["commit_upload_s"] = round(g["commit_s"] + g["upload_s"], 2)   # derived
        # derived: borg 1.2 does part of the work in `borg prune` (our forget)
        for r in tools.values():
            if isinstance(r.get("forget_s"), (int, float)) and isinstance(r.get("prune_s"), (int, float)):
                r["forget_prune_s"] = round(r["forget_s"] + r["prune_s"], 2)

        # raw figures
        headers = ["tool", "status"] + [t for _, t, _ in metrics] + ["state MiB", "restore check"]
        if mset == "prune":
            headers += ["oldest kept check", "edits sha"]
        rows = []
        for tool, r in tools.items():
            rows.append([tool, r.get("status", "?")] + [fmt(k, r.get(k), kind) for k, _, kind in metrics]
                        + [fmt("state_bytes", r.get("state_bytes")), r.get("verify", "-")]
                        + ([r.get("verify_oldest", "-"), r.get("edits_sha", "-")] if mset == "prune" else []))
        print(table(headers, rows))
        print("    (state = the tool's local cache/state dir, not counted in repo size; "
              "RSS = peak resident set of the command)")
        if mset == "edits":
            print("    (added = repo after - repo before the change, du -sb; commit = GridBackup backup "
                  "--no-upload,\n     upload = GridBackup upload; change = the peer's incremental backup; "
                  "restore = latest, checked against the edited tree)")

        if mset == "prune":
            print("    (setup = sum of the 100 backups, warm cache, for information; before = after forget;\n"
                  "     prune = GridBackup prune --grace 0 / restic prune / borg compact, cold cache; forget+prune: borg prune\n"
                  "     (our forget) already updates chunk reference counts, compact only frees; freed = before - after, du -sb;\n"
                  "     restores: the oldest kept and the newest snapshot, each checked against its tree; "
                  "edits sha: digest of every round's edit plan, equal for all tools)")
            if isinstance(g.get("prune_json"), str) and g["prune_json"]:
                print(f"    GridBackup prune --json: {g['prune_json']}")

        # ratios
        ratios = {}
        rcols = RATIOS.get(mset, RATIOS["baseline"])
        gb_ok = isinstance(g.get(rcols[0][1]), (int, float))
        print()
        if mset in HIGHER_IS_BETTER:
            print("GridBackup / peer throughput ratios (higher is better; >= 1.00 means GridBackup is at least as fast):")
        else:
            print("GridBackup / peer ratios (lower is better; < 1.00 means GridBackup wins):")
        if not gb_ok:
            print(f"    none: GridBackup {g.get('status', 'not run')}")
        else:
            headers = ["peer"] + [t for t, _, _ in rcols]
            rows = []
            if len(tools) < 2:
                print("    none: no peer tool ran")
            for peer in (p for p in tools if p != GB):
                p = tools[peer]
                ratios[peer] = {}
                row = [peer]
                for title, gk, pk in rcols:
                    rv = ratio(g.get(gk), p.get(pk))
                    ratios[peer][gk if gk == pk else f"{gk}/{pk}"] = rv
                    row.append("-" if rv is None else f"{rv:.3f}" if mset == "edits" else f"{rv:.2f}")
                rows.append(row)
            if rows:
                print(table(headers, rows))

        # the goals
        goals = []

        def goal(text, metric, peer, strict, peer_metric=None, limit=1.0):
            """holds when GridBackup's metric < (strict) or <= limit * the peer's peer_metric"""
            peer_metric = peer_metric or metric
            gv, pv = g.get(metric), tools.get(peer, {}).get(peer_metric)
            if not isinstance(gv, (int, float)):
                verdict = f"UNKNOWN (GridBackup {g.get('status', 'not run')})"
                holds = None
            elif not isinstance(pv, (int, float)):
                verdict = f"UNKNOWN ({peer} {tools.get(peer, {}).get('status', 'not run')})"
                holds = None
            else:
                rv = gv / pv if pv else float("inf")
                holds = (gv < limit * pv) if strict else (gv <= limit * pv)
                if metric.endswith("_bytes"):
                    shown = f"{human_bytes(gv)} vs {human_bytes(pv)}"
                else:
                    shown = f"{gv:.2f} s vs {pv:.2f} s"
                verdict = f"{'HOLDS' if holds else 'FAILS'}  ({shown}, ratio {rv:.3f})"
            goals.append({"goal": text, "metric": metric, "peer": peer, "peer_metric": peer_metric,
                          "limit": limit, "strict": strict, "holds": holds, "verdict": verdict})

        # a scenario opts in to the issue-2 goals with `scen_info goals issue2`
        if info.get("goals") == "issue2":
            goal("initial backup no slower than restic (ratio <= 1.00)", "backup_s", "restic", False)
            goal("no-change backup faster than restic (ratio < 1.00)", "nochange_s", "restic", True)
            goal("no-change backup faster than borg (ratio < 1.00)", "nochange_s", "borg", True)
            print()
            print("Goals (issue 2):")
            for gl in goals:
                print(f"    {gl['goal']:<55} {gl['verdict']}")

        # `scen_info goals issue14` (scenario progress): the progress line
        # costs a no-change backup at most 5%, measured against GridBackup's
        # own --no-progress run in the same scenario
        if info.get("goals") == "issue14":
            goal("no-change backup, progress drawn vs --no-progress (ratio <= 1.05)", "nochange_s", GB, False,
                 peer_metric="nochange_noprogress_s", limit=1.05)
            print()
            print("Goals (issue 14):")
            for gl in goals:
                print(f"    {gl['goal']:<65} {gl['verdict']}")
            if "progress_draws" in g:
                print(f"    (progress lines drawn in GridBackup's timed no-change runs: {g['progress_draws']})")

        # `scen_info goals issue3` (scenario edits)
        if info.get("goals") == "issue3":
            for peer in PEERS:
                goal(f"fewer bytes added than {peer} (ratio < 1.00)", "added_bytes", peer, True)
            goal("snapshot commit >= 5x faster than restic backup (ratio <= 0.20)",
                 "commit_s", "restic", False, peer_metric="change_s", limit=0.2)
            print()
            print("Goals (issue 3):")
            for gl in goals:
                print(f"    {gl['goal']:<65} {gl['verdict']}")
            judged = [gl["holds"] for gl in goals]
            overall = ("HOLD" if all(judged) else
                       "FAIL" if any(h is False for h in judged) else "UNKNOWN (not all judged)")
            print(f"    {'all issue-3 goals':<65} {overall}")

        # `scen_info goals issue5` (scenario s3): throughput at least restic's
        if info.get("goals") == "issue5":
            p = tools.get("restic", {})
            for key, title, kind in S3_METRICS:
                if kind != "rate":
                    continue
                text = f"{title.replace(' MiB/s', '')} throughput >= restic's (ratio >= 1.00)"
                gv, pv = g.get(key), p.get(key)
                if not isinstance(gv, (int, float)):
                    holds, verdict = None, f"UNKNOWN (GridBackup {g.get('status', 'not run')})"
                elif not isinstance(pv, (int, float)):
                    holds, verdict = None, f"UNKNOWN (restic {p.get('status', 'not run')})"
                else:
                    holds = gv >= pv
                    rv = gv / pv if pv else float("inf")
                    verdict = f"{'HOLDS' if holds else 'FAILS'}  ({gv:.1f} vs {pv:.1f} MiB/s, ratio {rv:.2f})"
                goals.append({"goal": text, "metric": key, "peer": "restic", "peer_metric": key, "limit": 1.0,
                              "strict": False, "higher_is_better": True, "holds": holds, "verdict": verdict})
            print()
            print("Goals (issue 5):")
            for gl in goals:
                print(f"    {gl['goal']:<55} {gl['verdict']}")
            judged = [gl["holds"] for gl in goals]
            overall = ("HOLD" if judged and all(judged) else
                       "FAIL" if any(h is False for h in judged) else "UNKNOWN (not all judged)")
            print(f"    {'all issue-5 goals':<55} {overall}")

        # `scen_info goals issue8` (scenario prune): the issue sets no threshold,
        # so the ratios are reported without a verdict
        if info.get("goals") == "issue8":
            for peer in ("restic", "borg"):
                for key, what, unit in (("prune_s", "prune time", "s"), ("prune_rss_kb", "prune peak RSS", "MiB"),
                                        ("forget_prune_s", "forget+prune time", "s")):
                    gv, pv = g.get(key), tools.get(peer, {}).get(key)
                    text = f"{what} vs {peer}"
                    if not isinstance(gv, (int, float)):
                        verdict = f"UNKNOWN (GridBackup {g.get('status', 'not run')})"
                    elif not isinstance(pv, (int, float)):
                        verdict = f"UNKNOWN ({peer} {tools.get(peer, {}).get('status', 'not run')})"
                    else:
                        sc = 1024 if unit == "MiB" else 1
                        rv = gv / pv if pv else float("inf")
                        verdict = f"ratio {rv:.2f}  ({gv / sc:.2f} {unit} vs {pv / sc:.2f} {unit}; {'GridBackup' if rv < 1 else peer} lower)"
                    goals.append({"goal": text, "metric": key, "peer": peer, "peer_metric": key, "limit": None,
                                  "strict": None, "holds": None, "verdict": verdict})
            print()
            print("Issue 8 (no threshold set; lower is better):")
            for gl in goals:
                print(f"    {gl['goal']:<34} {gl['verdict']}")

        # `scen_info goals issue15` (scenario service): idle < 1% of one core
        # and < 100 MiB RSS; the commit time is compared by hand with
        # scripts/bench-agent's figure (no peer runs here)
        if info.get("goals") == "issue15":
            for key, text, limit, shown in (("idle_cpu_pct", "idle CPU < 1% of one core", 1.0, lambda v: f"{v:.3f} %"),
                                            ("idle_hwm_kb", "idle peak RSS < 100 MiB (service + agent)", 100 * 1024,
                                             lambda v: f"{v / 1024:.1f} MiB")):
                gv = g.get(key)
                if not isinstance(gv, (int, float)):
                    holds, verdict = None, f"UNKNOWN (GridBackup {g.get('status', 'not run')})"
                else:
                    holds = gv < limit
                    verdict = f"{'HOLDS' if holds else 'FAILS'}  ({shown(gv)})"
                goals.append({"goal": text, "metric": key, "peer": None, "limit": limit, "strict": True, "holds": holds,
                              "verdict": verdict})
            print()
            print("Goals (issue 15):")
            for gl in goals:
                print(f"    {gl['goal']:<45} {gl['verdict']}")

        bad = [t for t, r in tools.items()
               if str(r.get("verify", "")).startswith("MISMATCH") or str(r.get("verify_oldest", "")).startswith("MISMATCH")]
        if bad:
            print()
            print("!" * 78)
            print(f"!!! RESTORE MISMATCH for: {', '.join(bad)} -- restored tree differs from the source")
            print("!" * 78)

        s["ratios"] = ratios
        s["goals"] = goals

    doc = {"meta": meta, "scenarios": {k: scenarios[k] for k in order}}
    with open(json_out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2, sort_keys=False)
        f.write("\n")
    print()
    print(f"results: {json_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
