#!/bin/bash
# gridbackup service install: the unit it writes runs the binary's `service
# run` with the roots, the cap file and the options given; it is Type=notify
# with a watchdog and sandboxed, and `systemd-analyze verify` passes on it
# (system and --user). Refused with one sentence: a binary in a build tree
# without --force, a root the unit cannot see (/var/tmp: PrivateTmp), --cap
# (a key in a world-readable unit), a bad upload-limit, a --metrics-listen
# other machines reach. The health options reach the unit. The binary that
# cmake --install puts in a prefix needs no --force. uninstall removes it.
source "$GB_TESTS/tools/cli_lib.sh"
command -v systemd-analyze > /dev/null || skip "systemd-analyze is needed to verify the unit (Debian: systemd)"
# The cap and repository must lie where the unit sees them: not in /tmp or
# /var/tmp (where $W is).
P=$(mktemp -d /var/lib/gb-service-install.XXXXXX 2> /dev/null) || skip "cannot make a directory in /var/lib (the test runs as root)"
trap 'rm -rf "$W" "$P"' EXIT
"$GB" init --repo "file://$P/repo" --cap-file "$P/cap" --quiet > /dev/null
U=$P/units
# A root and a copy of the binary outside /tmp, /var/tmp and any build tree,
# wherever the checkout lies (a clone in /tmp would be refused for them).
ROOT=$P/root
mkdir "$ROOT" "$P/bin"
IB=$P/bin/gridbackup
cp "$GB" "$IB"

step "a binary in a build tree is refused without --force"
expect_fail 2 "lies in the build tree .* a unit must run an installed binary" \
  "$GB" service install --cap-file "$P/cap" --unit-dir "$U" --no-start "$ROOT"
one_clear_sentence "$W/err.txt" "or give --force"
[ -e "$U/gridbackup.service" ] && fail "a refused install wrote the unit"

step "refused: a root the unit cannot see, --cap, a bad upload-limit"
expect_fail 2 "the root $W lies in /var/tmp, which the unit's PrivateTmp=yes replaces" \
  "$IB" service install --force --cap-file "$P/cap" --unit-dir "$U" --no-start "$W"
one_clear_sentence "$W/err.txt" "PrivateTmp"
expect_fail 2 "takes the cap from a file" "$IB" service install --force --cap "$(cat "$P/cap")" --unit-dir "$U" --no-start "$ROOT"
expect_fail 2 "'fast' is not a rate" "$IB" service install --force --cap-file "$P/cap" --upload-limit "* = fast" --unit-dir "$U" --no-start "$ROOT"
[ -e "$U/gridbackup.service" ] && fail "a refused install wrote the unit"
pass "nothing written for a refused install"

step "install --force: the unit runs service run, Type=notify, sandboxed; systemd-analyze verify passes"
"$IB" service install --force --cap-file "$P/cap" --unit-dir "$U" --no-start --snapshot-interval 5min \
  --upload-limit "Mon-Fri 08:00-23:00 = 1MiB/s" "$ROOT" > "$W/install.txt"
grep -q "wrote $U/gridbackup.service (1 root" "$W/install.txt" || { cat "$W/install.txt" >&2; fail "install did not say what it wrote"; }
UNIT=$U/gridbackup.service
want() { grep -qxF -- "$1" "$UNIT" || { cat "$UNIT" >&2; fail "the unit lacks '$1'"; }; }
want "ExecStart=$IB service run --cap-file $P/cap --snapshot-interval 5min --upload-limit \"Mon-Fri 08:00-23:00 = 1MiB/s\" $ROOT"
want "ReadWritePaths=$P/repo $ROOT"
for line in Type=notify WatchdogSec=2min Restart=on-failure NoNewPrivileges=yes ProtectSystem=strict StateDirectory=gridbackup UMask=0077 \
  PrivateTmp=yes PrivateDevices=yes ProtectClock=yes ProtectKernelTunables=yes ProtectKernelModules=yes ProtectKernelLogs=yes \
  ProtectHostname=yes ProtectControlGroups=yes RestrictNamespaces=yes "CapabilityBoundingSet=CAP_DAC_READ_SEARCH CAP_SYS_ADMIN" \
  "SystemCallFilter=@system-service fanotify_init fanotify_mark open_by_handle_at"; do
  want "$line"
