#!/usr/bin/env python3
"""The shared scenarios (tests/scenarios/*.scn) on a real tree: for each one,
make the tree it starts from, take a first snapshot per dialect, run its
operations (with the fanotify agent recording them live), then replay each
dialect's recording (usn and fsevents: the committed .rec files; fanotify: the
live one) into that dialect's scratch journal with gridbackup-replay, cut a
narrow slice, and compare it with a full scan of the same tree.

usage: scenario_replay.py GB REPLAY SCENARIO_DIR WORK_DIR TREE_DIR
Exits non-zero, naming the scenario and dialect, on the first difference."""
import os
import shlex
import signal
import subprocess
import sys
import time

GB, REPLAY, SCN, WORK, TREES = sys.argv[1:6]
MAPS = {"usn": "C:\\", "fsevents": "/Users/ann/data"}


def run(*args, check=True):
    p = subprocess.run(list(args), capture_output=True, text=True)
    if check and p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(args)} exited {p.returncode}:\n{p.stdout}{p.stderr}")
    return p.stdout


def apply(tree, op):
    w = shlex.split(op)
    p = lambda i: os.path.join(tree, w[i])
    kind = w[0]
    if kind == "write":
        with open(p(1), "wb") as f:
            f.write(b"w" * int(w[2]))
    elif kind == "append":
        with open(p(1), "ab") as f:
            f.write(b"a" * int(w[2]))
    elif kind == "overwrite":
        with open(p(1), "r+b") as f:
            f.seek(int(w[2]))
            f.write(b"o" * int(w[3]))
    elif kind == "mkdir":
        os.mkdir(p(1))
    elif kind == "rmdir":
        os.rmdir(p(1))
    elif kind == "rm":
        os.unlink(p(1))
    elif kind == "rename":
        os.rename(p(1), p(2))
    elif kind == "link":
        os.link(p(1), p(2))
    elif kind == "symlink":
        os.symlink(w[1], p(2))
    elif kind == "chmod":
        os.chmod(p(1), int(w[2], 8))
    elif kind == "setxattr":
        os.setxattr(p(1), w[2], b"v")
    elif kind == "agent-down":
        pass  # the recordings carry the lost events; the tree has nothing to do
    else:
        sys.exit(f"FAIL: unknown operation '{op}'")


def wait_for(state, line, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if line in run(GB, "agent", "journal", "--state-dir", state, check=False):
            return True
        time.sleep(0.05)
    return False


def repo_args(name):
    return ["--repo", f"file://{WORK}/{name}-repo", "--cap-file", f"{WORK}/{name}-cap", "--state-dir", f"{WORK}/{name}-state"]


def check_dialect(name, d, pre, ops, overflow):
    """One dialect of one scenario, on a tree of its own."""
    tree = os.path.join(TREES, f"{name}-{d}")
    os.makedirs(tree)
    for rel in pre:
        os.makedirs(os.path.dirname(os.path.join(tree, rel)), exist_ok=True)
        with open(os.path.join(tree, rel), "wb") as f:
            f.write(b"before" * 100)
    run(GB, *repo_args(f"{name}-{d}"), "init", "--quiet")
    run(GB, *repo_args(f"{name}-{d}-scan"), "init", "--quiet")
    run(GB, *repo_args(f"{name}-{d}"), "backup", tree, "--no-upload", "--no-progress", "--from-journal")
    rec = os.path.join(SCN, "recordings", f"{name}.{d}.rec")
    if d == "fanotify":
        rec = os.path.join(WORK, f"{name}.fanotify.rec")
        rec_state = f"{WORK}/{name}-recorder"
        agent_log = open(f"{WORK}/{name}-agent.log", "w+")
        agent = subprocess.Popen([GB, "agent", "run", "--state-dir", rec_state, "--record", rec, tree], stderr=agent_log)
        if not wait_for(rec_state, f"rescan-needed dir {tree}", seconds=30):
            agent.kill()
            agent_log.seek(0)
            sys.exit(f"FAIL: {name}: the recording agent did not start (exit {agent.poll()}):\n{agent_log.read()}")
    for op in ops:
        apply(tree, op)
    if d == "fanotify":
        # A marker made after the operations, seen come and go: everything
        # before it is recorded (the marker itself is a cookie name, never
        # backed up, but its directory's new mtime is in the recording too).
        marker = os.path.join(tree, ".gridbackup-cookie-scenario")
        open(marker, "w").close()
        ok = wait_for(rec_state, f"created file {marker}")
        os.unlink(marker)
        ok = ok and wait_for(rec_state, f"deleted file {marker}")
        agent.send_signal(signal.SIGTERM)
        agent.wait()
        if not ok:
            sys.exit(f"FAIL: {name}: the recording agent did not see the operations")
    play = [REPLAY, "play", rec, "--state-dir", f"{WORK}/{name}-{d}-state"]
    if d in MAPS:
        play += ["--map", f"{MAPS[d]}={tree}"]
    run(*play)
    out = run(GB, *repo_args(f"{name}-{d}"), "backup", tree, "--no-upload", "--no-progress", "--from-journal")
    if not overflow and "narrow slice" not in out:
        sys.exit(f"FAIL: {name}/{d}: the replayed journal did not give a narrow slice:\n{out}")
    run(GB, *repo_args(f"{name}-{d}-scan"), "backup", tree, "--no-upload", "--no-progress", "--no-journal")
    want = run(GB, *repo_args(f"{name}-{d}-scan"), "ls", "latest", "--json")
    got = run(GB, *repo_args(f"{name}-{d}"), "ls", "latest", "--json")
    if got != want:
        import difflib
        diff = "".join(list(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "full scan", d))[:30])
        sys.exit(f"FAIL: {name}/{d}: the snapshot from the replayed recording differs from a full scan:\n{diff}")


def main():
    checked = 0
    for scn in sorted(f for f in os.listdir(SCN) if f.endswith(".scn")):
        name = scn[:-4]
        lines = [l.split(None, 1) for l in open(os.path.join(SCN, scn), encoding="utf-8") if l.strip() and not l.startswith("#")]
        pre = [rest.split()[0] for k, rest in lines if k == "pre"]
        ops = [rest.strip() for k, rest in lines if k == "op"]
        gaps = {rest.split()[0] for k, rest in lines if k == "gap"}
        overflow = any(k == "expect" and rest.strip() == "overflow" for k, rest in lines)
        dialects = [d for d in ("usn", "fsevents", "fanotify") if d not in gaps]
        if "agent-down" in " ".join(ops):
            dialects.remove("fanotify")  # a live agent cannot lose its events on cue
        for d in dialects:
            check_dialect(name, d, pre, ops, overflow)
            checked += 1
        print(f"ok: {name}: {', '.join(dialects)} replay to the full scan's snapshot")
    print(f"ok: {checked} scenario replays, three dialects, equal to full scans")


if __name__ == "__main__":
    main()
