#!/usr/bin/env python3
"""A stand-in for systemd's notify socket: binds a unix datagram socket at
PATH and appends each message it receives to LOG (one line per field,
'--' after each message), until killed. Usage: notify_socket.py PATH LOG"""
import os
import socket
import sys

path, log = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
with open(log, "a") as out:
    out.write("listening\n--\n")
    out.flush()
    while True:
        data = s.recv(65536)
        out.write(data.decode("utf-8", "replace").rstrip("\n") + "\n--\n")
        out.flush()
