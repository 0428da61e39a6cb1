#!/bin/bash
# The launchd plists of the always-on service (agents/macos; unbuilt here,
# no macOS toolchain): each parses as a property list (python3 plistlib) and
# runs `gridbackup service run` (the LaunchAgent with --user), restarts only
# on failure and gives the service time to stop its agent.
source "$GB_TESTS/tools/cli_lib.sh"
command -v python3 > /dev/null || skip "python3 is needed to parse the plists"
for plist in org.gridbackup.service.plist org.gridbackup.service.user.plist; do
  step "$plist parses and names service run"
  python3 - "$GB_TESTS/../agents/macos/$plist" << 'PY' || fail "$plist"
import plistlib, sys
path = sys.argv[1]
with open(path, "rb") as f:
    p = plistlib.load(f)
args = p["ProgramArguments"]
assert p["Label"] == "org.gridbackup.service", p["Label"]
assert args[0].endswith("/gridbackup") and args[1:3] == ["service", "run"], args
assert ("--user" in args) == path.endswith(".user.plist"), args
assert "--cap-file" in args and args[-1].startswith("/"), args
assert p["KeepAlive"] == {"SuccessfulExit": False}, p["KeepAlive"]
assert p["RunAtLoad"] is True and p["ExitTimeOut"] >= 15 and p["Umask"] == 0o077
print("ok:", path.rsplit("/", 1)[1], " ".join(args))
PY
done
