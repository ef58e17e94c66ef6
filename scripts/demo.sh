#!/usr/bin/env bash
# Brings up a local Knooppunt federation on 127.0.0.1 and shows it working: the VNG registry
# (which holds the federation CA and signs the member directory) and municipalities, each
# admitted the way a real one is: `init` makes its key and a certificate signing request, the
# registry admits it (`registry admit` issues the certificate and lists it in the directory),
# and the member installs the certificate (`install-cert`). A member is revoked and refused,
# and a knowledge entry published at Heerlen is pulled by the other towns (signed sync). Then the
# Heerlens Heitje goes through Heerlen's coin API with curl: scheme, merchant, task, a resident's
# claim and its approval, a payment, a redemption, balances and the hash-chained journal. Runs in
# the foreground; Ctrl-C stops every node.
#
# Everything lives in demo/ (git-ignored). Running the script again reuses what is there; a demo/
# made by an older version of the script (see demo/.layout) is moved aside to demo.old-<date>.
# DEMO_BASE_PORT (default 8440) sets the registry's port; municipalities take the next ones.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

scripts/setup.sh
echo "== building knooppunt"
swift build --product knooppunt 2>&1 | tail -n 1
knooppunt="$(swift build --show-bin-path)/knooppunt"

demo="$repo_root/demo"
base_port="${DEMO_BASE_PORT:-8440}"
refresh_seconds=2
# How often every node pulls the others' change feeds (federation.syncIntervalSeconds).
sync_seconds=5
registry_oin=00000001000000000001
registry_url="https://127.0.0.1:$base_port"
# demo/.layout holds the version of the folder's layout, written when this script creates the
# folder. A demo/ without it (or with another version) was made by an older script, whose configs
# the steps below cannot update (e.g. no federation.registryOIN); it is moved aside, not patched.
# Raise the version when a change to this script makes older folders unusable.
layout_version=2
if [ -d "$demo" ] && [ -n "$(ls -A "$demo")" ] && [ "$(cat "$demo/.layout" 2>/dev/null)" != "$layout_version" ]; then
    stale="$demo.old-$(date +%Y%m%d-%H%M%S)"
    mv "$demo" "$stale"
    echo "note: demo/ was made by an older version of this script; moved it to ${stale#"$repo_root"/} and starting afresh"
fi
mkdir -p "$demo/certs"
[ -f "$demo/.layout" ] || echo "$layout_version" >"$demo/.layout"

# name|oin|cbs — as in examples/; the last one is admitted and then revoked at the end.
members=(
    "Heerlen|00000001000000917000|0917"
    "Zoetermeer|00000001000000637000|0637"
    "Veldhoven|00000001000000861000|0861"
    "Rijswijk|00000001000000603000|0603"
    "Maastricht|00000001000000935000|0935"
)
heerlen_oin=00000001000000917000
zoetermeer_oin=00000001000000637000
revoked_name=Maastricht
revoked_oin=00000001000000935000

slug() { echo "$1" | tr '[:upper:]' '[:lower:]' | sed 's/ .*//'; }

# Sets federation.registryURL, directoryRefreshSeconds and syncIntervalSeconds in a node's
# config.json (no URL for the registry itself), so a changed DEMO_BASE_PORT is picked up on a re-run.
configure_member() {
    python3 - "$1/config.json" "${2-$registry_url}" "$refresh_seconds" "$sync_seconds" <<'EOF'
import json, sys
path, url, seconds, sync = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
config = json.load(open(path))
federation = config.setdefault("federation", {})
federation.update(syncIntervalSeconds=sync)
if url:
    federation.update(registryURL=url, directoryRefreshSeconds=seconds)
json.dump(config, open(path, "w"), indent=2)
EOF
}

if [ ! -f "$demo/ca/ca.crt" ]; then
    "$knooppunt" pki init-ca --dir "$demo/ca" --name "VNG Knooppunt demo CA" >/dev/null
fi

echo "== registry and admissions"
registry="$demo/registry"
if [ ! -f "$registry/config.json" ]; then
    "$knooppunt" init --data "$registry" --name "VNG Realisatie registry" --oin "$registry_oin" --role registry \
        --listen "127.0.0.1:$base_port" --ca "$demo/ca" >/dev/null
    echo "  initialised the registry (it holds the CA in demo/registry/ca)"
fi
"$knooppunt" registry update --data "$registry" --oin "$registry_oin" --base-url "$registry_url" >/dev/null
configure_member "$registry" ""

