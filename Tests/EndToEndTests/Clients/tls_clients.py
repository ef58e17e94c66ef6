#!/usr/bin/env python3
"""Black-box TLS clients for the end-to-end tests: things curl cannot do.

Each subcommand prints one JSON object on stdout and exits 0 when it could run its scenario
(whether the server behaved is for the calling test to judge from the JSON).

  raw        send exact bytes over TLS (one record per --payload) and print what came back
  keepalive  hold N concurrent keep-alive connections, each making R requests
  slowloris  trickle a request head byte by byte while other clients are served
  tls-version  try a handshake with a fixed protocol version
"""
import argparse
import asyncio
import base64
import json
import resource
import socket
import ssl
import sys
import time


def context(args, minimum=None, maximum=None, seclevel0=False):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(args.ca)
    ctx.check_hostname = False
    if args.cert:
        ctx.load_cert_chain(args.cert, args.key)
    if seclevel0:
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    if minimum:
        ctx.minimum_version = minimum
    if maximum:
        ctx.maximum_version = maximum
    return ctx


def read_response(stream_read):
    """Reads one HTTP/1.1 response with Content-Length framing; returns (status, headers, body)."""
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = stream_read(1)
        if not chunk:
            break
        head += chunk
    if not head:
        return None
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ")[1])
    headers = {}
    for line in lines[1:]:
        if b":" in line:
            name, value = line.split(b":", 1)
            headers[name.decode().strip().lower()] = value.decode().strip()
    length = int(headers.get("content-length", "0"))
    body = b""
    while len(body) < length:
        chunk = stream_read(length - len(body))
        if not chunk:
            break
        body += chunk
    return status, headers, body


def cmd_raw(args):
    sock = socket.create_connection(("127.0.0.1", args.port), timeout=args.timeout)
    tls = context(args).wrap_socket(sock)
    # Each --payload goes out as a TLS record of its own, back to back.
    for part in args.payload:
        tls.sendall(base64.b64decode(part))
    received = b""
    closed = False
    try:
        while True:
            chunk = tls.recv(65536)
            if not chunk:
                closed = True
                break
            received += chunk
    except (socket.timeout, TimeoutError):
        pass
    except (ConnectionResetError, ssl.SSLError):
        closed = True
    print(json.dumps({"response": received.decode("latin-1"), "closed": closed}))


async def open_tls(ctx, port, results):
    try:
        return await asyncio.open_connection("127.0.0.1", port, ssl=ctx)
    except Exception as error:  # noqa: BLE001 - every failure is a result to report
        results["connectFailures"] += 1
        results["lastError"] = repr(error)
        return None


async def run_keepalive(args):
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    ctx = context(args)
    results = {"connectFailures": 0, "ok": 0, "bad": 0, "lastError": None, "openAtOnce": 0}
    semaphore = asyncio.Semaphore(200)  # bounded handshake concurrency, as a browser fleet would ramp up

    async def connect():
        async with semaphore:
            return await open_tls(ctx, args.port, results)

    connections = [c for c in await asyncio.gather(*(connect() for _ in range(args.connections))) if c]
    results["openAtOnce"] = len(connections)
    request = f"GET {args.path} HTTP/1.1\r\nHost: node\r\n\r\n".encode()

    async def one(reader, writer):
        for _ in range(args.requests):
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ")[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            if status == 200 and b"connection: close" not in head.lower():
                results["ok"] += 1
            else:
                results["bad"] += 1

    outcomes = await asyncio.gather(*(one(r, w) for r, w in connections), return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, Exception):
            results["bad"] += 1
            results["lastError"] = repr(outcome)
    for _, writer in connections:
        writer.close()
    print(json.dumps(results))


def cmd_slowloris(args):
    ctx = context(args)
    slow = ctx.wrap_socket(socket.create_connection(("127.0.0.1", args.port), timeout=args.timeout))
    started = time.monotonic()
    partial = b"GET /api/node/v1/info HTTP/1.1\r\nHost: node\r\nX-Slow: "
    served_meanwhile = 0
    closed_after = None
    index = 0
    while time.monotonic() - started < args.timeout:
        try:
            slow.sendall(partial[index:index + 1] if index < len(partial) else b"a")
            index += 1
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            closed_after = time.monotonic() - started
            break
        # Another client is served normally while the slow one trickles.
        other = ctx.wrap_socket(socket.create_connection(("127.0.0.1", args.port), timeout=5))
        other.sendall(b"GET /api/node/v1/info HTTP/1.1\r\nHost: node\r\nConnection: close\r\n\r\n")
        response = read_response(other.recv)
        if response and response[0] == 200:
            served_meanwhile += 1
        other.close()
        slow.settimeout(args.interval)
        try:
            data = slow.recv(65536)
            if not data:
                closed_after = time.monotonic() - started
                break
        except (socket.timeout, TimeoutError):
            pass
        except (ConnectionResetError, ssl.SSLError, OSError):
            closed_after = time.monotonic() - started
            break
    print(json.dumps({"closedAfterSeconds": closed_after, "servedMeanwhile": served_meanwhile}))


def cmd_tls_version(args):
    versions = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1,
                "1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}
    version = versions.get(args.version)  # "any": let the two sides negotiate
    ctx = context(args, minimum=version, maximum=version, seclevel0=args.version in ("1.0", "1.1"))
    try:
        tls = ctx.wrap_socket(socket.create_connection(("127.0.0.1", args.port), timeout=args.timeout))
        print(json.dumps({"handshake": True, "version": tls.version(), "cipher": tls.cipher()[0]}))
    except (ssl.SSLError, ConnectionResetError, OSError) as error:
        print(json.dumps({"handshake": False, "error": str(error)}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["raw", "keepalive", "slowloris", "tls-version"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--payload", action="append", default=[],
                        help="base64 bytes for raw; repeat it to send several TLS records")
    parser.add_argument("--timeout", type=float, default=5)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=2)
    parser.add_argument("--path", default="/api/node/v1/info")
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--version", default="1.1")
    args = parser.parse_args()
    if args.command == "raw":
        cmd_raw(args)
    elif args.command == "keepalive":
        asyncio.run(run_keepalive(args))
    elif args.command == "slowloris":
        cmd_slowloris(args)
    else:
        cmd_tls_version(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
