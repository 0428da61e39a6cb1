# A running upload's live progress (issue 14: "`status` showed a wrong ETA
# while a limited upload ran and did not say that one was running"): while
# a limited upload runs, `status` and `status --json` say so, with bytes done
# growing, the recent rate near the limit and a finite ETA; once it ends, no
# upload is said to run and the ETA comes from its recorded rate; the row a
# kill -9'd upload leaves in the queue database is not reported as running.
# `upload --json` ends with its summary object (docs/JSON.md); the minute it
# ran is in status --json's rate_history at about the limit.
source "$GB_TESTS/tools/cli_lib.sh"
init_repo
mkdir -p "$W/src"
for i in 1 2 3; do head -c 1048576 /dev/urandom > "$W/src/f$i"; done
gb backup "$W/src" --no-upload --quiet
LIMIT=512   # KiB/s: 3 MiB of random data take ~6 s

step "a limited upload: status follows it"
"$GB" --cap-file "$CAP" upload --limit-upload $LIMIT --parallel 1 --json > "$W/upload.json" 2> "$W/upload.err" &
uploader=$!
: > "$W/samples"
text_seen=
for _ in $(seq 1 40); do
  kill -0 "$uploader" 2> /dev/null || break
  gb status --json 2> /dev/null >> "$W/samples" || fail "status --json failed while an upload ran"
  if [ -z "$text_seen" ]; then
    gb status > "$W/status.txt" 2> /dev/null
    grep -qE '^uploading: +[0-9.]+ (B|KiB|MiB) of 3.00 MiB \([0-9.]+%\), [0-9.]+ KiB/s, ETA [0-9][0-9.hms]*$' "$W/status.txt" && text_seen=1
  fi
  sleep 0.4
done
wait "$uploader" || { cat "$W/upload.err" >&2; fail "the limited upload failed"; }
[ -n "$text_seen" ] || { cat "$W/status.txt" >&2; fail "status never showed 'uploading: X of Y (P%), R/s, ETA T'"; }
grep -qE '^running: +upload on .* \(pid [0-9]+\) since ' "$W/status.txt" || { cat "$W/status.txt" >&2; fail "status does not say an upload runs"; }
grep -qE '^ETA: +[0-9][0-9.hms]* \(the running upload.s\)$' "$W/status.txt" || { cat "$W/status.txt" >&2; fail "status's ETA is not the running upload's"; }
pass "status: $(grep '^uploading:' "$W/status.txt")"
python3 - "$W/samples" $LIMIT <<'PY' || fail "status --json while the upload ran: $(tail -3 "$W/samples")"
import json, sys
limit = int(sys.argv[2]) * 1024
samples = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
live = [s for s in samples if s["uploading"] and s["uploads_running"] and s["uploads_running"][0]["uploading"]]
assert len(live) >= 5, f"only {len(live)} of {len(samples)} samples saw the upload running"
ups = [s["uploads_running"][0] for s in live]
for u in ups:
    assert u["command"] == "upload" and u["pid"] > 0 and u["bytes_total"] == 3 << 20, u
    assert 0 <= u["bytes_done"] <= u["bytes_total"], u
done = [u["bytes_done"] for u in ups]
assert done == sorted(done) and done[-1] > done[0] + (1 << 20), f"bytes done did not grow: {done}"
rated = [(u, s) for u, s in zip(ups, live) if u["rate_bytes_per_second"]]
assert len(rated) >= 3, f"no rate in most samples: {ups}"
for u, s in rated:
    # The limit with its one second of burst: the recent rate stays near it.
    assert 0.6 * limit <= u["rate_bytes_per_second"] <= 1.4 * limit, u
    assert u["eta_seconds"] is not None and 0 <= u["eta_seconds"] <= 20, u
    assert s["eta_seconds"] == u["eta_seconds"] and s["rate_bytes_per_second"] == u["rate_bytes_per_second"], s
# Bytes done follow what the limit let out, not what was read and packed
# (all 3 MiB at once): never ahead of the limit times the time it has run
# (the times have whole seconds: 2 s of slack).
from datetime import datetime
t = lambda x: datetime.strptime(x, "%Y-%m-%dT%H:%M:%SZ").timestamp()
for u in ups:
    assert u["bytes_done"] <= limit * (t(u["updated"]) - t(u["since"]) + 2), u
