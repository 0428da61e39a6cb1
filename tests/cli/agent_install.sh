#!/bin/bash
# `gridbackup agent install` writes the systemd unit (the text of
# agents/linux/gridbackup-agent.service, built into the binary) and the roots
# file; the unit runs this gridbackup with the capabilities fanotify needs
# and systemd-analyze accepts it; `agent uninstall` removes both.
source "$GB_TESTS/tools/cli_lib.sh"
U=$W/units
C=$W/etc
mkdir -p "$W/root one" "$W/root2"
"$GB" agent install --unit-dir "$U" --config-dir "$C" --no-start "$W/root one" "$W/root2" > "$W/install.txt"
grep -q "^wrote $U/gridbackup-agent.service" "$W/install.txt" || fail "install said: $(cat "$W/install.txt")"
UNIT=$U/gridbackup-agent.service
[ -f "$UNIT" ] || fail "no unit written"
printf '%s\n' "$W/root one" "$W/root2" | cmp -s - "$C/agent.conf" || fail "the roots file holds: $(cat "$C/agent.conf")"
GB_REAL=$(readlink -f "$GB")
grep -qxF "ExecStart=$GB_REAL agent run --state-dir /var/lib/gridbackup --roots-file $C/agent.conf" "$UNIT" ||
  fail "unexpected ExecStart: $(grep ExecStart "$UNIT")"
grep -qx 'CapabilityBoundingSet=CAP_SYS_ADMIN CAP_DAC_READ_SEARCH' "$UNIT" || fail "the capability bounding set is not limited to what fanotify needs"
grep -qx 'AmbientCapabilities=CAP_SYS_ADMIN CAP_DAC_READ_SEARCH' "$UNIT" || fail "the unit does not grant the capabilities"
for line in NoNewPrivileges=yes ProtectSystem=strict ReadWritePaths=/var/lib/gridbackup Restart=on-failure; do
  grep -qx "$line" "$UNIT" || fail "the unit lacks $line"
done
! grep -q '^ProtectHome=' "$UNIT" || fail "ProtectHome would hide home directories from the agent"
cmp -s <(grep -v -e '^ExecStart=' -e agent.conf "$UNIT") <(grep -v -e '^ExecStart=' -e agent.conf "$GB_TESTS/../agents/linux/gridbackup-agent.service") ||
  fail "the installed unit differs from agents/linux/gridbackup-agent.service beyond ExecStart"
pass "the unit runs this gridbackup on the listed roots with CAP_SYS_ADMIN and CAP_DAC_READ_SEARCH only"

if command -v systemd-analyze > /dev/null; then
  systemd-analyze verify "$UNIT" > "$W/verify.txt" 2>&1 || { cat "$W/verify.txt" >&2; fail "systemd-analyze verify rejects the unit"; }
  pass "systemd-analyze verify accepts the unit"
else
  echo "SKIPPED (loudly): no systemd-analyze here, the unit was not verified by systemd" >&2
fi

expect_fail 2 'cannot watch' "$GB" agent install --unit-dir "$U" --config-dir "$C" --no-start "$W/no-such-root"
"$GB" agent uninstall --unit-dir "$U" --config-dir "$C" --no-start > "$W/uninstall.txt"
[ ! -e "$UNIT" ] && [ ! -e "$C/agent.conf" ] || fail "uninstall left files: $(ls "$U" "$C")"
pass "uninstall removed the unit and the roots file"
