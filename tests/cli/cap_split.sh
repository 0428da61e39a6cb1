# The recovery kit (issue 17): `cap split` makes 5 shares of the root cap and
# a 0600 sheet per share with a QR code; `cap join` rebuilds the cap from any
# 3 (every one of the 10 combinations restores byte-exact on a fresh state
# dir), and too few, a typo, a share given twice or shares of two caps get
# one sentence each (docs/FORMAT.md, "Recovery kit"). The sheets' QR codes
# are scanned back with zbarimg (zbar-tools) where it is installed.
source "$GB_TESTS/tools/cli_lib.sh"
init_repo
mkdir -p "$W/src/sub" && echo hello > "$W/src/a.txt" && head -c 100000 /dev/urandom > "$W/src/sub/b.bin"
gb backup "$W/src" --quiet --no-progress || fail "backup"
cap=$(cat "$W/cap.txt")
secret=$(cut -d: -f2 <<< "$cap")

step "split"
gb cap split --threshold 3 --shares 5 --sheets "$W/sheets" > "$W/shares.txt" 2> "$W/split.err" || fail "cap split: $(cat "$W/split.err")"
cat "$W/split.err"
[ "$(wc -l < "$W/shares.txt")" = 5 ] || fail "cap split printed $(wc -l < "$W/shares.txt") lines, not 5"
mapfile -t S < "$W/shares.txt"
for i in 1 2 3 4 5; do
  [[ ${S[i - 1]} =~ ^GBK1-3OF5-$i-[0-9A-Z]{6}(-[0-9A-Z]{1,5})+-[0-9A-Z]{6}$ ]] || fail "share $i is not GBK1-3OF5-$i-ID-...-CHECK: ${S[i - 1]}"
