#!/usr/bin/env python3
"""An S3 endpoint that misbehaves on purpose, for the failure paths of s3://
that a healthy server never takes. The object key chooses the misbehaviour:

  .../flaky-*            the first PUT of each key answers 503 SlowDown, later ones 200
  .../fail-parts-*       multipart: initiate works, every part PUT answers 500
  .../complete-error-*   multipart: parts work, completion answers 200 with an <Error>
  .../bad-request-*      every request answers 400 InvalidArgument

It does not check signatures and stores nothing. Every request is logged as
"METHOD PATH?QUERY" to LOG_FILE. Usage: s3_fault_mock.py PORT_FILE LOG_FILE
"""
import http.server
import os
import sys
import threading

LOCK = threading.Lock()
SEEN = set()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, code, message):
        self.reply(status, ("<?xml version='1.0' encoding='UTF-8'?>\n<Error><Code>%s</Code><Message>%s</Message>"
                            "</Error>" % (code, message)).encode())

    def handle_any(self):
        length = int(self.headers.get("Content-Length", "0"))
        if length:
            self.rfile.read(length)
        with LOCK:
            LOG.write("%s %s\n" % (self.command, self.path))
            LOG.flush()
        path, _, query = self.path.partition("?")
        key = path.rsplit("/", 1)[-1]
        if key.startswith("bad-request"):
            return self.error(400, "InvalidArgument", "This request is refused on purpose")
        if self.command == "POST" and query.startswith("uploads"):
            return self.reply(200, b"<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                                   b"<UploadId>upload-1</UploadId></InitiateMultipartUploadResult>")
        if self.command == "PUT" and "partNumber=" in query:
            if key.startswith("fail-parts"):
                return self.error(500, "InternalError", "We encountered an internal error. Please try again.")
            return self.reply(200, headers=[("ETag", '"part-etag"')])
        if self.command == "POST" and query.startswith("uploadId="):
            if key.startswith("complete-error"):
                return self.error(200, "InternalError", "We encountered an internal error. Please try again.")
            return self.reply(200, b"<CompleteMultipartUploadResult><ETag>\"x-2\"</ETag></CompleteMultipartUploadResult>")
        if self.command == "DELETE":
            return self.reply(204)
        if self.command == "PUT" and key.startswith("flaky"):
            with LOCK:
                first = key not in SEEN
                SEEN.add(key)
            if first:
                return self.error(503, "SlowDown", "Please reduce your request rate.")
            return self.reply(200, headers=[("ETag", '"etag"')])
        return self.error(400, "NotImplemented", "The fault endpoint does not do %s" % self.command)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    LOG = open(sys.argv[2], "a")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()
