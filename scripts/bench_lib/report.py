#!/usr/bin/python3
"""Turn the raw figures that scripts/bench collected into tables and JSON.

usage: report.py RESULTS_TSV META_TSV JSON_OUT

RESULTS_TSV rows: scenario <TAB> tool <TAB> key <TAB> value
  tool "-" holds scenario-level facts (description, dataset size, ...).
META_TSV rows:    key <TAB> value   (run-level facts: time, host, commit, ...)

Prints the raw table, the GridBackup/peer ratio table and the issue's goals
per scenario; writes everything to JSON_OUT.  Exit status 0.
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
NUMERIC = {k for k, _, _ in METRICS} | {"init_s", "init_rss_kb", "state_bytes", "dataset_bytes",
                                          "dataset_files", "small_files", "big_mb"}


def num(v):
    try:
        f = float(v)
    except (TypeError, ValueError):
        return v
    return int(f) if f.is_integer() and "." not in str(v) else f


def fmt(key, v):
    if v is None:
        return "-"
    if not isinstance(v, (int, float)):
        return str(v)
    if key.endswith("_kb"):
        return f"{v / 1024:.1f}"
    if key.endswith("_bytes"):
        return f"{v / (1 << 20):.1f}"
    if key.endswith("_s"):
        return f"{v:.2f}"
    return str(v)


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

        # raw figures
        headers = ["tool", "status"] + [t for _, t, _ in METRICS] + ["state MiB", "restore check"]
        rows = []
        for tool, r in tools.items():
            rows.append([tool, r.get("status", "?")] + [fmt(k, r.get(k)) for k, _, _ in METRICS]
                        + [fmt("state_bytes", r.get("state_bytes")), r.get("verify", "-")])
        print(table(headers, rows))
        print("    (state = the tool's local cache/state dir, not counted in repo size; "
              "RSS = peak resident set of the command)")

        # ratios
        g = tools.get(GB, {})
        ratios = {}
        gb_ok = isinstance(g.get("backup_s"), (int, float))
        print()
        print("GridBackup / peer ratios (lower is better; < 1.00 means GridBackup wins):")
        if not gb_ok:
            print(f"    none: GridBackup {g.get('status', 'not run')}")
        else:
            headers = ["peer"] + [t for _, t, _ in METRICS]
            rows = []
            if len(tools) < 2:
                print("    none: no peer tool ran")
            for peer in (p for p in tools if p != GB):
                p = tools[peer]
                ratios[peer] = {}
                row = [peer]
                for k, _, _ in METRICS:
                    rv = ratio(g.get(k), p.get(k))
                    ratios[peer][k] = rv
                    row.append("-" if rv is None else f"{rv:.2f}")
                rows.append(row)
            if rows:
                print(table(headers, rows))

        # the goals
        goals = []

        def goal(text, metric, peer, strict):
            gv, pv = g.get(metric), tools.get(peer, {}).get(metric)
            if not gb_ok:
                verdict = f"UNKNOWN (GridBackup {g.get('status', 'not run')})"
                holds = None
            elif not isinstance(gv, (int, float)) or not isinstance(pv, (int, float)):
                verdict = f"UNKNOWN ({peer} {tools.get(peer, {}).get('status', 'not run')})"
                holds = None
            else:
                rv = gv / pv if pv else float("inf")
                holds = (gv < pv) if strict else (gv <= pv)
                verdict = (f"{'HOLDS' if holds else 'FAILS'}  ({gv:.2f} s vs {pv:.2f} s, ratio {rv:.3f})")
            goals.append({"goal": text, "metric": metric, "peer": peer, "holds": holds, "verdict": verdict})

        # a scenario opts in to the issue-2 goals with `scen_info goals issue2`
        if info.get("goals") == "issue2":
            goal("initial backup no slower than restic (ratio <= 1.00)", "backup_s", "restic", False)
            goal("no-change backup faster than restic (ratio < 1.00)", "nochange_s", "restic", True)
            goal("no-change backup faster than borg (ratio < 1.00)", "nochange_s", "borg", True)
            print()
            print("Goals (issue 2):")
            for gl in goals:
                print(f"    {gl['goal']:<55} {gl['verdict']}")

        bad = [t for t, r in tools.items() if str(r.get("verify", "")).startswith("MISMATCH")]
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
