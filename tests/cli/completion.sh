# Completion and the man page are generated from the option specs at build
# time and installed by `cmake --install` (issue 14): the bash script loads,
# completes a command name and an option; the page renders without warnings.
source "$GB_TESTS/tools/cli_lib.sh"
B=$(dirname "$GB")
[ -f "$B/gridbackup.bash" ] || fail "the build wrote no $B/gridbackup.bash"
[ -f "$B/_gridbackup" ] || fail "the build wrote no zsh completion $B/_gridbackup"

step "bash: the script loads and completes"
out=$(bash -c 'source "$1"; complete -p gridbackup; COMP_WORDS=(gridbackup con); COMP_CWORD=1; _gridbackup; echo "cmd:${COMPREPLY[*]}"
  COMP_WORDS=(gridbackup backup --exclude-c); COMP_CWORD=2; _gridbackup; echo "opt:${COMPREPLY[*]}"' _ "$B/gridbackup.bash")
echo "$out"
grep -q '^complete .*-F _gridbackup gridbackup$' <<< "$out" || fail "complete -p does not show the gridbackup completion"
grep -qx 'cmd:config' <<< "$out" || fail "'con' did not complete to 'config'"
grep -qx 'opt:--exclude-caches' <<< "$out" || fail "'backup --exclude-c' did not complete to --exclude-caches"
pass "bash completion"
if command -v zsh > /dev/null; then zsh -n "$B/_gridbackup" || fail "the zsh completion does not parse"; fi

step "the man page renders without warnings"
command -v groff > /dev/null || skip "groff is not installed (TEST_PKGS: groff-base)"
groff -man -Tutf8 -ww -z "$B/gridbackup.1" 2> "$W/groff.err"
[ ! -s "$W/groff.err" ] || { cat "$W/groff.err"; fail "groff warned about the man page"; }
grep -q 'config' "$B/gridbackup.1" || fail "the man page lacks the config command"

step "cmake --install puts binaries, man page, completion and unit templates in place"
command -v cmake > /dev/null || skip "cmake is not installed"
cmake --install "$B" --prefix "$W/prefix" > /dev/null || fail "cmake --install failed"
for f in bin/gridbackup bin/gridbackup-replay share/man/man1/gridbackup.1 share/bash-completion/completions/gridbackup \
  share/zsh/vendor-completions/_gridbackup share/gridbackup/systemd/gridbackup.service share/gridbackup/systemd/gridbackup-user.service \
  share/gridbackup/systemd/gridbackup-agent.service share/gridbackup/launchd/org.gridbackup.service.plist; do
  [ -f "$W/prefix/$f" ] || fail "cmake --install did not put $f in place"
done
pass "installed"
