#!/usr/bin/env python3
"""Payment load for the ledger's crash test: N keep-alive HTTPS connections, each sending
POST /api/coin/v1/payments with a fresh Idempotency-Key, until the deadline or until the server
goes away (it is killed with SIGKILL mid-load). Writes "acknowledged" and a newline to stderr at
the first 201, so the test can kill the server while payments are being acknowledged, and at
the end prints one JSON object to stdout:

  {"acknowledged": [{"id", "resident", "merchant", "amountCents"} of each payment answered 201],
   "refused": n (4xx), "unanswered": [ids sent without an answer], "errors": n, "lastError": "..."}

An id in "unanswered" may or may not have been applied; a payment in "acknowledged" must be
there, with that content.
"""
import argparse
import asyncio
import json
import random
import ssl
import sys
import time
import uuid


async def worker(args, ctx, deadline, results):
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", args.port, ssl=ctx)
    except Exception as error:  # noqa: BLE001 - a dead server is an outcome, not a failure
        results["errors"] += 1
        results["lastError"] = repr(error)
        return
    residents = args.residents.split(",")
    merchants = args.merchants.split(",")
    try:
        while time.monotonic() < deadline:
            key = str(uuid.uuid4())
            payment = {"resident": random.choice(residents), "merchant": random.choice(merchants),
                       "amountCents": random.randint(1, 50)}
            body = json.dumps(payment).encode()
            head = (f"POST /api/coin/v1/payments HTTP/1.1\r\nHost: node\r\nAuthorization: Bearer {args.key}\r\n"
                    f"Idempotency-Key: \"{key}\"\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
            results["unanswered"].append(key)
            writer.write(head.encode() + body)
            await writer.drain()
            response = await reader.readuntil(b"\r\n\r\n")
            status = int(response.split(b" ")[1])
            length = 0
            for line in response.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            results["unanswered"].remove(key)
            if status == 201:
                if not results["acknowledged"]:
                    sys.stderr.write("acknowledged\n")
                    sys.stderr.flush()
                results["acknowledged"].append({"id": key, **payment})
            elif 400 <= status < 500:
                results["refused"] += 1
            else:
                results["errors"] += 1
                results["lastError"] = f"status {status}"
    except Exception as error:  # noqa: BLE001 - the server was killed: stop this connection
        results["errors"] += 1
        results["lastError"] = repr(error)
    finally:
        writer.close()


async def run(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(args.ca)
    ctx.check_hostname = False
    results = {"acknowledged": [], "refused": 0, "unanswered": [], "errors": 0, "lastError": None}
    deadline = time.monotonic() + args.seconds
    await asyncio.gather(*(worker(args, ctx, deadline, results) for _ in range(args.connections)))
    print(json.dumps(results))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--residents", required=True)
    parser.add_argument("--merchants", required=True)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=2)
    asyncio.run(run(parser.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
