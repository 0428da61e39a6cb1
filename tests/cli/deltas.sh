# Forward deltas: a large file edited in a few places is stored as a small
# librsync delta against its previous version's signature; the chain is
# capped, then a full version is stored; every version restores exactly;
# queued uploads use deltas too; a damaged delta is reported.
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
mkdir -p "$SRC"
head -c 8388608 /dev/urandom > "$SRC/big.img"
init_repo
gb backup "$SRC" --max-delta-chain 3 --json > "$W/b0.json"
mkdir -p "$W/versions"; cp "$SRC/big.img" "$W/versions/0"
stored() { backup_summary "$1" "$2"; }
# 20 scattered 4 KiB overwrites per round.
edit() { /usr/bin/python3 - "$SRC/big.img" "$1" <<'PY'
import os, random, sys
r = random.Random(int(sys.argv[2]))
with open(sys.argv[1], "r+b") as f:
    for _ in range(20):
        f.seek(r.randrange(0, 8388608 - 4096)); f.write(os.urandom(4096))
PY
}
for round in 1 2 3 4; do
  edit $round
  gb backup "$SRC" --max-delta-chain 3 --json > "$W/b$round.json"
  cp "$SRC/big.img" "$W/versions/$round"
  echo "round $round: stored $(stored "$W/b$round.json" bytes_stored) bytes, deltas $(stored "$W/b$round.json" deltas)"
done
for round in 1 2 3; do
  [ "$(stored "$W/b$round.json" deltas)" = 1 ] || fail "round $round should store a delta"
  [ "$(stored "$W/b$round.json" bytes_stored)" -lt 1048576 ] || fail "round $round stored $(stored "$W/b$round.json" bytes_stored) bytes for 80 KiB of edits"
done
pass "small edits stored as deltas of under 1 MiB (file is 8 MiB)"
[ "$(stored "$W/b4.json" deltas)" = 0 ] || fail "the 4th version should be full: the chain cap is 3"
[ "$(stored "$W/b4.json" bytes_stored)" -gt 8000000 ] || fail "the 4th version should store the whole file"
pass "chain capped at 3: a full version follows"

# Every version restores byte-exact, including those in the middle of a chain.
i=0
for id in $(gb snapshots --json | /usr/bin/python3 -c 'import json,sys; [print(s["short_id"]) for s in json.load(sys.stdin)]'); do
  gb restore "$id" --target "$W/r$i" --quiet
  cmp "$W/r$i$SRC/big.img" "$W/versions/$i" || fail "version $i restores wrong"
  i=$((i + 1))
done
pass "all $i versions restore exactly through their delta chains"

# Queued uploads (--no-upload, then upload) store deltas as well.
edit 5
gb backup --no-upload "$SRC" --max-delta-chain 3 --quiet
gb upload --max-delta-chain 3 --quiet
gb restore latest --target "$W/r5" --quiet
cmp "$W/r5$SRC/big.img" "$SRC/big.img" || fail "queued delta version restores wrong"
gb verify --read-data --quiet > /dev/null || fail "verify fails after deltas"
pass "queued upload stored a delta; verify passes"

# --max-delta-chain 0 never stores deltas.
edit 6
gb backup "$SRC" --max-delta-chain 0 --json > "$W/b6.json"
[ "$(stored "$W/b6.json" deltas)" = 0 ] || fail "--max-delta-chain 0 still stored a delta"
expect_fail 2 'needs a whole number' gb backup "$SRC" --max-delta-chain -1
