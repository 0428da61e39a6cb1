# The config files (issue 14): keys fill what the command line leaves open,
# in the order flag > environment > user file > system file > default;
# `config show` says where each value came from; a bad file or an unknown
# key is one sentence naming file, line and key (exit 2); no secret shown.
source "$GB_TESTS/tools/cli_lib.sh"
init_repo
T=$W/tree
mkdir -p "$T/keep" "$T/junk"
echo a > "$T/keep/a"; echo b > "$T/junk/b"; echo c > "$T/keep/c.tmp"
U=$GRIDBACKUP_CONFIG S=$GRIDBACKUP_SYSTEM_CONFIG

step "defaults when no file exists"
"$GB" config show > "$W/show.txt"
grep -qx 'host = the machine.s name  # default' "$W/show.txt" || { cat "$W/show.txt"; fail "host is not the default"; }
grep -q '^# config files read: none' "$W/show.txt" || fail "files read: not none"

step "the user file overrides the system file; both fill options the command takes"
printf 'host = "syshost"\nexclude = ["*.tmp"]\ncap-file = "%s"\n' "$CAP" > "$S"
printf '# mine\nhost = "userhost"\nexclude = ["junk"]\n' > "$U"
"$GB" backup "$T" --quiet
"$GB" ls latest --host userhost > "$W/ls.txt" || fail "no snapshot of host userhost (the user's file)"
grep -q 'keep/a$' "$W/ls.txt" || fail "keep/a missing"
grep -q '/junk' "$W/ls.txt" && fail "the user's exclude 'junk' was not applied"
grep -q 'c.tmp' "$W/ls.txt" || fail "the system exclude replaced the user's (a key of the user's file replaces the system's)"
pass "user file over system file"
"$GB" config show > "$W/show.txt"
grep -qx "host = \"userhost\"  # $U:2" "$W/show.txt" || { cat "$W/show.txt"; fail "host source is not the user file line 2"; }
grep -qx "cap-file = \"$CAP\"  # $S:3" "$W/show.txt" || { cat "$W/show.txt"; fail "cap-file source is not the system file line 3"; }

step "environment over the files, flag over the environment"
GRIDBACKUP_HOST=envhost "$GB" config show | holds -x 'host = "envhost"  # env GRIDBACKUP_HOST' || fail "env does not outrank the file"
"$GB" backup "$T" --host flaghost --exclude keep --quiet
"$GB" ls latest --host flaghost > "$W/ls.txt"
grep -q 'junk/b$' "$W/ls.txt" || fail "--exclude on the line did not replace the file's exclude"
grep -q 'keep/a' "$W/ls.txt" && fail "--exclude keep (flag) not applied"
"$GB" config show --repo "file://$REPO" | holds -x "repository = \"file://$REPO\"  # flag --repo" || fail "flag source not shown"
"$GB" config show --json > "$W/show.json"
python3 -c '
import json,sys; j=json.load(open(sys.argv[1])); s=j["settings"]
assert s["host"]=={"value":"userhost","source":sys.argv[2]+":2"}, s["host"]
assert s["exclude"]["value"]==["junk"], s["exclude"]
assert s["limit-upload"]=={"value":None,"source":"default"}, s["limit-upload"]
assert j["files"]==[sys.argv[3],sys.argv[2]], j["files"]' "$W/show.json" "$U" "$S" || fail "config show --json"
pass "flag > env > file, shown with sources"

step "retention from the file; one keep-* flag sets the file's policy aside"
printf 'host = "userhost"\nkeep-last = 1\n' > "$U"
"$GB" forget --dry-run --host userhost --json > "$W/f.json"
python3 -c '
import json,sys; j=json.load(open(sys.argv[1])); print(j)' "$W/f.json" > /dev/null
"$GB" backup "$T" --quiet
"$GB" forget --host userhost --quiet
[ "$("$GB" snapshots --host userhost --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 1 ] || fail "keep-last = 1 from the file not applied"
pass "keep-last from the file"

step "a bad file: one sentence naming file, line and key, exit 2"
printf 'host = "h"\n\nexlcude = ["x"]\n' > "$U"
expect_fail 2 "$U, line 3: unknown key 'exlcude'" "$GB" snapshots
printf 'limit-upload = "fast"\n' > "$U"
expect_fail 2 "$U, line 1: 'limit-upload' must be a whole number" "$GB" snapshots
printf 'host = \n' > "$U"
expect_fail 2 "$U, line 1: not valid TOML" "$GB" config show
printf 'cap = "gbcap1-secret"\n' > "$U"
expect_fail 2 "$U, line 1: the cap itself does not belong" "$GB" config show
grep -q secret "$W/err.txt" && fail "the cap's value was printed"
"$GB" help > /dev/null || fail "help refused beside a bad config file"

step "no secret in config show: the repository URL's password is hidden"
printf 'repository = "sftp://me:hunter2@nas/backup"\n' > "$U"
"$GB" config show > "$W/show.txt"
grep -q hunter2 "$W/show.txt" && fail "config show printed the URL's password"
grep -q '^repository = "sftp://me@nas/backup"\|^repository = "sftp://nas/backup"' "$W/show.txt" || { cat "$W/show.txt"; fail "repository not shown"; }
pass "config files"