port=$((base_port + 1))
member_urls=()
for entry in "${members[@]}"; do
    IFS='|' read -r name oin cbs <<<"$entry"
    data="$demo/$(slug "$name")"
    if [ ! -f "$data/config.json" ]; then
        # No --ca: the node makes its own key and a CSR; the key never leaves demo/<town>/tls.
        "$knooppunt" init --data "$data" --name "$name" --oin "$oin" --cbs "$cbs" --listen "127.0.0.1:$port" \
            --host 127.0.0.1 --host localhost >/dev/null
    fi
    if [ ! -f "$data/tls/node.crt" ]; then
        certificate="$demo/certs/$(slug "$name").crt"
        rm -f "$certificate"
        "$knooppunt" registry admit --data "$registry" --csr "$data/tls/node.csr" --base-url "https://127.0.0.1:$port" \
            --cbs "$cbs" --out "$certificate" | head -n 1 | sed 's/^/  /'
        "$knooppunt" install-cert --data "$data" --cert "$certificate" --trust "$demo/ca/ca.crt" \
            --registry-url "$registry_url" --registry-oin "$registry_oin" >/dev/null
    fi
    configure_member "$data"
    # Each municipality loads its own share of the sample content (idempotent: a second run
    # finds its records by their name-based ids and changes nothing).
    "$knooppunt" catalogue load-samples --data "$data" --file "$repo_root/examples/sample-federation.json" | sed 's/^/  /'
    # Keeps the directory's URL right if DEMO_BASE_PORT changed since the last run.
    "$knooppunt" registry update --data "$registry" --oin "$oin" --base-url "https://127.0.0.1:$port" >/dev/null
    member_urls+=("$name|https://127.0.0.1:$port")
    port=$((port + 1))
done

pids=()
stop_all() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop_all EXIT INT TERM

"$knooppunt" serve --data "$registry" --listen "127.0.0.1:$base_port" 2>>"$registry/node.log" &
pids+=($!)
for entry in "${member_urls[@]}"; do
    name="${entry%%|*}"; url="${entry#*|}"
    data="$demo/$(slug "$name")"
    "$knooppunt" serve --data "$data" --listen "${url#https://}" 2>>"$data/node.log" &
    pids+=($!)
done

ca=(--cacert "$demo/ca/ca.crt")
for url in "$registry_url" "${member_urls[@]#*|}"; do
    for _ in $(seq 1 50); do
        curl --silent "${ca[@]}" --output /dev/null "$url/api/node/v1/health" 2>/dev/null && break
        sleep 0.1
    done
done
# Each member fetches the signed directory at start; wait until Zoetermeer can call Heerlen.
for _ in $(seq 1 50); do
    "$knooppunt" federation call --data "$demo/zoetermeer" --peer "$heerlen_oin" >/dev/null 2>&1 && break
    sleep 0.2
done

echo
echo "== the federation is up"
printf '  %-26s %s   (log: demo/registry/node.log)\n' "VNG Realisatie registry" "$registry_url"
for entry in "${member_urls[@]}"; do
    name="${entry%%|*}"; url="${entry#*|}"
    printf '  %-26s %s   (log: demo/%s/node.log)\n' "$name" "$url" "$(slug "$name")"
done
heerlen="${member_urls[0]#*|}"
zoetermeer_tls=(--cert "$demo/zoetermeer/tls/node.crt" --key "$demo/zoetermeer/tls/node.key")
echo
echo "== the registry's member directory (signed; every node polls it every ${refresh_seconds} s)"
"$knooppunt" registry members --data "$registry" | sed 's/^/  /'
echo
echo "== Heerlen's node describes itself"
curl --silent --show-error "${ca[@]}" "$heerlen/api/node/v1/info"
echo
echo
echo "== Zoetermeer's node calls Heerlen's with its libcurl client (mutual TLS, Heerlen's OIN checked against the directory)"
"$knooppunt" federation call --data "$demo/zoetermeer" --peer "$heerlen_oin" | sed 's/^/  /'

