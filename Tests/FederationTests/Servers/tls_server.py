#!/usr/bin/env python3
"""A small HTTPS server with mutual TLS for the federation client's tests: a real TLS peer
(Python's ssl module over OpenSSL), not a mock. It prints its port on the first line of stdout.

Routes (any method):
  /status/CODE          answers CODE with {"count": N}, N = calls so far of this method + path
  /retry-after/SECONDS  answers 503 with Retry-After: SECONDS
  /big/BYTES            answers 200 with BYTES bytes
  /slow/MILLISECONDS    waits, then answers 200
  /echo                 answers {"method", "clientPort", "peerOin", "bodyLength", "idempotencyKey"}
  /counts               answers the calls seen so far, {"METHOD /path": N}
"""
import argparse
import json
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

counts = {}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = self.path.split("?")[0]
        parts = path.strip("/").split("/")
        key = f"{self.command} {path}"
        if parts[0] != "counts":
            with lock:
                counts[key] = counts.get(key, 0) + 1
                seen = counts[key]
        if parts[0] == "status":
            self.send(int(parts[1]), json.dumps({"count": seen}).encode())
        elif parts[0] == "retry-after":
            self.send(503, b"{}", [("Retry-After", parts[1])])
        elif parts[0] == "big":
            self.send(200, b"a" * int(parts[1]))
        elif parts[0] == "slow":
            time.sleep(int(parts[1]) / 1000)
            self.send(200, b"{}")
        elif parts[0] == "echo":
            subject = dict(entry[0] for entry in self.connection.getpeercert().get("subject", ()))
            self.send(200, json.dumps({
                "method": self.command, "clientPort": self.client_address[1], "peerOin": subject.get("serialNumber"),
                "bodyLength": len(body), "idempotencyKey": self.headers.get("Idempotency-Key"),
            }).encode())
        elif parts[0] == "counts":
            with lock:
                self.send(200, json.dumps(counts).encode())
        else:
            self.send(404, b"{}")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--ca", required=True)
    arguments = parser.parse_args()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(arguments.cert, arguments.key)
    context.load_verify_locations(arguments.ca)
    context.verify_mode = ssl.CERT_REQUIRED
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    # The handshake runs in each connection's thread, on its first read.
    server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    print(server.server_address[1], flush=True)
    # Stop when the test process closes our stdin (it died or finished).
    threading.Thread(target=lambda: (sys.stdin.read(), server.shutdown()), daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
