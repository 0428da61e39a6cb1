#!/usr/bin/python3
"""One digest for a directory tree's state as a snapshot keeps it, so a test
can tell which of many saved states a restored snapshot is (treecompare.py
compares two trees in full; this names a state in one line).

Usage: tree_digest.py ROOT [--content-sizes]
Prints the SHA-256 of a canonical listing: every name (bytes) with its type,
permission bits, xattrs, symlink target, the content hash and mtime of each
regular file, and its hard-link group (the first path of its inode).
Directory mtimes are left out (a backup's cookie file touches the root's),
and so are the cookie files themselves and the root's lost+found. With --content-sizes it prints
instead one line per distinct regular file content: "SHA256 SIZE".
"""
import hashlib
import os
import stat
import sys

COOKIE = b".gridbackup-cookie-"


def file_hash(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def listing(root):
    rootb = os.fsencode(root)
    first_path = {}
    lines, contents = [], {}
    for dirpath, dirnames, filenames in os.walk(rootb):
        dirnames[:] = sorted(d for d in dirnames if not (dirpath == rootb and d == b"lost+found"))
        for name in sorted(dirnames + filenames):
            if name.startswith(COOKIE) or (dirpath == rootb and name == b"lost+found"):  # ext4's, not ours
                continue
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, rootb)
            st = os.lstat(full)
            xattrs = sorted((n, os.getxattr(full, n, follow_symlinks=False).hex()) for n in os.listxattr(full, follow_symlinks=False))
            line = [rel.hex(), oct(stat.S_IFMT(st.st_mode)), oct(stat.S_IMODE(st.st_mode)), repr(xattrs)]
            if stat.S_ISREG(st.st_mode):
                digest = file_hash(full)
                contents[digest] = st.st_size
                group = first_path.setdefault((st.st_dev, st.st_ino), rel)
                line += [digest, str(st.st_mtime_ns), group.hex()]
            elif stat.S_ISLNK(st.st_mode):
                line.append(os.readlink(full).hex())
            lines.append(" ".join(line))
    return lines, contents


def main():
    lines, contents = listing(sys.argv[1])
    if "--content-sizes" in sys.argv[2:]:
        for digest, size in sorted(contents.items()):
            print(digest, size)
    else:
        print(hashlib.sha256("\n".join(lines).encode()).hexdigest())


if __name__ == "__main__":
    main()