echo
echo "== revocation of $revoked_name at the registry"
revoked_tls=(--cert "$demo/$(slug "$revoked_name")/tls/node.crt" --key "$demo/$(slug "$revoked_name")/tls/node.key")
status_at_heerlen() {
    curl --silent "${ca[@]}" "${revoked_tls[@]}" --output /dev/null --write-out '%{http_code}' "$heerlen/api/federation/v1/peer"
}
if "$knooppunt" registry members --data "$registry" | grep -q "^$revoked_oin  active"; then
    for _ in $(seq 1 50); do [ "$(status_at_heerlen)" = 200 ] && break; sleep 0.2; done
    echo "  before: Heerlen answers $revoked_name's certificate with HTTP $(status_at_heerlen)"
    "$knooppunt" registry revoke --data "$registry" --oin "$revoked_oin" | sed 's/^/  /'
    echo "  the registry refuses it at once: HTTP $(curl --silent "${ca[@]}" "${revoked_tls[@]}" --output /dev/null \
        --write-out '%{http_code}' "$registry_url/api/registry/v1/members")"
    started=$(date +%s%N)
    for _ in $(seq 1 100); do [ "$(status_at_heerlen)" = 403 ] && break; sleep 0.1; done
    echo "  Heerlen refuses it after its next directory refresh ($(( ($(date +%s%N) - started) / 1000000 )) ms):"
else
    echo "  ($revoked_name was revoked in an earlier run of this script; Heerlen refuses it:)"
