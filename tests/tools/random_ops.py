#!/usr/bin/env python3
"""Random file-system operations for the agent's differential test: creates,
writes, truncates, renames of files and directory trees, deletes, hard links,
symlinks, xattr and mode changes, all inside ROOT, reproducible from a seed.

usage: random_ops.py ROOT SEED COUNT [--additive]
Prints one line per operation (for the test log), so a failing seed can be
replayed by hand. --additive keeps every file's content where it is (new
files, directories, links, xattrs and modes only), for a test that must not
destroy what an upload queue still holds."""
import os
import random
import shutil
import sys


def main():
    root, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    additive = "--additive" in sys.argv[4:]
    rnd = random.Random(seed)

    def walk():
        files, dirs = [], [root]
        for d, ds, fs in os.walk(root):
            if "lost+found" in d:
                continue
            dirs += [os.path.join(d, x) for x in ds if x != "lost+found"]
            files += [os.path.join(d, x) for x in fs if not x.startswith(".gridbackup-cookie-")]
        return files, dirs

    def new_name(dirs):
        return os.path.join(rnd.choice(dirs), rnd.choice("abcdefgh") + str(rnd.randrange(1000)))

    def regular(files):
        return [f for f in files if os.path.isfile(f) and not os.path.islink(f)]

    for _ in range(count):
        files, dirs = walk()
        op = rnd.choice(["create"] * 4 + ["write"] * 3 + ["truncate", "rename", "rename_dir", "delete", "delete_dir", "mkdir"] * 1 +
                        ["mkdir"] + ["link", "symlink", "xattr", "chmod", "chmod_dir"])
        if additive and op in ("write", "truncate", "rename", "rename_dir", "delete", "delete_dir"):
            op = "create"
        try:
            if op == "create" or (op in ("write", "truncate", "link", "xattr", "chmod") and not regular(files)):
                p = new_name(dirs)
                if additive and os.path.lexists(p):
                    continue
                with open(p, "wb") as f:
                    f.write(rnd.randbytes(rnd.choice([0, 10, 3000, 70000])))
                print("create", p)
            elif op == "write":
                p = rnd.choice(regular(files))
                with open(p, "r+b") as f:
                    f.seek(rnd.randrange(max(1, os.path.getsize(p) + 1)))
                    f.write(rnd.randbytes(rnd.randrange(1, 5000)))
                print("write", p)
            elif op == "truncate":
                p = rnd.choice(regular(files))
                os.truncate(p, rnd.randrange(os.path.getsize(p) + 1))
                print("truncate", p)
            elif op == "rename" and files:
                src, dst = rnd.choice(files), new_name(dirs)
                if not os.path.isdir(dst):
                    os.rename(src, dst)
                    print("rename", src, dst)
            elif op == "rename_dir" and len(dirs) > 1:
                src = rnd.choice(dirs[1:])
                dst = new_name([d for d in dirs if not (d + "/").startswith(src + "/")])
                if not os.path.exists(dst):
                    os.rename(src, dst)
                    print("rename_dir", src, dst)
            elif op == "delete" and files:
                p = rnd.choice(files)
                os.unlink(p)
                print("delete", p)
            elif op == "delete_dir" and len(dirs) > 1 and rnd.random() < 0.5:
                p = rnd.choice(dirs[1:])
                shutil.rmtree(p)
                print("delete_dir", p)
            elif op == "mkdir":
                p = new_name(dirs)
                os.makedirs(os.path.join(p, "sub") if rnd.random() < 0.3 else p, exist_ok=True)
                print("mkdir", p)
            elif op == "link":
                src, dst = rnd.choice(regular(files)), new_name(dirs)
                if not os.path.exists(dst):
                    os.link(src, dst)
                    print("link", src, dst)
            elif op == "symlink":
                dst = new_name(dirs)
                if not os.path.lexists(dst):
                    os.symlink(rnd.choice(["target", "../x", "/etc/passwd"]), dst)
                    print("symlink", dst)
            elif op == "xattr":
                p = rnd.choice(regular(files))
                if rnd.random() < 0.7:
                    os.setxattr(p, "user.gb", rnd.randbytes(rnd.randrange(1, 40)))
                else:
                    try:
                        os.removexattr(p, "user.gb")
                    except OSError:
                        pass
                print("xattr", p)
            elif op == "chmod":
                p = rnd.choice(regular(files))
                os.chmod(p, rnd.choice([0o600, 0o644, 0o755, 0o4755]))
                print("chmod", p)
            elif op == "chmod_dir" and len(dirs) > 1:
                p = rnd.choice(dirs[1:])
                os.chmod(p, rnd.choice([0o700, 0o755, 0o775]))
                print("chmod_dir", p)
        except (FileNotFoundError, FileExistsError, IsADirectoryError, NotADirectoryError, OSError) as e:
            print("skipped", op, e)


if __name__ == "__main__":
    main()
