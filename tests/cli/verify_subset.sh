# verify --read-data-subset: N/M picks packs by id, so 1/M..M/M read every
# pack exactly once (the union is all packs, no pack twice); a damaged pack
# is found by its own subset only; P% and SIZE read part; bad values get one
# sentence and exit 2.
source "$GB_TESTS/tools/cli_lib.sh"
SRC=$W/src
mkdir -p "$SRC"
init_repo
for i in $(seq 1 12); do   # one backup each: at least 12 packs
  head -c 20000 /dev/urandom > "$SRC/f$i"
  gb backup "$SRC" --quiet --no-progress
done
packs=$(ls "$REPO/data"/*/ | grep -cE '^[0-9a-f]{64}$' || true)
[ "$packs" -ge 12 ] || fail "expected at least 12 packs, found $packs"
read_count() { sed -nE 's/.*, read ([0-9]+) packs? \(.*/\1/p' "$1"; }
# Which part of 4 the test expects each pack in: its first 8 hex digits mod 4.
part_of() { echo $(( (16#${1:0:8} % 4) + 1 )); }

step "1/4..4/4 cover all $packs packs once"
sum=0
for k in 1 2 3 4; do
  gb verify --read-data-subset "$k/4" > "$W/v$k.txt" 2>&1 || { cat "$W/v$k.txt"; fail "verify of subset $k/4 failed on a sound repository"; }
  want=0
  for p in $(find "$REPO/data" -type f -printf '%f\n'); do [ "$(part_of "$p")" = "$k" ] && want=$((want + 1)); done
  got=$(read_count "$W/v$k.txt")
  [ "$got" = "$want" ] || { cat "$W/v$k.txt"; fail "subset $k/4 read $got packs, its share by pack id is $want"; }
  sum=$((sum + got))
done
[ "$sum" = "$packs" ] || fail "the four subsets read $sum packs in all, the repository has $packs"
grep -q "of subset 4/4" "$W/v4.txt" || fail "the summary does not name the subset"
pass "the four subsets read $sum packs, each pack in the part its id names"

step "a damaged pack is found by its own subset only"
victim=$(find "$REPO/data" -type f | sort | head -1)
chmod u+w "$victim"
printf 'X' | dd of="$victim" bs=1 seek=100 conv=notrunc status=none
k=$(part_of "$(basename "$victim")")
for j in 1 2 3 4; do
  rc=0; gb verify --read-data-subset "$j/4" > "$W/d$j.txt" 2>&1 || rc=$?
  if [ "$j" = "$k" ]; then
    [ "$rc" = 12 ] && grep -q "$(basename "$victim")" "$W/d$j.txt" || { cat "$W/d$j.txt"; fail "subset $j/4 (the damaged pack's) did not report it (exit $rc)"; }
  else
    [ "$rc" = 0 ] || { cat "$W/d$j.txt"; fail "subset $j/4 reported damage that is not in it (exit $rc)"; }
  fi
done
pass "only subset $k/4 found the damaged pack"

step "P% and SIZE read part; 100% reads all"
gb verify --read-data-subset 100% > "$W/all.txt" 2>&1 || true
[ "$(read_count "$W/all.txt")" = "$packs" ] || { cat "$W/all.txt"; fail "100% did not read every pack"; }
gb verify --read-data-subset 1 > "$W/one.txt" 2>&1 || true
[ "$(read_count "$W/one.txt")" = 1 ] || { cat "$W/one.txt"; fail "a size of 1 byte should read exactly one pack"; }
gb verify --read-data-subset 50% > "$W/half.txt" 2>&1 || true
h=$(read_count "$W/half.txt")
[ "$h" -gt 0 ] && [ "$h" -lt "$packs" ] || { cat "$W/half.txt"; fail "50% read $h of $packs packs"; }
pass "100%: $packs, 1 byte: 1, 50%: $h packs"

step "bad subsets: one sentence, exit 2"
expect_fail 2 "read-data-subset takes N/M, P% or a size" gb verify --read-data-subset 5/4
expect_fail 2 "read-data-subset takes N/M, P% or a size" gb verify --read-data-subset 0/4
expect_fail 2 "read-data-subset takes N/M, P% or a size" gb verify --read-data-subset 0%
expect_fail 2 "read-data-subset takes N/M, P% or a size" gb verify --read-data-subset lots
