#!/usr/bin/env python3
"""A stand-in for the web API of a Tahoe-LAFS node, for testing tahoe://.

It answers the requests core/storage/tahoe_backend.cpp makes, in the shapes
docs/frontends/webapi.rst documents and as a real Tahoe-LAFS 1.17.1 node was
seen to answer them (issue 20: an introducer, 4 storage nodes, a client with
shares.needed=2, happy=3, total=4):

  POST /uri?t=mkdir                      -> write cap of a new directory
  GET  /uri/$DIRCAP/[SUBDIRS../]NAME     -> file contents (one "bytes" Range:
                                            206; past the end 416 with a text
                                            body and no Content-Range)
  GET  /uri/$DIRCAP/[PATH]?t=json        -> ["filenode", {...}] or ["dirnode", {...}]
                                            as text/plain
  PUT  /uri/$DIRCAP/[SUBDIRS../]NAME     -> upload + link; 201 new, 200 replaced;
                                            400 where a directory is, 409 below a file
  POST /uri/$DIRCAP/[SUBDIRS../]DIR?t=mkdir -> make the directory and parents
  POST /uri/$DIRCAP/[SUBDIRS../]?t=mkdir&name=NAME[&replace=false]
                                         -> make NAME in an existing directory
                                            (409 if it exists and replace=false)
  DELETE /uri/$DIRCAP/[SUBDIRS../]NAME   -> unlink (404 if there is no such child)
PUT, POST and DELETE answer chunked text/html, like the real node.

What the real node does and this imitation copies:
- A PUT whose parent directories are missing (and POST DIR?t=mkdir where
  DIR is missing) creates them without any coordination: it makes a new directory (which takes a while: a mutable
  file needs a new RSA key) and links it over whatever is there. Concurrent
  PUTs into one missing directory each answer 201, yet only the last one's
  child stays linked; every third such collision answers 500
  (UncoordinatedWriteError) instead. MKDIR_DELAY (seconds, env
  TAHOE_MOCK_MKDIR_DELAY) is how long making a directory takes.
- Errors of directory lookups (404, 409, 410) are HTML pages that begin with
  an empty line, whatever Accept says; 500s are Python tracebacks whose last
  line is the error. A 410 for a file is one line (NotEnoughSharesError).
- URI:DIR2-RO: read-only caps serve reads; writes through them answer 500
  (NotWriteableError). A well-formed cap this node has no shares for gives
  410; a cap it cannot parse gives 200 ["unknown", {}] for ?t=json and 404
  below it.
- Files of 55 bytes or less are not uploaded but kept in their cap (URI:LIT:).
- POST /mock?servers=N (not Tahoe) says how many storage servers are
  reachable; with fewer than HAPPY=3 every CHK upload fails with 500
  UploadUnhappinessError. POST /mock?unavailable=NAME makes reads of files
  named NAME answer 410 NotEnoughSharesError.
A cap that starts with URI:DIR2:stall makes the node hang, to test stall timeouts.

It keeps everything in memory. It is not Tahoe: no encryption, no shares, no
grid. Usage: tahoe_mock.py PORT_FILE [LOG_FILE]; it listens on a free port of
127.0.0.1 and writes "PORT ROOT_DIRCAP" to PORT_FILE.
"""
import base64
import hashlib
import http.server
import json
import os
import re
import sys
import threading
import time
import urllib.parse

LOCK = threading.Lock()
DIRS = {}  # write cap -> {name: ("file", bytes, cap, metadata) | ("dir", cap, metadata)}
LOG = None
MKDIR_DELAY = float(os.environ.get("TAHOE_MOCK_MKDIR_DELAY", "0.2"))
NEEDED, HAPPY = 2, 3
STATE = {"servers": 4, "collisions": 0, "unavailable": set()}
CAP_RE = re.compile(r"^URI:DIR2(-RO)?:[a-z2-7]{26}:[a-z2-7]{52}$")


def b32(data):
    return base64.b32encode(data).decode().lower().rstrip("=")


def new_dircap():
    cap = "URI:DIR2:%s:%s" % (b32(os.urandom(16)), b32(os.urandom(32)))
    DIRS[cap] = {}
    return cap


