# File names with control characters (ESC, BEL, newline) or bytes that are
# not UTF-8 are shown by ls, find and diff in $'...' quoting (as GNU ls does),
# never raw: a name cannot fake output lines or drive the terminal. --json
# keeps exact names (escaped per JSON, path_hex for bytes not UTF-8).
source "$GB_TESTS/tools/cli_lib.sh"
init_repo
SRC=$W/src
mkdir -p "$SRC"
echo a > "$SRC/$(printf 'esc\033[31mred')"
echo b > "$SRC/$(printf 'bell\a')"
echo c > "$SRC/$(printf 'fake\nline')"
echo d > "$SRC/$(printf 'bad\xff\xfe')"
ln -s "$(printf 'tar\033get')" "$SRC/link"
gb backup "$SRC" --quiet
for cmd in ls find; do
  if [ $cmd = ls ]; then gb ls latest > "$W/out.txt"; else gb find '*' > "$W/out.txt"; fi
  if LC_ALL=C grep -q "$(printf '[\033\a\377]')" "$W/out.txt"; then cat -v "$W/out.txt"; fail "$cmd printed a raw control byte"; fi
  grep -qF "\$'$SRC/esc\\e[31mred'" "$W/out.txt" || { cat -v "$W/out.txt"; fail "$cmd: ESC not shown as \\e"; }
  grep -qF "\$'$SRC/bell\\a'" "$W/out.txt" || fail "$cmd: BEL not shown as \\a"
  grep -qF "\$'$SRC/fake\\nline'" "$W/out.txt" || fail "$cmd: newline not shown as \\n"
  grep -q "^line" "$W/out.txt" && fail "$cmd: a name made a line of its own"
  grep -qF "\$'$SRC/bad\\xff\\xfe'" "$W/out.txt" || fail "$cmd: bytes not UTF-8 not shown as \\xHH"
done
grep -qF -- "-> \$'tar\\eget'" <(gb ls -l latest) || fail "ls: a symlink target with ESC is not quoted"
# The quoting reads back as the same bytes in bash.
eval "name=\$'$SRC/bad\\xff\\xfe'"; [ -f "$name" ] || fail "the quoted name does not read back"
# --json: exact names.
gb ls latest --json > "$W/ls.json"
/usr/bin/python3 - "$W/ls.json" "$SRC" <<'PY' || fail "--json does not keep exact names"
import json, sys
entries = json.load(open(sys.argv[1]))
src = sys.argv[2]
paths = {e["path"] for e in entries}
for name in ["esc\x1b[31mred", "bell\x07", "fake\nline"]:
    assert f"{src}/{name}" in paths, name
hexes = {bytes.fromhex(e["path_hex"]) for e in entries if "path_hex" in e}
assert (src + "/").encode() + b"bad\xff\xfe" in hexes
PY
pass "control characters and bad UTF-8 in names are quoted; --json keeps them exact"
