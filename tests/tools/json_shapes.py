#!/usr/bin/env python3
# Checks --json outputs against docs/JSON.md's ```json-fields NAME blocks
# (the page's "Field lists" says the form): every listed member is there with
# its type, and every member the output holds is listed, so neither the page
# nor the code can change alone.
#
#   json_shapes.py DOC NAME=FILE...       check each FILE against block NAME
#   json_shapes.py --all DOC NAME=FILE... also fail when a block of DOC is not checked
#                                         (but those named "ui ...": cli.ui_browser checks them)
#
# A FILE that is not one JSON value is read as JSON lines (backup --json); then
# NAME's last word is the message_type of the lines checked ("backup status"),
# and at least one such line must be there.
import json
import re
import sys

TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


def read_blocks(doc):
    blocks = {}
    text = open(doc, encoding="utf-8").read()
    for m in re.finditer(r"^```json-fields ([^\n]+)\n(.*?)^```$", text, re.M | re.S):
        name, fields = m.group(1).strip(), {}
        for n, line in enumerate(m.group(2).splitlines(), 1):
            if not line.strip():
                continue
            path, sep, types = line.partition(":")
            path, types = path.strip(), [t.strip() for t in types.split("|")]
            if not sep or not path or any(t not in TYPES for t in types):
                sys.exit(f"{doc}: block '{name}' line {n}: not 'path: type|type': {line!r}")
            optional = path.endswith("?")
            fields[path.rstrip("?")] = (types, optional)
        if name in blocks:
            sys.exit(f"{doc}: two blocks named '{name}'")
        blocks[name] = fields
    return blocks


def steps(path):
    # "a[].b{}.c" -> ["a", "[]", "b", "{}", "c"]; "[]" alone: a top-level array.
    return [s for s in re.split(r"(\[\]|\{\}|\.)", path) if s and s != "."]


def join(parts):
    out = ""
    for p in parts:
        out += p if p in ("[]", "{}") or not out else "." + p
    return out


def walk(value, prefix, seen):
    # Every concrete path of the value as a tuple of steps, arrays' indices as "[]".
    if isinstance(value, dict):
        for k, v in value.items():
            seen.add(prefix + (k,))
            walk(v, prefix + (k,), seen)
    elif isinstance(value, list):
        for v in value:
            seen.add(prefix + ("[]",))
            walk(v, prefix + ("[]",), seen)


def listed(concrete, field_steps):
    # "{}" in a listed path stands for any member name (a map's keys); a path
    # on the way to a listed one is listed too ("a[]" by "a[].b").
    return len(concrete) <= len(field_steps) and all(f == c or (f == "{}" and c != "[]") for f, c in zip(field_steps, concrete))


def check(name, fields, doc, errors):
    optional_prefixes = {p for p, (_, opt) in fields.items() if opt}

    def optional(path):
        parts = steps(path)
        return any(join(parts[:i]) in optional_prefixes for i in range(1, len(parts) + 1))

    for path, (types, _) in fields.items():
        values = [doc]
        for i, step in enumerate(steps(path)):
            nxt = []
            for v in values:
                if step == "[]":
                    if isinstance(v, list):
                        nxt.extend(v)
                    elif not optional(path):
                        errors.append(f"{name}: {join(steps(path)[:i]) or 'the document'} is not an array")
                elif step == "{}":
                    if isinstance(v, dict):
                        nxt.extend(v.values())
                    elif not optional(path):
                        errors.append(f"{name}: {join(steps(path)[:i])} is not an object")
                elif isinstance(v, dict) and step in v:
                    nxt.append(v[step])
                elif v is None and "null" in fields.get(join(steps(path)[:i]), ([], False))[0]:
                    pass  # below a member listed as possibly null: nothing to check when it is
                elif isinstance(v, dict) or v is None:
                    if not optional(path):
                        errors.append(f"{name}: member '{path}' is missing")
                elif not optional(path):
                    errors.append(f"{name}: {join(steps(path)[:i]) or 'the document'} is not an object (for '{path}')")
            values = nxt
        if not values and not optional(path) and not any(e.startswith(f"{name}: member '{path}'") for e in errors):
            errors.append(f"{name}: '{path}' is listed but never present (its arrays are all empty here; mark it '?' or test a fuller case)")
        for v in values:
            if not any(TYPES[t](v) for t in types):
                errors.append(f"{name}: '{path}' is {json.dumps(v)[:80]}, not {'|'.join(types)}")
    seen = set()
    walk(doc, (), seen)
    all_steps = [steps(f) for f in fields]
    for c in sorted(seen):
        if not any(listed(c, f) for f in all_steps):
            errors.append(f"{name}: member '{join(c)}' is in the output but not listed in docs/JSON.md")


def documents(name, path, errors):
    text = open(path, encoding="utf-8").read()
    try:
        return [json.loads(text)]
    except json.JSONDecodeError:
        pass
    kind, out = name.split()[-1], []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"{name}: {path} line {n} is not JSON ({e}): {line[:80]!r}")
            continue
        if isinstance(obj, dict) and obj.get("message_type") == kind:
            out.append(obj)
    if not out:
        errors.append(f"{name}: {path} holds no JSON value and no '{kind}' line")
    return out


def main(argv):
    want_all = argv[:1] == ["--all"]
    if want_all:
        argv = argv[1:]
    if len(argv) < 2:
        sys.exit("usage: json_shapes.py [--all] DOC NAME=FILE...")
    blocks, errors, checked = read_blocks(argv[0]), [], set()
    for arg in argv[1:]:
        name, sep, path = arg.partition("=")
        if not sep or name not in blocks:
            sys.exit(f"json_shapes: no block '{name}' in {argv[0]} (blocks: {', '.join(sorted(blocks))})")
        checked.add(name)
        for doc in documents(name, path, errors):
            check(name, blocks[name], doc, errors)
    if want_all:
        # The web page's blocks ("ui job") are checked by cli.ui_browser, which runs the server.
        for name in sorted(n for n in set(blocks) - checked if not n.startswith("ui ")):
            errors.append(f"{name}: documented in {argv[0]} but no output of it was checked")
    for e in errors:
        print("json_shapes: " + e, file=sys.stderr)
    if errors:
        return 1
    print(f"json_shapes: {len(checked)} shapes match {argv[0]} ({', '.join(sorted(checked))})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
