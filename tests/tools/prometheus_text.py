#!/usr/bin/env python3
# Checks a file (or "-" for stdin) in the Prometheus text exposition format:
# Prometheus' own parser (Debian: python3-prometheus-client) reads it, and,
# stricter than that parser, every sample's family has one HELP and one TYPE
# line before its samples and the text ends with a newline. Then:
#   --documented README   every family is named in README (the metric list)
#   --expect 'NAME{LABELS}=VALUE'   a sample with that value (repeatable)
#   --absent NAME         no such family
#   --print-json          the samples as {"name{labels}": value}, for comparing two texts
import argparse
import json
import re
import sys

from prometheus_client.parser import text_string_to_metric_families

ap = argparse.ArgumentParser()
ap.add_argument("file")
ap.add_argument("--documented")
ap.add_argument("--expect", action="append", default=[])
ap.add_argument("--absent", action="append", default=[])
ap.add_argument("--print-json", action="store_true")
a = ap.parse_args()
text = sys.stdin.read() if a.file == "-" else open(a.file, encoding="utf-8").read()


def die(why):
    sys.exit(f"{a.file}: {why}")


if not text.endswith("\n"):
    die("does not end with a newline")
help_seen, type_seen, sampled = set(), set(), set()
for n, line in enumerate(text.splitlines(), 1):
    m = re.match(r"# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$", line)
    if m:
        kind, name, rest = m.groups()
        seen = help_seen if kind == "HELP" else type_seen
        if name in seen:
            die(f"line {n}: a second {kind} for {name}")
        if name in sampled:
            die(f"line {n}: {kind} for {name} after its samples")
        if kind == "TYPE" and rest not in ("gauge", "counter", "histogram", "summary", "untyped"):
            die(f"line {n}: unknown type {rest!r}")
        seen.add(name)
        continue
    m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$", line)
    if not m:
        die(f"line {n}: not a sample, HELP or TYPE line: {line!r}")
    name = m.group(1)
    if name not in help_seen or name not in type_seen:
        die(f"line {n}: {name} has no HELP and TYPE line before it")
    sampled.add(name)

samples = {}
try:
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
            samples[s.name + (f"{{{labels}}}" if labels else "")] = s.value
except Exception as e:  # the parser's own complaint, whatever its type
    die(f"Prometheus' parser refuses it: {e}")

if a.documented:
    readme = open(a.documented, encoding="utf-8").read()
    missing = sorted(n for n in help_seen if f"`{n}`" not in readme and f"`{n}{{" not in readme)
    if missing:
        die(f"families not documented in {a.documented}: {', '.join(missing)}")
for e in a.expect:
    key, _, value = e.rpartition("=")
    if key not in samples:
        die(f"no sample {key} (have: {', '.join(sorted(samples))})")
    if samples[key] != float(value):
        die(f"{key} is {samples[key]}, not {value}")
for name in a.absent:
    if name in help_seen:
        die(f"{name} is there")
if a.print_json:
    print(json.dumps(samples, sort_keys=True))
