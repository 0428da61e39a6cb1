#!/usr/bin/env python3
"""A stand-in for the web API of a Tahoe-LAFS node, for testing tahoe://.

It answers the requests core/storage/tahoe_backend.cpp makes, in the shapes
docs/frontends/webapi.rst of Tahoe-LAFS documents them:

  POST /uri?t=mkdir                      -> write cap of a new directory
  GET  /uri/$DIRCAP/[SUBDIRS../]NAME     -> file contents (one "bytes" Range:
                                            206, or 416 if it starts past the end)
  GET  /uri/$DIRCAP/[PATH]?t=json        -> ["filenode", {...}] or ["dirnode", {...}]
  PUT  /uri/$DIRCAP/[SUBDIRS../]NAME     -> upload + link, making missing
                                            directories; 201 new, 200 replaced
  POST /uri/$DIRCAP/[SUBDIRS../]DIR?t=mkdir -> make the directory and parents
  DELETE /uri/$DIRCAP/[SUBDIRS../]NAME   -> unlink (404 if there is no such child)

Errors are text/plain lines with the status codes the documentation names
(404 unknown child, 400 bad request); a well-formed cap this node has never
seen gets 410 Gone, as a real node says when it finds no shares. A cap that
starts with URI:DIR2:stall makes the node hang, to test stall timeouts.

It keeps everything in memory. It is not Tahoe: no encryption, no shares, no
grid. Usage: tahoe_mock.py PORT_FILE [LOG_FILE]; it listens on a free port of
127.0.0.1 and writes "PORT ROOT_DIRCAP" to PORT_FILE.
"""
import base64
import hashlib
import http.server
import json
import os
import sys
import threading
import time
import urllib.parse

LOCK = threading.Lock()
DIRS = {}  # write cap -> {name: ("file", bytes, cap, metadata) | ("dir", cap, metadata)}
LOG = None


def b32(data):
    return base64.b32encode(data).decode().lower().rstrip("=")


def new_dircap():
    cap = "URI:DIR2:%s:%s" % (b32(os.urandom(16)), b32(os.urandom(32)))
    DIRS[cap] = {}
    return cap


def readonly(cap):
    return cap.replace("URI:DIR2:", "URI:DIR2-RO:", 1)


def file_cap(data):
    digest = hashlib.sha256(data).digest()
    return "URI:CHK:%s:%s:3:10:%d" % (b32(digest[:16]), b32(digest[16:]), len(data))


def link_metadata():
    now = time.time()
    return {"tahoe": {"linkcrtime": now, "linkmotime": now}}


class Failure(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def file_json(entry, with_metadata):
    _, data, cap, metadata = entry
    info = {"ro_uri": cap, "verify_uri": cap.replace("URI:CHK:", "URI:CHK-Verifier:", 1),
            "size": len(data), "mutable": False, "format": "CHK"}
    if with_metadata:
        info["metadata"] = metadata
    return ["filenode", info]


def dir_json(cap, metadata=None, children=True):
    info = {"rw_uri": cap, "ro_uri": readonly(cap), "verify_uri": "URI:DIR2-Verifier:" + cap.split(":")[2],
            "mutable": True, "format": "SDMF"}
    if metadata is not None:
        info["metadata"] = metadata
    if children:
        kids = {}
        for name, entry in DIRS[cap].items():
            if entry[0] == "file":
                kids[name] = file_json(entry, True)
            else:
                kids[name] = dir_json(entry[1], entry[2], children=False)
        info["children"] = kids
    return ["dirnode", info]


def root_of(cap):
    if not cap.startswith("URI:DIR2:"):
        raise Failure(400, "Bad Request: not a directory write cap")
    if cap not in DIRS:
        raise Failure(410, "NoSharesError: no shares could be found. Zero shares usually indicates a corrupt URI, "
                           "or that no servers were connected")
    return cap


def walk(cap, names, make=False):
    """The directory cap reached by following names from cap."""
    for name in names:
        entry = DIRS[cap].get(name)
        if entry is None:
            if not make:
                raise Failure(404, "No such child: %s" % name)
            child = new_dircap()
            DIRS[cap][name] = ("dir", child, link_metadata())
            cap = child
        elif entry[0] == "dir":
            cap = entry[1]
        else:
            raise Failure(400, "Unable to create directory '%s': a file was in the way" % name if make
                          else "Files have no children, certainly not named '%s'" % name)
    return cap


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
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
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
            with LOCK:
                result = self.route(segments, query, data)
            self.answer(*result)
        except Failure as f:
            self.answer(f.status, f.message + "\n")

    do_GET = do_PUT = do_POST = do_DELETE = dispatch

    def route(self, segments, query, data):
        t = query.get("t", "")
        if segments == ["uri"] and self.command == "POST" and t == "mkdir":
            return 200, new_dircap()
        if len(segments) < 2 or segments[0] != "uri":
            raise Failure(404, "Not Found")
        cap = root_of(segments[1])
        names = [s for s in segments[2:] if s != ""]
        if self.command == "POST" and t == "mkdir":
            return 200, walk(cap, names, make=True)
        if self.command == "GET":
            return self.get(cap, names, t)
        if self.command == "PUT" and t == "":
            if not names:
                raise Failure(400, "Bad Request: PUT to a directory")
            parent = walk(cap, names[:-1], make=True)
            old = DIRS[parent].get(names[-1])
            if old is not None and old[0] == "dir":
                raise Failure(409, "There was already a child by that name, and you asked me to not replace it")
            child_cap = file_cap(data)
            DIRS[parent][names[-1]] = ("file", data, child_cap, link_metadata())
            return (200 if old else 201), child_cap
        if self.command == "DELETE":
            if not names:
                raise Failure(400, "Bad Request: cannot delete a root")
            parent = walk(cap, names[:-1])
            entry = DIRS[parent].pop(names[-1], None)
            if entry is None:
                raise Failure(404, "No such child: %s" % names[-1])
            return 200, entry[2] if entry[0] == "file" else entry[1]
        raise Failure(400, "Bad Request: unsupported %s t=%s" % (self.command, t))

    def get(self, cap, names, t):
        parent = walk(cap, names[:-1])
        if names:
            entry = DIRS[parent].get(names[-1])
            if entry is None:
                raise Failure(404, "No such child: %s" % names[-1])
        else:
            entry = ("dir", cap, None)
        if t == "json":
            if entry[0] == "file":
                return 200, json.dumps(file_json(entry, True)), "application/json"
            return 200, json.dumps(dir_json(entry[1], entry[2])), "application/json"
        if t:
            raise Failure(400, "Bad Request: t=%s" % t)
        if entry[0] == "dir":
            return 200, "<html><body>a directory</body></html>", "text/html"
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
            return 416, "", "text/plain", [("Content-Range", "bytes */%d" % len(content))]
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
