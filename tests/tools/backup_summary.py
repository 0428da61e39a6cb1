#!/usr/bin/env python3
# The summary of `gridbackup backup --json` (docs/JSON.md, "backup"): its
# output is JSON lines (status lines about once a second, an error line per
# path skipped, then one summary). Prints the summary object, or with FIELD
# that member's value, as json.load(...)[FIELD] printed. FILE, or - for stdin.
# Exits 1 unless there is exactly one summary line and every line is JSON.
import json
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "-"
text = sys.stdin.read() if src == "-" else open(src, encoding="utf-8").read()
lines = [json.loads(line) for line in text.splitlines() if line.strip()]
summary = [line for line in lines if line.get("message_type") == "summary"]
if len(summary) != 1:
    sys.exit(f"backup_summary: {len(summary)} summary lines in {src}: {text!r}")
print(json.dumps(summary[0]) if len(sys.argv) < 3 else summary[0][sys.argv[2]])
