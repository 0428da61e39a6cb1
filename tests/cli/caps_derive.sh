# Attenuated caps (issue 17): `cap derive` prints one string per cap, `cap
# info` says what it can do, and every command given a derived cap refuses
# it with one sentence and exit 13 (docs/FORMAT.md, "Attenuated caps").
source "$GB_TESTS/tools/cli_lib.sh"
init_repo
mkdir -p "$W/src" && echo x > "$W/src/x"
gb backup "$W/src" --quiet || fail "backup with the root cap"

gb cap derive backup --host laptop > "$W/backup.cap" || fail "cap derive backup"
gb cap derive read > "$W/read.cap" || fail "cap derive read"
gb cap derive verify > "$W/verify.cap" || fail "cap derive verify"
url="file://$REPO"
for kind in backup read verify; do
  [ "$(grep -c . "$W/$kind.cap")" = 1 ] || fail "cap derive $kind printed more than one line"
  text=$(cat "$W/$kind.cap")
  len=$((${#text} - ${#url}))
  [ "$len" -le 170 ] || fail "the $kind cap is $len characters besides its URL"
  [ "${text%"$url"}" != "$text" ] || fail "the $kind cap does not end with the repository URL"
  grep -qF "$(cat "$W/cap.txt" | cut -d: -f2)" "$W/$kind.cap" && fail "the $kind cap holds the root secret"
done
grep -q '^gbb1:laptop:1:' "$W/backup.cap" || fail "backup cap prefix: $(cat "$W/backup.cap")"
grep -q '^gbr1:' "$W/read.cap" || fail "read cap prefix"
grep -q '^gbv1:' "$W/verify.cap" || fail "verify cap prefix"
[ "$(gb cap derive read)" = "$(cat "$W/read.cap")" ] || fail "cap derive read is not deterministic"
pass "three derived caps, one line each, deterministic, no root secret in them"

# A read cap derives the same verify cap; nothing else derives from a derived cap.
[ "$("$GB" --cap "$(cat "$W/read.cap")" cap derive verify)" = "$(cat "$W/verify.cap")" ] || fail "read cap -> verify cap differs"
expect_fail 13 '^gridbackup: a read cap cannot derive a backup cap: only the root cap can$' "$GB" --cap "$(cat "$W/read.cap")" cap derive backup --host h
expect_fail 13 '^gridbackup: a backup cap cannot derive a read cap: only the root cap can$' "$GB" --cap "$(cat "$W/backup.cap")" cap derive read
expect_fail 13 'a verify cap cannot derive a read cap' "$GB" --cap "$(cat "$W/verify.cap")" cap derive read
expect_fail 2 'a backup cap is for one host: give --host HOST' gb cap derive backup
expect_fail 2 "cannot go into a backup cap" gb cap derive backup --host 'lap:top'
expect_fail 2 "there is no 'write' cap to derive" gb cap derive write

# cap info, in plain words.
gb cap info "$(cat "$W/backup.cap")" > "$W/info.txt" || fail "cap info backup"
grep -q "^backup cap for host laptop (key generation 1): can store content" "$W/info.txt" || fail "cap info: $(cat "$W/info.txt")"
grep -q "cannot forget or prune" "$W/info.txt" || fail "cap info does not say a backup cap cannot prune"
gb cap info "$(cat "$W/verify.cap")" | holds "^verify cap: .*cannot decrypt anything" || fail "cap info verify"
gb cap info "$(cat "$W/read.cap")" | holds "^read cap: can list and restore" || fail "cap info read"
gb cap info | holds "^root cap: can do everything" || fail "cap info of the root cap in use"
grep -q "$REPO" "$W/info.txt" && fail "cap info repeated the URL (it may hold a password)"
expect_fail 11 "the cap is malformed" gb cap info "gbz1:nothing"
pass "cap info says what each cap can do"

# Table: what each derived cap may never run, and what it may once the
# repository is of format version 2; both refused today with exit 13.
expect_fail 13 "^gridbackup: a backup cap cannot run 'prune': it needs the root cap$" "$GB" --cap "$(cat "$W/backup.cap")" prune
expect_fail 13 "^gridbackup: a backup cap cannot run 'forget': it needs the root cap$" "$GB" --cap "$(cat "$W/backup.cap")" forget --keep-last 1
expect_fail 13 "^gridbackup: a read cap cannot run 'backup': it needs the root cap or a backup cap$" "$GB" --cap "$(cat "$W/read.cap")" backup "$W/src"
expect_fail 13 "^gridbackup: a read cap cannot run 'prune'" "$GB" --cap "$(cat "$W/read.cap")" prune
expect_fail 13 "^gridbackup: a verify cap cannot run 'restore': it needs the root cap or a backup cap or a read cap$" \
  "$GB" --cap "$(cat "$W/verify.cap")" restore latest --target "$W/out"
expect_fail 13 "^gridbackup: a verify cap cannot run 'ls'" "$GB" --cap "$(cat "$W/verify.cap")" ls latest
expect_fail 13 "^gridbackup: a read cap will run 'restore' on repositories of format version 2" "$GB" --cap "$(cat "$W/read.cap")" restore latest --target "$W/out"
expect_fail 13 "^gridbackup: a verify cap will run 'verify' on repositories of format version 2" "$GB" --cap "$(cat "$W/verify.cap")" verify
expect_fail 13 "^gridbackup: a backup cap will run 'backup'" "$GB" --cap "$(cat "$W/backup.cap")" backup "$W/src"
# Through a cap file too, and nothing was stored by the refused commands.
cp "$W/read.cap" "$W/read.capfile" && chmod 600 "$W/read.capfile"
expect_fail 13 "a read cap cannot run 'forget'" "$GB" --cap-file "$W/read.capfile" forget --keep-last 1
[ "$(gb snapshots --json | grep -o '"id"' | wc -l)" = 1 ] || fail "a refused command changed the snapshots"
[ ! -e "$W/out" ] || fail "a refused restore wrote files"
pass "derived caps refused by every command with one sentence, exit 13"