fi
echo -n "  "
curl --silent "${ca[@]}" "${revoked_tls[@]}" "$heerlen/api/federation/v1/peer"
echo
echo
echo "== sync: a knowledge entry published at Heerlen appears at the other towns"
sync_key="$("$knooppunt" apikey create --data "$demo/heerlen" --name "demo sync" --scopes knowledge:write | tail -n 1)"
entry_id="$(curl --silent --show-error "${ca[@]}" -X POST "$heerlen/api/knowledge/v1/entries" \
    -H "Authorization: Bearer $sync_key" -H 'Content-Type: application/json' \
    --data "{\"kind\":\"lesson-learned\",\"language\":\"nl\",\"title\":\"Heerlens Heitje: wat werkte ($(date +%H:%M:%S))\",\"body\":\"Bewoners verdienen munten met zorg voor de openbare ruimte.\"}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
echo "  Heerlen published knowledge entry $entry_id (signed with Heerlen's key)"
echo "  Zoetermeer pulls Heerlen now (knooppunt sync; the nodes also pull every ${sync_seconds} s on their own):"
"$knooppunt" sync --data "$demo/zoetermeer" --peer "$heerlen_oin" | sed 's/^/    /'
for entry in "${member_urls[@]:1:2}"; do
    name="${entry%%|*}"; url="${entry#*|}"
    for _ in $(seq 1 $((sync_seconds * 20))); do
        curl --silent "${ca[@]}" --output /dev/null --fail "$url/api/knowledge/v1/entries/$entry_id" && break
        sleep 0.1
    done
    printf '  at %-11s ' "$name:"
    curl --silent "${ca[@]}" "$url/api/knowledge/v1/entries/$entry_id" \
        | python3 -c 'import json,sys; e=json.load(sys.stdin); print(json.dumps(e["title"], ensure_ascii=False), "(origin", e["origin"] + ", version", str(e["version"]) + ")")'
done
echo "  the digest of Heerlen's records, as each node holds them (equal = the same state):"
for entry in "${members[@]:0:3}"; do
    IFS='|' read -r name oin _ <<<"$entry"
    printf '    %-11s ' "$name"
    "$knooppunt" federation call --data "$demo/zoetermeer" --peer "$oin" \
        --path "/api/federation/v1/digest?origin=$heerlen_oin" | tail -n 1
done
zoetermeer="${member_urls[1]#*|}"
rijswijk="${member_urls[3]#*|}"
today="$(date -u +%F)"
# Sample records have name-based ids (RFC 9562 v5, see Sources/Node/Records/NameBasedUUID.swift),
# so the id of Zoetermeer's sensor solution is known on every node without asking Zoetermeer.
sensor_id="$(python3 -c 'import uuid, sys; print(uuid.uuid5(uuid.UUID("fa2d482f-4025-5856-8c42-eceabc8bf539"), sys.argv[1]))' \
    "solution|00000001000000637000|Noise and air-quality monitoring near new housing")"
echo
echo "== the catalogue: full-text search for sensors on Zoetermeer's node"
echo "\$ curl --cacert demo/ca/ca.crt '$zoetermeer/api/solutions/v1/solutions?q=sensors'"
curl --silent --show-error "${ca[@]}" "$zoetermeer/api/solutions/v1/solutions?q=sensors"
echo
echo
echo "== funding schemes open today ($today) on Heerlen's node"
echo "\$ curl --cacert demo/ca/ca.crt '$heerlen/api/knowledge/v1/entries?openOn=$today&sort=deadline'"
curl --silent --show-error "${ca[@]}" "$heerlen/api/knowledge/v1/entries?openOn=$today&sort=deadline"
echo
echo
echo "== who adopted Zoetermeer's noise and air-quality sensors (Rijswijk records its own pilot)"
echo "\$ curl --cacert demo/ca/ca.crt '$rijswijk/api/solutions/v1/solutions/$sensor_id/adoptions'"
curl --silent --show-error "${ca[@]}" "$rijswijk/api/solutions/v1/solutions/$sensor_id/adoptions"
echo
echo
echo "== the community coin: the Heerlens Heitje on Heerlen's node (/api/coin/v1)"
# Three integrators, each with only the scopes its job needs (the key is the last line of stdout;
# new keys each run, like the sync key above).
STAFF_KEY="$("$knooppunt" apikey create --data "$demo/heerlen" --name "Gemeente Heerlen staff" --scopes coin:admin | tail -n 1)"
PORTAL_KEY="$("$knooppunt" apikey create --data "$demo/heerlen" --name "Heitje resident portal" \
    --scopes coin:resident,coin:pay | tail -n 1)"
# The task, merchant and resident are the first Heerlen ones in examples/sample-federation.json.
IFS='|' read -r task_title task_reward task_capacity merchant_name resident < <(python3 - "$repo_root/examples/sample-federation.json" <<'EOF'
import json, sys
coin = json.load(open(sys.argv[1]))["coin"]
task = next(t for t in coin["tasks"] if t["origin"] == "0917")
merchant = next(m for m in coin["merchants"] if m["origin"] == "0917")
resident = next(r for r in coin["residents"] if r["origin"] == "0917")
print(task["title"], task["rewardCents"], task["capacity"], merchant["name"], resident["reference"], sep="|")
EOF
)
merchant_id="$(echo "$merchant_name" | tr '[:upper:] ' '[:lower:]-')"
# The bakery's own till gets a key bound to the bakery: it redeems and reads for it alone.
MERCHANT_KEY="$("$knooppunt" apikey create --data "$demo/heerlen" --name "$merchant_name till" --scopes coin:merchant \
    --merchant "$merchant_id" | tail -n 1)"
echo "  API keys: STAFF_KEY (coin:admin), PORTAL_KEY (coin:resident,coin:pay), MERCHANT_KEY (coin:merchant, bound to $merchant_id)"
echo "  made with: knooppunt apikey create --data demo/heerlen --name ... --scopes ... [--merchant $merchant_id]"
# Idempotency: every money-moving step sends a fixed Idempotency-Key, a UUID derived from the
# step's name, so running the script again over the same demo/ replays the first run's answer
# (201 with Idempotent-Replayed: true) instead of paying twice, and the balances stay as they were.
step_key() { python3 -c 'import uuid, sys; print(uuid.uuid5(uuid.NAMESPACE_URL, "urn:knooppunt-demo:heerlen:coin:" + sys.argv[1]))' "$1"; }

# coin_curl KEY_VARIABLE METHOD PATH [BODY [IDEMPOTENCY_KEY]]: prints the command with the key's
# name (never the secret), runs it, and leaves the answer in $response, $status and $replayed.
coin_curl() {
    local key_name="$1" method="$2" path="$3" body="${4-}" idempotency_key="${5-}" if_match="${6-}"
    local url="$heerlen/api/coin/v1$path" shown="\$ curl --cacert demo/ca/ca.crt" headers
    local args=("${ca[@]}" --silent --show-error -H "Authorization: Bearer ${!key_name}")
    if [ "$method" != GET ]; then shown+=" -X $method"; args+=(-X "$method"); fi
    shown+=" -H \"Authorization: Bearer \$$key_name\""
    if [ -n "$idempotency_key" ]; then
        shown+=" -H 'Idempotency-Key: \"$idempotency_key\"'"
        args+=(-H "Idempotency-Key: \"$idempotency_key\"")
    fi
    if [ -n "$if_match" ]; then
        shown+=" -H 'If-Match: $if_match'"
        args+=(-H "If-Match: $if_match")
    fi
    if [ -n "$body" ]; then
        shown+=$' \\\n      '"-H 'Content-Type: application/json' --data '$body'"
        args+=(-H 'Content-Type: application/json' --data "$body")
    fi
    echo "$shown '$url'"
    headers="$(mktemp)"
    response="$(curl "${args[@]}" --dump-header "$headers" --write-out '\n%{http_code}' "$url")"
    status="${response##*$'\n'}"
    response="${response%$'\n'*}"
    replayed=no
    if grep -qi '^Idempotent-Replayed: *true' "$headers"; then replayed=yes; fi
    etag="$(sed -n 's/^[Ee][Tt][Aa][Gg]: *\(.*\)\r$/\1/p' "$headers")"
    rm -f "$headers"
}
# summary STEP: one or two readable lines about the last answer.
summary() {
    python3 - "$1" "$status" "$replayed" "$response" <<'EOF'
import json, sys
step, status, replayed, body = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "yes", sys.argv[4]
j = json.loads(body) if body.strip() else {}
def cents(c): return f"{c} cents (EUR {c // 100},{c % 100:02d})" if c >= 0 else f"-{cents(-c)}"
def transfer(t): return f"{t['code']} {t['debitAccount']} -> {t['creditAccount']}, {cents(t['amountCents'])}, {t['state']}"
if status >= 400:
    line = f"HTTP {status} {j.get('code', '')}: {j.get('detail', '')}"
    if step == "merchant" and j.get("code") == "merchant-exists":
        line += " (registered by an earlier run)"
elif step == "scheme":
    line = (f"HTTP {status}: {j['code']} \"{j['name']}\", budget {cents(j['yearlyIssuanceBudgetCents'])} a year; "
            f"rewarded in {j['year']}: {cents(j['rewardedThisYearCents'])}")
elif step == "merchant":
    line = f"HTTP {status}: {j['name']} has account {j['accountId']}, active: {str(j['active']).lower()}"
elif step == "task":
    line = (f"HTTP {status}: task {j['id']}: \"{j['title']}\", reward {cents(j['rewardCents'])}, "
            f"{j['approvedClaims']}/{j['capacity']} places taken, {j['periodStart']} to {j['periodEnd']}, {j.get('location')}")
elif step == "claim":
    line = f"HTTP {status}: claim {j['id']} by {j['resident']}: {j['status']}"
elif step == "approve":
    line = f"HTTP {status}: claim {j['status']}; reward transfer {j['transferId']}"
elif step == "transfer":
    line = f"HTTP {status}: transfer {j['id']}: {transfer(j)}"
elif step == "redemption":
    line = f"HTTP {status}: {j['merchant']} redeemed {cents(j['amountCents'])}, payout reference {j['payoutReference']}"
elif step == "account":
    line = f"HTTP {status}: {j['id']}: balance {cents(j['balanceCents'])}, available {cents(j['availableCents'])}"
elif step == "journal":
    line = f"HTTP {status}: {j['count']} entries; the last ones (hash = SHA-256(previous hash + the entry's canonical JSON)):"
    for e in j["results"][-3:]:
        line += (f"\n      #{e['sequence']} {e['event']:<13} {e['code']:<10} {e['debitAccount']} -> {e['creditAccount']}, "
                 f"{e['amountCents']} cents  previous {e['previousHash'][:12]}...  hash {e['hash'][:12]}...")
else:
    line = f"HTTP {status}"
if replayed:
    line += "\n    (Idempotent-Replayed: true: the same key and content as an earlier run; answered as then, nothing moved twice)"
print("    -> " + line)
EOF
}

echo
echo "  staff read the scheme, then set it and its yearly issuance budget with the ETag they read"
echo "  (If-Match: a colleague's change in between is answered 412, never overwritten unseen):"
coin_curl STAFF_KEY GET /scheme
coin_curl STAFF_KEY PUT /scheme '{"code":"HEITJE","name":"Heerlens Heitje","yearlyIssuanceBudgetCents":5000000}' "" "$etag"
summary scheme
echo "  staff register a local bakery as a merchant (its id is its account's holder reference):"
coin_curl STAFF_KEY POST /merchants "{\"id\":\"$merchant_id\",\"name\":\"$merchant_name\"}"
summary merchant
echo "  staff create a participation task, open from today for 30 days (reused when an earlier run made it):"
coin_curl STAFF_KEY GET "/tasks?pageSize=100"
task_id="$(python3 -c 'import json, sys; print(next((t["id"] for t in json.loads(sys.argv[1])["results"] if t["title"] == sys.argv[2]), ""))' \
    "$response" "$task_title")"
if [ -n "$task_id" ]; then
    echo "    -> HTTP $status: \"$task_title\" is there from an earlier run: task $task_id"
else
    coin_curl STAFF_KEY POST /tasks "{\"title\":\"$task_title\",\"description\":\"Pick up litter along the paths of the Aambos with grabbers and bags from the municipality; hand the bags in at the park entrance.\",\"rewardCents\":$task_reward,\"capacity\":$task_capacity,\"periodStart\":\"$today\",\"periodEnd\":\"$(date -u -d '+30 days' +%F)\",\"location\":\"Aambos, Heerlen\"}"
    summary task
    task_id="$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["id"])' "$response")"
fi
echo "  the resident portal submits a claim for resident $resident (a pseudonym the portal chose, never a name):"
claim_key="$(step_key claim)"
coin_curl PORTAL_KEY POST /claims "{\"taskId\":\"$task_id\",\"resident\":\"$resident\",\"note\":\"two bags along the pond path\"}" "$claim_key"
summary claim
echo "  staff approve it; the reward goes from issuance to the resident in the same transaction:"
coin_curl STAFF_KEY POST "/claims/$claim_key/approve"
summary approve
echo "  the resident pays the bakery 350 cents (EUR 3,50) through the portal:"
coin_curl PORTAL_KEY POST /payments "{\"resident\":\"$resident\",\"merchant\":\"$merchant_id\",\"amountCents\":350,\"reference\":\"bread and two rolls\"}" \
    "$(step_key payment)"
summary transfer
echo "  the bakery redeems 300 of its cents for euros; the payout reference tells the finance system which payment it is:"
coin_curl MERCHANT_KEY POST /redemptions "{\"merchant\":\"$merchant_id\",\"amountCents\":300,\"payoutReference\":\"HEITJE-UITBETALING-0001\"}" \
    "$(step_key redemption)"
summary redemption
echo "  the balances:"
coin_curl PORTAL_KEY GET "/accounts/resident:$resident"
summary account
coin_curl MERCHANT_KEY GET "/accounts/merchant:$merchant_id"
summary account
echo "  the journal (append-only, hash-chained):"
coin_curl STAFF_KEY GET "/journal?pageSize=100"
summary journal
echo "  and the chain checked from the first entry, beside the running node:"
echo "\$ knooppunt ledger verify --data demo/heerlen"
"$knooppunt" ledger verify --data "$demo/heerlen" | sed 's/^/    /'
echo
echo "Try it yourself:"
echo "  curl --cacert demo/ca/ca.crt '$heerlen/api/knowledge/v1/entries?q=luchtkwaliteit'"
echo "  curl --cacert demo/ca/ca.crt '$rijswijk/api/solutions/v1/adoptions?status=piloting'"
echo "  curl --cacert demo/ca/ca.crt $heerlen/api/node/v1/health"
echo "  curl --cacert demo/ca/ca.crt --cert demo/zoetermeer/tls/node.crt --key demo/zoetermeer/tls/node.key $heerlen/api/federation/v1/peer"
echo "  curl --cacert demo/ca/ca.crt --cert demo/zoetermeer/tls/node.crt --key demo/zoetermeer/tls/node.key $registry_url/api/registry/v1/members"
echo "  METRICS_KEY=\$($knooppunt apikey create --data demo/heerlen --name Prometheus --scopes node:metrics | tail -n 1)"
echo "  curl --cacert demo/ca/ca.crt -H \"Authorization: Bearer \$METRICS_KEY\" $heerlen/metrics | grep -E 'directory|sync'"
echo "  curl --cacert demo/ca/ca.crt --cert demo/zoetermeer/tls/node.crt --key demo/zoetermeer/tls/node.key '$heerlen/api/federation/v1/changes?limit=2'"
echo "  $knooppunt sync --data demo/veldhoven"
echo "  $knooppunt directory show --data demo/heerlen"
echo "  $knooppunt apikey create --data demo/heerlen --name portal --scopes node:admin"
echo "  STAFF_KEY=\$($knooppunt apikey create --data demo/heerlen --name me --scopes coin:admin | tail -n 1)"
echo "  curl --cacert demo/ca/ca.crt -H \"Authorization: Bearer \$STAFF_KEY\" '$heerlen/api/coin/v1/accounts?kind=merchant'"
echo
echo "Press Ctrl-C to stop all nodes."
wait
