#!/usr/bin/python3
"""Compares two directory trees byte for byte and in metadata.

Usage: treecompare.py SOURCE RESTORED [--no-owner] [--no-mtime-dirs] [--ignore NAME...]
Exits 0 when equal; otherwise prints every difference and exits 1.
Checked: the set of names (as bytes), types, file contents, permission
bits, owner, mtime (nanoseconds), extended attributes, symlink targets,
device numbers, and hard-link groups (paths sharing an inode in the source
must share one in the copy, and no others).
"""
import hashlib
import os
import stat
import sys


def walk(root):
    out = {}
    rootb = os.fsencode(root)
    for dirpath, dirnames, filenames in os.walk(rootb):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            out[os.path.relpath(full, rootb)] = full
    return out


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def xattrs(path):
    try:
        names = os.listxattr(path, follow_symlinks=False)
    except OSError:
        return {}
    return {n: os.getxattr(path, n, follow_symlinks=False) for n in names}


def describe(path, check_owner, check_dir_mtime):
    st = os.lstat(path)
    d = {"type": stat.S_IFMT(st.st_mode), "mode": stat.S_IMODE(st.st_mode)}
    if check_owner:
        d["owner"] = (st.st_uid, st.st_gid)
    if not stat.S_ISDIR(st.st_mode) or check_dir_mtime:
        d["mtime_ns"] = st.st_mtime_ns
    if stat.S_ISLNK(st.st_mode):
        d["target"] = os.readlink(path)
        del d["mode"]  # symlink permissions are meaningless on Linux
    elif stat.S_ISREG(st.st_mode):
        d["size"] = st.st_size
        d["sha256"] = digest(path)
    elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        d["rdev"] = st.st_rdev
    d["xattrs"] = xattrs(path)
    return d, (st.st_dev, st.st_ino) if st.st_nlink > 1 and not stat.S_ISDIR(st.st_mode) else None


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    flags = [a for a in sys.argv[1:] if a.startswith("--")]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    check_owner = "--no-owner" not in flags
    check_dir_mtime = "--no-mtime-dirs" not in flags
    a, b = walk(args[0]), walk(args[1])
    problems = []
    for rel in sorted(set(a) | set(b)):
        shown = rel.decode("utf-8", "backslashreplace")
        if rel not in b:
            problems.append(f"missing in copy: {shown}")
            continue
        if rel not in a:
            problems.append(f"extra in copy: {shown}")
            continue
        da, la = describe(a[rel], check_owner, check_dir_mtime)
        db, lb = describe(b[rel], check_owner, check_dir_mtime)
        for key in sorted(set(da) | set(db)):
            if da.get(key) != db.get(key):
                problems.append(f"{shown}: {key} differs: {da.get(key)!r} vs {db.get(key)!r}")
        a[rel], b[rel] = la, lb  # reuse the maps for link identities
    groups = {}
    for rel in a:
        if rel in b and a[rel] is not None:
            groups.setdefault(a[rel], set()).add(rel)
    for members in groups.values():
        copies = {b[m] for m in members}
        if len(copies) != 1 or None in copies:
            problems.append("hard-link group not preserved: " + ", ".join(sorted(m.decode("utf-8", "backslashreplace") for m in members)))
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} differences")
        return 1
    print(f"trees equal ({len(a)} paths)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