print(f"ok: {len(live)} samples while running: done {done[0]} .. {done[-1]}, rates {sorted({u['rate_bytes_per_second'] for u, _ in rated})}")
PY
python3 - "$W/upload.json" <<'PY' || fail "upload --json: $(cat "$W/upload.json")"
import json, sys
u = json.load(open(sys.argv[1]))
want = ["uploaded_files", "already_stored_files", "unstable_files", "vanished_files", "bytes_done", "bytes_stored",
        "adopted_packs", "rate_bytes_per_second", "seconds", "queued_files", "queued_bytes"]
assert list(u) == want, list(u)
assert u["uploaded_files"] == 3 and u["bytes_done"] == 3 << 20 and u["queued_files"] == 0 and u["queued_bytes"] == 0, u
assert u["bytes_stored"] >= 3 << 20 and 4 <= u["seconds"] <= 12, u
print(f"ok: upload --json: {u['uploaded_files']} files in {u['seconds']} s at {u['rate_bytes_per_second']} B/s")
PY

step "after it ends: none runs"
gb status > "$W/after.txt" 2> /dev/null
gb status --json > "$W/after.json" 2> /dev/null
grep -qE '^(running|uploading):' "$W/after.txt" && { cat "$W/after.txt" >&2; fail "status says an upload runs after it ended"; }
grep -qE '^rate: +[0-9.]+ KiB/s \(last upload, recent\)$' "$W/after.txt" || { cat "$W/after.txt" >&2; fail "status shows no recorded rate"; }
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert not s["uploading"] and s["uploads_running"] == [] and s["eta_seconds"] == 0, s' "$W/after.json" ||
  fail "status --json after the upload: $(cat "$W/after.json")"
# The minute(s) it ran are in the last day's rate history, at about the limit.
python3 - "$W/after.json" $LIMIT <<'PY' || fail "status --json's rate_history after the upload: $(cat "$W/after.json")"
import json, sys
h, limit = json.load(open(sys.argv[1]))["rate_history"], int(sys.argv[2]) * 1024
assert 1 <= len(h) <= 2, h
assert all(0.6 * limit <= r["rate_bytes_per_second"] <= 1.4 * limit and r["minute"].endswith(":00Z") for r in h), h
PY
pass "after the upload: $(grep '^rate:' "$W/after.txt"); rate history $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rate_history"])' "$W/after.json")"

step "kill -9 mid-upload: its row is not reported as running"
for i in 4 5; do head -c 1048576 /dev/urandom > "$W/src/f$i"; done
gb backup "$W/src" --no-upload --quiet
"$GB" --cap-file "$CAP" upload --limit-upload 256 --parallel 1 --no-progress > /dev/null 2>&1 &
victim=$!
for _ in $(seq 1 30); do
  gb status --json 2> /dev/null | python3 -c 'import json,sys; s=json.load(sys.stdin); sys.exit(0 if any(u["uploading"] for u in s["uploads_running"]) else 1)' && break
  sleep 0.2
done
kill -9 "$victim"
wait "$victim" 2> /dev/null || true
db=$(find "$GRIDBACKUP_STATE_DIR" -name queue.db | head -1)
rows=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from live").fetchone()[0])' "$db")
[ "$rows" = 1 ] || fail "the killed upload left $rows live rows (expected its one, to be ignored)"
gb status > "$W/killed.txt" 2> /dev/null
gb status --json > "$W/killed.json" 2> /dev/null
grep -qE '^(running|uploading):' "$W/killed.txt" && { cat "$W/killed.txt" >&2; fail "status reports the killed upload as running"; }
# With none running, the ETA is the queue at the last upload's recorded rate.
grep -qE '^ETA: +[0-9][0-9.hms]* \(at the last upload.s rate\)$' "$W/killed.txt" || { cat "$W/killed.txt" >&2; fail "no ETA from the recorded rate"; }
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert not s["uploading"] and s["uploads_running"] == [] and s["eta_seconds"] > 0, s' "$W/killed.json" ||
  fail "status --json after kill -9: $(cat "$W/killed.json")"
pass "after kill -9: $(grep '^ETA:' "$W/killed.txt")"
