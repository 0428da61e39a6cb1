# Many hosts, one repository, prune running all the while: three processes
# with different host names back up into one repository again and again
# (each with its own state dir, as on three machines) while forget + prune
# --grace 0 run in a loop. Then every kept snapshot restores byte-exact and
# the repository verifies with --read-data. A file all three hosts hold is
# shared (convergent dedup) and, after a last prune, stored once. Run on a
# file:// repository and on OpenStack Swift through its S3 API (EC 4+2),
# started here; the Swift part skips loudly when Swift cannot run here.
source "$GB_TESTS/tools/cli_lib.sh"
source "$GB_TESTS/tools/swift_lib.sh"
snap_of() { backup_summary "$1" snapshot; }
head -c 2097152 /dev/urandom > "$W/shared.bin"

host_loop() { # LABEL HOST ROUNDS
  local label=$1 h=$2 rounds=$3 src=$W/$1/src-$2
  mkdir -p "$src/docs"
  cp "$W/shared.bin" "$src/shared.bin"
  head -c 1500000 /dev/urandom > "$src/docs/big-$h.bin"
  for r in $(seq 1 "$rounds"); do
    for i in $(seq 1 8); do head -c $((RANDOM % 9000 + 1)) /dev/urandom > "$src/docs/f$i"; done
    printf "round $r" | dd of="$src/docs/big-$h.bin" bs=1 seek=$((r * 50000)) conv=notrunc status=none
    [ $((r % 3)) = 0 ] && rm -f "$src/docs/f8"
    if ! gb --host "$h" --state-dir "$W/$label/state-$h" backup --json --no-progress "$src" > "$W/$label/b-$h.json" 2> "$W/$label/b-$h.err"; then
      cat "$W/$label/b-$h.err" >&2; echo "backup of $h round $r failed" > "$W/$label/failed"; return 1
    fi
    local id; id=$(snap_of "$W/$label/b-$h.json")
    mkdir -p "$W/$label/expect"; cp -a "$src" "$W/$label/expect/$id"; echo "$src" > "$W/$label/expect/$id.path"
  done
}

prune_loop() { # LABEL: forget + prune until the hosts are done
  local label=$1 n=0
  while [ ! -e "$W/$label/hosts-done" ]; do
    gb forget --keep-last 2 > /dev/null 2> "$W/$label/forget.err" || { cat "$W/$label/forget.err" >&2; echo "forget failed" > "$W/$label/failed"; return 1; }
    if ! gb prune --grace 0 --wait 120s > "$W/$label/prune.out" 2>&1; then
      cat "$W/$label/prune.out" >&2; echo "prune failed" > "$W/$label/failed"; return 1
    fi
    grep -qE "^deleted|nothing to prune" "$W/$label/prune.out" && n=$((n + 1))
    sleep 0.2
  done
  echo "$n" > "$W/$label/prunes"
}

scenario() { # LABEL URL ROUNDS
  local label=$1 url=$2 rounds=$3
  mkdir -p "$W/$label"
  CAP=$W/$label/cap
  "$GB" init --repo "$url" --cap-file "$CAP" --quiet > /dev/null || fail "init at $url failed"
  step "$label: 3 hosts x $rounds backups while forget + prune run"
  prune_loop "$label" &
  local pruner=$! pids=()
  for h in alpha beta gamma; do host_loop "$label" "$h" "$rounds" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || true; done
  touch "$W/$label/hosts-done"
  wait "$pruner" || true
  [ ! -e "$W/$label/failed" ] || fail "$label: $(cat "$W/$label/failed")"
  [ "$(cat "$W/$label/prunes")" -ge 1 ] || fail "$label: no prune completed a sweep while the hosts ran"
  pass "$label: $(cat "$W/$label/prunes") prune sweep(s) finished while the hosts backed up"
  gb forget --keep-last 2 > /dev/null
  gb prune --grace 0 --max-unused 0 > "$W/$label/last-prune.txt" 2>&1 || { cat "$W/$label/last-prune.txt"; fail "$label: the last prune failed"; }
  local ids n=0
  ids=$(gb snapshots --json | /usr/bin/python3 -c 'import json,sys; print(" ".join(s["id"] for s in json.load(sys.stdin)))')
  for id in $ids; do
    [ -d "$W/$label/expect/$id" ] || fail "$label: snapshot ${id:0:8} was not made by this test"
    rm -rf "$W/r"; gb restore "$id" --target "$W/r" --quiet || fail "$label: restore of ${id:0:8} failed"
    compare "$W/$label/expect/$id" "$W/r$(cat "$W/$label/expect/$id.path")" || fail "$label: kept snapshot ${id:0:8} does not restore exactly"
    n=$((n + 1))
  done
  [ "$n" = 6 ] || fail "$label: expected 2 kept snapshots per host (6), found $n"
  gb verify --read-data > "$W/$label/verify.txt" 2>&1 || { cat "$W/$label/verify.txt"; fail "$label: verify --read-data failed"; }
  ! grep -q "stored more than once" "$W/$label/verify.txt" || { cat "$W/$label/verify.txt"; fail "$label: blobs stored more than once after the last prune"; }
  pass "$label: all 6 kept snapshots restore byte-exact; verify --read-data clean; no blob stored twice"
}

scenario file "file://$W/file/repo" 6

if ! swift_ensure_installed; then
  echo "SKIPPED (loudly) prune_concurrent on Swift: $SWIFT_ERROR -- the S3 part was NOT tested" >&2; exit 77
fi
trap 'swift_cleanup; rm -rf "$W"' EXIT
step "starting Swift (EC 4+2, s3api)"
swift_start "$W/swift" 120 || { echo "SKIPPED (loudly) prune_concurrent on Swift: $SWIFT_ERROR -- the S3 part was NOT tested" >&2; exit 77; }
export AWS_ACCESS_KEY_ID=test:tester AWS_SECRET_ACCESS_KEY=testing
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_SHARED_CREDENTIALS_FILE
scenario swift "s3://127.0.0.1:$PROXY_PORT/gb-prune/shared?scheme=http&style=path" 4