done
[ "$(cut -d- -f4 "$W/shares.txt" | sort -u | wc -l)" = 1 ] || fail "the shares do not carry one cap id"
for f in "$W/shares.txt" "$W/split.err" "$W"/sheets/*; do
  grep -qF "$secret" "$f" && fail "$f holds the root cap's secret"
  grep -qF "$REPO" "$f" && fail "$f holds the repository URL (a URL may hold a password)"
done
grep -q "Any 3 of these 5 shares rebuild the root cap" "$W/split.err" || fail "split does not say what the shares do"
pass "5 self-describing shares, no secret and no URL in anything printed or written"

step "sheets"
[ "$(stat -c %a "$W/sheets")" = 700 ] || fail "the sheets directory is not 0700"
for i in 1 2 3 4 5; do
  sheet=$W/sheets/share-$i-of-5.txt
  [ -f "$sheet" ] || fail "no sheet $sheet"
  [ "$(stat -c %a "$sheet")" = 600 ] || fail "$sheet is not 0600"
  grep -q "^GRIDBACKUP RECOVERY KIT - share $i of 5" "$sheet" || fail "sheet $i does not say which share it is"
  grep -q "Any 3 of the 5" "$sheet" || fail "sheet $i does not tell the friend how many are needed"
  # The share is on the sheet (broken into lines at its dashes) ...
  [ "$(grep -E '^    [0-9A-Z-]+$' "$sheet" | tr -d ' \n')" = "${S[i - 1]}" ] || fail "sheet $i does not hold share $i"
  # ... and a QR code: at least 20 lines of half blocks, all as wide.
  /usr/bin/python3 - "$sheet" << 'PY' || fail "sheet $i has no QR code of 20 lines or more, all as wide"
import sys
lines = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8") if any(c in l for c in "█▀▄")]
assert len(lines) >= 20 and len({len(l) for l in lines}) == 1, lines
PY
done
# The QR codes scan back to the shares, read by a real decoder (zbar-tools).
if command -v zbarimg > /dev/null; then
  for i in 1 2 3 4 5; do
    /usr/bin/python3 "$GB_TESTS/tools/qr_text_to_pbm.py" "$W/sheets/share-$i-of-5.txt" "$W/qr-$i.pbm"
    [ "$(zbarimg --raw -q "$W/qr-$i.pbm" 2> /dev/null)" = "${S[i - 1]}" ] || fail "the QR code of sheet $i does not scan as share $i"
  done
  pass "zbarimg reads each sheet's QR code as its share"
else
  echo "NOT TESTED (loudly): the QR codes were not scanned: zbarimg is missing (zbar-tools, scripts/install-deps test)" >&2
fi
pass "5 sheets, 0600 in a 0700 directory, each with its share and a QR code"

step "join: every 3 of 5 restores byte-exact on a fresh machine"
n=0
for a in 1 2 3 4 5; do for b in $(seq $((a + 1)) 5); do for c in $(seq $((b + 1)) 5); do
  n=$((n + 1))
  joined=$W/joined-$a$b$c.cap
  # In another order each time: a share's place in the line does not matter.
  "$GB" cap join "${S[c - 1]}" "${S[a - 1]}" "${S[b - 1]}" --cap-file "$joined" --quiet || fail "cap join $a $b $c"
  [ "$(cat "$joined")" = "$cap" ] || fail "shares $a $b $c rebuilt another cap: $(cat "$joined")"
  [ "$(stat -c %a "$joined")" = 600 ] || fail "the joined cap file is not 0600"
  GRIDBACKUP_STATE_DIR=$W/fresh-$a$b$c "$GB" --cap-file "$joined" restore latest --host "$(hostname)" --target "$W/r-$a$b$c" --quiet ||
    fail "restore with the cap joined from $a $b $c"
  compare "$W/src" "$W/r-$a$b$c$W/src" || fail "the restore with the cap joined from $a $b $c differs"
  rm -rf "$W/r-$a$b$c" "$W/fresh-$a$b$c"
done; done; done
[ "$n" = 10 ] || fail "tried $n combinations, not 10"
[ "$("$GB" cap join "${S[@]}")" = "$cap" ] || fail "all five shares do not rebuild the cap"
# From stdin (out of the shell's history), typed in lower case with blanks.
printf '%s\n\n%s\n%s\n' "${S[4],,}" "$(sed 's/-/ - /g' <<< "${S[0]}")" "${S[2]}" | "$GB" cap join > "$W/stdin.cap" || fail "cap join from stdin"
[ "$(cat "$W/stdin.cap")" = "$cap" ] || fail "the shares from stdin rebuilt another cap"
"$GB" --cap "$(cat "$W/stdin.cap")" snapshots --quiet | holds "$W/src" || fail "the joined cap does not list the snapshots"
pass "10 combinations of 3 shares each rebuild the cap and restore; all 5 and stdin too"

step "refusals: one sentence each"
expect_fail 2 '^gridbackup: 3 of 5 shares needed, 2 given$' "$GB" cap join "${S[1]}" "${S[3]}"
one_clear_sentence "$W/err.txt" "3 of 5 shares needed, 2 given"
typo=${S[3]}
pos=27  # inside the second group of share characters
[ "${typo:pos:1}" = Q ] && c=R || c=Q
typo="${typo:0:pos}$c${typo:pos+1}"
expect_fail 11 '^gridbackup: the 2nd share given \(marked share 4 of 5\) does not match its check digits: a character is mistyped' \
  "$GB" cap join "${S[0]}" "$typo" "${S[2]}"
one_clear_sentence "$W/err.txt" "check digits"
expect_fail 2 '^gridbackup: share 1 of 5 was given twice \(1st and 3rd\): give 3 different shares$' "$GB" cap join "${S[0]}" "${S[1]}" "${S[0]}"
"$GB" init --repo "file://$W/other-repo" --cap-file "$W/other.cap" --quiet > /dev/null
mapfile -t O < <("$GB" --cap-file "$W/other.cap" cap split --quiet)
expect_fail 2 '^gridbackup: the 1st and 3rd shares given belong to different caps \(ids [0-9A-Z]{6} and [0-9A-Z]{6}\): give shares of one cap$' \
  "$GB" cap join "${S[0]}" "${S[1]}" "${O[2]}"
mapfile -t R < <(gb cap split --quiet)
expect_fail 2 '^gridbackup: these shares do not rebuild cap [0-9A-Z]{6}: they come from different splits of it' "$GB" cap join "${S[0]}" "${S[1]}" "${R[2]}"
expect_fail 11 "^gridbackup: the 1st share given is a cap, not a share of one" "$GB" cap join "$cap" "${S[1]}" "${S[2]}"
expect_fail 2 "^gridbackup: a cap file already exists at $W/joined-123.cap" "$GB" cap join "${S[@]}" --cap-file "$W/joined-123.cap"
expect_fail 2 "a threshold below 2 would give every share the whole cap" gb cap split --threshold 1
expect_fail 2 "4 shares cannot meet a threshold of 5" gb cap split --threshold 5 --shares 4
expect_fail 13 "^gridbackup: a read cap cannot be split: the recovery kit is of the root cap$" "$GB" --cap "$(gb cap derive read)" cap split
cp -a "$W/sheets" "$W/sheets-before"
expect_fail 2 "already exists \(an earlier kit's sheet\?\); give --sheets an empty directory" gb cap split --sheets "$W/sheets"
diff -r "$W/sheets-before" "$W/sheets" > /dev/null || fail "a refused split changed the sheets"
expect_fail 2 "^gridbackup: --sheets goes with 'cap split' only" gb cap info --sheets "$W/x"
pass "too few, a typo, twice, two caps, two splits, a cap for a share: one sentence each"