def readonly(cap):
    return cap.replace("URI:DIR2:", "URI:DIR2-RO:", 1)


def file_cap(data):
    if len(data) <= 55:  # a literal: the cap holds the data
        return "URI:LIT:" + b32(data)
    digest = hashlib.sha256(data).digest()
    return "URI:CHK:%s:%s:%d:4:%d" % (b32(digest[:16]), b32(digest[16:]), NEEDED, len(data))


def link_metadata():
    now = time.time()
    return {"tahoe": {"linkcrtime": now, "linkmotime": now}}


def html_page(status, title, detail):
    # twisted.web.resource.ErrorPage, as Tahoe's directory lookups send it
    return ("\n<html>\n  <head><title>%d - %s</title></head>\n  <body>\n    <h1>%s</h1>\n"
            "    <p>%s</p>\n  </body>\n</html>\n" % (status, title, title, detail))


def traceback(error, message):
    return ("Traceback (most recent call last):\n"
            "  File \"/usr/lib/python3/dist-packages/twisted/internet/defer.py\", line 1697, in _inlineCallbacks\n"
            "    result = context.run(gen.send, result)\n"
            "  File \"/usr/lib/python3/dist-packages/allmydata/web/filenode.py\", line 61, in replace_me_with_a_child\n"
            "    filecap = yield self.parentnode.add_file(self.name, uploadable, replace=replace)\n"
            "%s: %s\n" % (error, message))


class Failure(Exception):
    def __init__(self, status, message, content_type="text/plain; charset=utf-8"):
        super().__init__(message)
        self.status = status
        self.message = message
        self.content_type = content_type


def html_failure(status, title, detail):
    return Failure(status, html_page(status, title, detail), "text/html; charset=utf-8")


def not_writeable():
    return Failure(500, traceback("allmydata.mutable.common.NotWriteableError", ""))


def file_json(entry, with_metadata):
    _, data, cap, metadata = entry
    info = {"ro_uri": cap, "size": len(data), "mutable": False}
    if cap.startswith("URI:CHK:"):
        info["verify_uri"] = cap.replace("URI:CHK:", "URI:CHK-Verifier:", 1)
        info["format"] = "CHK"
    if with_metadata:
        info["metadata"] = metadata
    return ["filenode", info]


def dir_json(cap, writable, metadata=None, children=True):
    info = {"ro_uri": readonly(cap), "verify_uri": "URI:DIR2-Verifier:" + cap.split(":")[2],
            "mutable": True, "format": "SDMF"}
    if writable:
        info["rw_uri"] = cap
    if metadata is not None:
        info["metadata"] = metadata
    if children:
        kids = {}
        for name, entry in DIRS[cap].items():
            if entry[0] == "file":
                kids[name] = file_json(entry, True)
            else:
                kids[name] = dir_json(entry[1], writable, entry[2], children=False)
        info["children"] = kids
    return ["dirnode", info]


def root_of(cap):
    """(write cap, writable), or None for a cap the node cannot parse."""
    if not CAP_RE.match(cap):
        return None
    if cap.startswith("URI:DIR2-RO:"):
        for rw in DIRS:
            if readonly(rw) == cap:
                return rw, False
    elif cap in DIRS:
        return cap, True
    raise html_failure(410, "Gone", "NoSharesError: no shares could be found. Zero shares usually indicates a "
                                    "corrupt URI, or that no servers were connected, but it might also indicate "
                                    "severe corruption. You should perform a filecheck on this object to learn more.")


def walk(cap, names):
    """The directory cap reached by following names from cap."""
    for name in names:
        entry = DIRS[cap].get(name)
        if entry is None:
            raise html_failure(404, "No Such Resource", "No such child: %s" % name)
        if entry[0] != "dir":
            raise html_failure(404, "No Such Resource", "Files have no children named %s" % name)
        cap = entry[1]
    return cap


