#!/usr/bin/env python3
"""Seeds a benchmark node over HTTPS: registers merchants bench-m0… and funds residents bench-r0…
with a reward each, on one keep-alive connection.

  ledger_seed.py PORT CA_FILE ADMIN_KEY RESIDENTS MERCHANTS CENTS_PER_RESIDENT
"""
import http.client
import json
import ssl
import sys
import uuid


def main():
    port, ca, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    residents, merchants, cents = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    context = ssl.create_default_context(cafile=ca)
    context.check_hostname = False
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context)

    def post(path, body, idempotent=False):
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        if idempotent:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        connection.request("POST", "/api/coin/v1" + path, body=json.dumps(body), headers=headers)
        response = connection.getresponse()
        text = response.read()
        if response.status != 201:
            sys.exit(f"seeding {path} failed: {response.status} {text!r}")

    for index in range(merchants):
        post("/merchants", {"id": f"bench-m{index}", "name": f"Benchmark shop {index}"})
    for index in range(residents):
        post("/transfers", {"debitAccount": "issuance", "creditAccount": f"resident:bench-r{index}",
                            "amountCents": cents, "code": "reward"}, idempotent=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