done
grep -q '^ProtectHome' "$UNIT" && fail "ProtectHome would hide /home from the backup"
# --man=no: the man page is installed by cmake --install, not here.
systemd-analyze verify --man=no "$UNIT" > "$W/verify.txt" 2>&1 || { cat "$W/verify.txt" "$UNIT" >&2; fail "systemd-analyze verify fails on the unit"; }
[ -s "$W/verify.txt" ] && { cat "$W/verify.txt" >&2; fail "systemd-analyze verify warns"; }
pass "the unit passes systemd-analyze verify"
if systemd-analyze security --offline=yes "$UNIT" > "$W/security.txt" 2>&1; then
  score=$(sed -nE 's/.*Overall exposure level for [^:]*: ([0-9.]+).*/\1/p' "$W/security.txt")
  echo "systemd-analyze security: $score (the agent-only unit: 4.6)"
  awk -v s="$score" 'BEGIN{exit !(s != "" && s < 4.6)}' || { cat "$W/security.txt" >&2; fail "the unit's exposure $score is not below the agent unit's 4.6"; }
else
  echo "SKIPPED (loudly): systemd-analyze security --offline=yes is not supported here" >&2
fi
"$IB" service install --force --no-agent --cap-file "$P/cap" --unit-dir "$U" --no-start "$ROOT" > /dev/null
want "ReadWritePaths=$P/repo"
pass "--no-agent: no cookie files, so the roots stay read-only"
expect_fail 2 "its directory $P/collector does not exist" \
  "$IB" service install --force --cap-file "$P/cap" --unit-dir "$U" --no-start --metrics-file "$P/collector/gridbackup.prom" "$ROOT"
mkdir "$P/collector"
"$IB" service install --force --no-agent --cap-file "$P/cap" --unit-dir "$U" --no-start --health-interval 30s \
  --on-warning 'echo "$GRIDBACKUP_REASONS" | logger' --metrics-file "$P/collector/gridbackup.prom" --metrics-listen 127.0.0.1:9310 "$ROOT" > /dev/null
want "ExecStart=$IB service run --cap-file $P/cap --no-agent --health-interval 30s --on-warning \"echo \\\"\$\$GRIDBACKUP_REASONS\\\" | logger\" --metrics-listen 127.0.0.1:9310 --metrics-file $P/collector/gridbackup.prom $ROOT"
want "ReadWritePaths=$P/repo $P/collector"
systemd-analyze verify --man=no "$UNIT" > "$W/verify.txt" 2>&1 || { cat "$W/verify.txt" "$UNIT" >&2; fail "systemd-analyze verify fails on the unit with health options"; }
expect_fail 2 "metrics-listen serves this machine only" "$IB" service install --force --cap-file "$P/cap" --unit-dir "$U" --no-start --metrics-listen 0.0.0.0:9310 "$ROOT"
pass "the health options reach the unit's ExecStart (a hook's \$ as \$\$), the metrics file's directory its ReadWritePaths"

step "install --user: ~/.config/systemd/user, no PrivateTmp, so a root in /var/tmp is fine"
HOME=$P/home "$IB" service install --user --force --cap-file "$P/cap" --no-start "$W" > /dev/null
USER_UNIT=$P/home/.config/systemd/user/gridbackup.service
[ -f "$USER_UNIT" ] || fail "no $USER_UNIT"
grep -qxF "ExecStart=$IB service run --user --cap-file $P/cap $W" "$USER_UNIT" || { cat "$USER_UNIT" >&2; fail "the user unit's ExecStart"; }
mkdir -m 700 "$P/run"
XDG_RUNTIME_DIR=$P/run systemd-analyze --user verify --man=no "$USER_UNIT" > "$W/verify.txt" 2>&1 || { cat "$W/verify.txt" >&2; fail "verify fails on the user unit"; }
pass "the user unit passes systemd-analyze --user verify"

step "an installed binary (cmake --install into a prefix) needs no --force; the unit names it and verifies"
command -v cmake > /dev/null || skip "cmake is not installed"
cmake --install "$(dirname "$GB")" --prefix "$P/prefix" > /dev/null || fail "cmake --install failed"
"$P/prefix/bin/gridbackup" service install --cap-file "$P/cap" --unit-dir "$P/installed" --no-start "$ROOT" > /dev/null ||
  fail "service install refused the installed binary"
grep -qxF "ExecStart=$P/prefix/bin/gridbackup service run --cap-file $P/cap $ROOT" "$P/installed/gridbackup.service" ||
  { cat "$P/installed/gridbackup.service" >&2; fail "the unit does not run the installed binary"; }
systemd-analyze verify --man=no "$P/installed/gridbackup.service" > "$W/verify.txt" 2>&1 || { cat "$W/verify.txt" >&2; fail "verify fails"; }
pass "the installed binary's unit passes systemd-analyze verify"

step "uninstall removes the unit"
"$GB" service uninstall --unit-dir "$U" --no-start | holds -xF "removed $UNIT" || fail "uninstall did not say it removed the unit"
[ -e "$UNIT" ] && fail "the unit is still there"
HOME=$P/home "$GB" service uninstall --user --no-start > /dev/null
[ -e "$USER_UNIT" ] && fail "the user unit is still there"
pass "uninstalled"