def missing_parents(cap, names):
    """(deepest existing directory, index of the first missing name) for the parents in names."""
    for i, name in enumerate(names):
        entry = DIRS[cap].get(name)
        if entry is None:
            return cap, i
        if entry[0] != "dir":
            raise html_failure(409, "Conflict", "Unable to create directory '%s': a file was in the way" % name)
        cap = entry[1]
    return cap, len(names)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, body, content_type="text/plain; charset=utf-8", headers=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        chunked = self.command in ("PUT", "POST", "DELETE")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        if chunked:
            if body:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(body), body))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(body)

    def request_parts(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        segments = [urllib.parse.unquote(s) for s in url.path.split("/")[1:]]
        if LOG:
            with LOCK:
                LOG.write("%s %s accept=%s\n" % (self.command, self.path, self.headers.get("Accept", "")))
                LOG.flush()
        return segments, query

    def body(self):
        length = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(length) if length else b""

    def dispatch(self):
        segments, query = self.request_parts()
        if len(segments) > 1 and segments[1].startswith("URI:DIR2:stall"):
            time.sleep(30)  # a node that accepted the connection and hangs
            self.close_connection = True
            return
        data = self.body() if self.command in ("PUT", "POST") else b""
        try:
            t = query.get("t", "")
            if (self.command == "PUT" and len(segments) > 3 and t == "") or \
               (self.command == "POST" and len(segments) > 2 and t == "mkdir" and "name" not in query):
                result = self.put_creating_parents(segments, data)
            else:
                with LOCK:
                    result = self.route(segments, query, data)
            self.answer(*result)
        except Failure as f:
            self.answer(f.status, f.message if f.message.endswith("\n") else f.message + "\n", f.content_type)

    do_GET = do_PUT = do_POST = do_DELETE = dispatch

    def writable_root(self, segments):
        root = root_of(segments[1])
        if root is None:
            raise html_failure(404, "No Such Resource", "No such child: %s" % (segments[2] if len(segments) > 2 else ""))
        if not root[1]:
            raise not_writeable()
        return root[0]

    def store(self, parent, name, data):
        """Links a file named name into the existing directory parent (LOCK held)."""
        old = DIRS[parent].get(name)
        if old is not None and old[0] == "dir":
            raise Failure(400, "PUT to a directory")
        if len(data) > 55 and STATE["servers"] < HAPPY:
            n = STATE["servers"]
            raise Failure(500, traceback(
                "allmydata.interfaces.UploadUnhappinessError",
                "shares could be placed on only %d server(s) such that any %d of them have enough shares to "
                "recover the file, but we were asked to place shares on at least %d such servers." % (n, NEEDED, HAPPY)
                if n >= NEEDED else
                "shares could be placed or found on only %d server(s). We were asked to place shares on at least "
                "%d server(s) such that any %d of them have enough shares to recover the file." % (n, HAPPY, NEEDED)))
        child_cap = file_cap(data)
        DIRS[parent][name] = ("file", data, child_cap, link_metadata())
        return (200 if old else 201), child_cap, "text/html; charset=utf-8"

    def put_creating_parents(self, segments, data):
        """PUT of a file whose parent directories may be missing, or POST
        DIR?t=mkdir, made as the real node makes them: look, make new
        directories (slowly), link them over whatever is there by then."""
        names = [s for s in segments[2:] if s != ""]
        mkdir = self.command == "POST"
        dirs = names if mkdir else names[:-1]
        with LOCK:
            cap = self.writable_root(segments)
            existing, first_missing = missing_parents(cap, dirs)
            if first_missing == len(dirs):
                return (200, existing, "text/html; charset=utf-8") if mkdir else self.store(existing, names[-1], data)
        time.sleep(MKDIR_DELAY)
        with LOCK:
            top = new_dircap()
            parent = top
            for name in dirs[first_missing + 1:]:
                child = new_dircap()
                DIRS[parent][name] = ("dir", child, link_metadata())
                parent = child
            result = (200, parent, "text/html; charset=utf-8") if mkdir else self.store(parent, names[-1], data)
            if names[first_missing] in DIRS[existing]:  # another PUT made it meanwhile
                STATE["collisions"] += 1
                if STATE["collisions"] % 3 == 0:
                    raise Failure(500, traceback("allmydata.mutable.common.UncoordinatedWriteError", ""))
            DIRS[existing][names[first_missing]] = ("dir", top, link_metadata())  # replaces, as the node does
            return result

    def route(self, segments, query, data):
        t = query.get("t", "")
        if segments == ["uri"] and self.command == "POST" and t == "mkdir":
            return 200, new_dircap(), "text/html; charset=utf-8"
        if segments == ["mock"] and self.command == "POST":
            if "servers" in query:
                STATE["servers"] = int(query["servers"])
            if "unavailable" in query:
                STATE["unavailable"].add(query["unavailable"])
            return 200, "ok", "text/html; charset=utf-8"
        if len(segments) < 2 or segments[0] != "uri":
            raise html_failure(404, "No Such Resource", "Not Found")
        names = [s for s in segments[2:] if s != ""]
        if self.command == "GET":
            root = root_of(segments[1])
            if root is None:
                if names:
                    raise html_failure(404, "No Such Resource", "No such child: %s" % names[0])
                if t == "json":
                    return 200, json.dumps(["unknown", {}]), "text/plain"
                raise Failure(400, "Bad Request: unknown cap")
            return self.get(root[0], root[1], names, t)
        cap = self.writable_root(segments)
        if self.command == "POST" and t == "mkdir":
            if "name" not in query:  # the root itself (other paths: put_creating_parents)
                return 200, cap, "text/html; charset=utf-8"
            # DIR?t=mkdir&name=NAME: one new directory in an existing one, made
            # while the node holds DIR's write lock: with replace=false only
            # the first of concurrent makers wins, the others get 409.
            parent = walk(cap, names)
            name = query["name"]
            if name in DIRS[parent] and query.get("replace", "true") in ("false", "0", "off"):
                raise html_failure(409, "Conflict", "There was already a child by that name, and you asked me to not replace it.")
            child = new_dircap()
            DIRS[parent][name] = ("dir", child, link_metadata())
            return 200, child, "text/html; charset=utf-8"
        if self.command == "PUT" and t == "":
            if not names:
                raise Failure(400, "PUT to a directory")
            return self.store(walk(cap, names[:-1]), names[-1], data)
        if self.command == "DELETE":
            if not names:
                raise Failure(400, "Bad Request: cannot delete a root")
            parent = walk(cap, names[:-1])
            entry = DIRS[parent].pop(names[-1], None)
            if entry is None:
                raise html_failure(404, "No Such Resource", "No such child: %s" % names[-1])
            return 200, entry[2] if entry[0] == "file" else entry[1], "text/html; charset=utf-8"
        raise Failure(400, "Bad Request: unsupported %s t=%s" % (self.command, t))

    def get(self, cap, writable, names, t):
        parent = walk(cap, names[:-1])
        if names:
            entry = DIRS[parent].get(names[-1])
            if entry is None:
                raise html_failure(404, "No Such Resource", "No such child: %s" % names[-1])
        else:
            entry = ("dir", cap, None)
        if t == "json":
            if entry[0] == "file":
                return 200, json.dumps(file_json(entry, True)), "text/plain"
            return 200, json.dumps(dir_json(entry[1], writable, entry[2])), "text/plain"
        if t:
            raise Failure(400, "Bad Request: t=%s" % t)
        if entry[0] == "dir":
            return 200, "<html><body>a directory</body></html>", "text/html"
        if names[-1] in STATE["unavailable"]:
            raise Failure(410, "NotEnoughSharesError: This indicates that some servers were unavailable, or that "
                               "shares have been lost to server departure, hard drive failure, or disk corruption. "
                               "You should perform a filecheck on this object to learn more.")
        content = entry[1]
        wanted = self.headers.get("Range")
        if not wanted:
            return 200, content, "application/octet-stream"
        if not wanted.startswith("bytes=") or "," in wanted:
            raise Failure(400, "Bad Request: only one bytes range is supported")
        first, _, last = wanted[6:].partition("-")
        first = int(first)
        last = min(int(last) if last else len(content) - 1, len(content) - 1)
        if first >= len(content):
            return 416, "Requested Range Not Satisfiable", "text/plain"
        return (206, content[first:last + 1], "application/octet-stream",
                [("Content-Range", "bytes %d-%d/%d" % (first, last, len(content)))])


def main():
    global LOG
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    if len(sys.argv) == 3:
        LOG = open(sys.argv[2], "a")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    root = new_dircap()
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write("%d %s\n" % (server.server_address[1], root))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
