#!/usr/bin/env bash
# Brings up a local Knooppunt federation on 127.0.0.1 and shows it working: the VNG registry
# (which holds the federation CA) and the municipalities from examples/, each with its own
# certificate issued by that CA. Runs in the foreground; Ctrl-C stops every node.
#
# Everything lives in demo/ (git-ignored). Running the script again reuses what is there.
# DEMO_BASE_PORT (default 8440) sets the registry's port; municipalities take the next ones.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

scripts/setup.sh
echo "== building knooppunt"
swift build --product knooppunt 2>&1 | tail -n 1
knooppunt="$(swift build --show-bin-path)/knooppunt"

demo="$repo_root/demo"
base_port="${DEMO_BASE_PORT:-8440}"
mkdir -p "$demo"

# name|oin|cbs|role — the registry first; municipalities as in examples/sample-federation.json.
nodes=(
    "VNG Realisatie registry|00000001000000000001||registry"
    "Heerlen|00000001000000917000|0917|municipality"
    "Zoetermeer|00000001000000637000|0637|municipality"
    "Veldhoven|00000001000000861000|0861|municipality"
    "Rijswijk|00000001000000603000|0603|municipality"
)

slug() { echo "$1" | tr '[:upper:]' '[:lower:]' | sed 's/ .*//'; }

if [ ! -f "$demo/ca/ca.crt" ]; then
    "$knooppunt" pki init-ca --dir "$demo/ca" --name "VNG Knooppunt demo CA" >/dev/null
fi
if [ ! -f "$demo/operator.crt" ]; then
    "$knooppunt" pki issue --ca "$demo/ca" --oin 00000001000000637000 --name "Zoetermeer operator" --out "$demo/operator" >/dev/null
fi

pids=()
stop_all() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop_all EXIT INT TERM

port=$base_port
urls=()
for entry in "${nodes[@]}"; do
    IFS='|' read -r name oin cbs role <<<"$entry"
    data="$demo/$(slug "$name")"
    if [ ! -f "$data/config.json" ]; then
        cbs_args=()
        [ -n "$cbs" ] && cbs_args=(--cbs "$cbs")
        "$knooppunt" init --data "$data" --name "$name" --oin "$oin" "${cbs_args[@]}" --role "$role" \
            --listen "127.0.0.1:$port" --ca "$demo/ca" >/dev/null
    fi
    # Each municipality loads its own share of the sample content (idempotent: a second run
    # finds its records by their name-based ids and changes nothing).
    if [ "$role" = municipality ]; then
        "$knooppunt" catalogue load-samples --data "$data" --file "$repo_root/examples/sample-federation.json"
    fi
    "$knooppunt" serve --data "$data" --listen "127.0.0.1:$port" 2>>"$data/node.log" &
    pids+=($!)
    urls+=("$name|https://127.0.0.1:$port")
    port=$((port + 1))
done

curl_tls=(--silent --show-error --cacert "$demo/ca/ca.crt" --cert "$demo/operator.crt" --key "$demo/operator.key")
for entry in "${urls[@]}"; do
    url="${entry#*|}"
    for _ in $(seq 1 50); do
        curl "${curl_tls[@]}" --output /dev/null "$url/api/node/v1/health" 2>/dev/null && break
        sleep 0.1
    done
done

echo
echo "== the federation is up"
for entry in "${urls[@]}"; do
    name="${entry%%|*}"; url="${entry#*|}"
    printf '  %-26s %s   (log: demo/%s/node.log)\n' "$name" "$url" "$(slug "$name")"
done
heerlen="${urls[1]#*|}"
echo
echo "== Heerlen's node describes itself"
curl "${curl_tls[@]}" "$heerlen/api/node/v1/info"
echo
echo
echo "== the federation call as Zoetermeer's certificate is seen by Heerlen (mutual TLS)"
curl "${curl_tls[@]}" "$heerlen/api/federation/v1/peer"
echo
zoetermeer="${urls[2]#*|}"
today="$(date -u +%F)"
rijswijk="${urls[4]#*|}"
# Sample records have name-based ids (RFC 9562 v5, see Sources/Node/Records/NameBasedUUID.swift),
# so the id of Zoetermeer's sensor solution is known on every node without asking Zoetermeer.
sensor_id="$(python3 -c 'import uuid, sys; print(uuid.uuid5(uuid.UUID("fa2d482f-4025-5856-8c42-eceabc8bf539"), sys.argv[1]))' \
    "solution|00000001000000637000|Noise and air-quality monitoring near new housing")"
echo
echo
echo "== the catalogue: full-text search for sensors on Zoetermeer's node"
echo "\$ curl --cacert demo/ca/ca.crt '$zoetermeer/api/solutions/v1/solutions?q=sensors'"
curl "${curl_tls[@]}" "$zoetermeer/api/solutions/v1/solutions?q=sensors"
echo
echo
echo "== funding schemes open today ($today) on Heerlen's node"
echo "\$ curl --cacert demo/ca/ca.crt '$heerlen/api/knowledge/v1/entries?openOn=$today&sort=deadline'"
curl "${curl_tls[@]}" "$heerlen/api/knowledge/v1/entries?openOn=$today&sort=deadline"
echo
echo
echo "== who adopted Zoetermeer's noise and air-quality sensors (Rijswijk records its own pilot)"
echo "\$ curl --cacert demo/ca/ca.crt '$rijswijk/api/solutions/v1/solutions/$sensor_id/adoptions'"
curl "${curl_tls[@]}" "$rijswijk/api/solutions/v1/solutions/$sensor_id/adoptions"
echo
echo
echo "Try it yourself:"
echo "  curl --cacert demo/ca/ca.crt '$heerlen/api/knowledge/v1/entries?q=luchtkwaliteit'"
echo "  curl --cacert demo/ca/ca.crt '$rijswijk/api/solutions/v1/adoptions?status=piloting'"
echo "  curl --cacert demo/ca/ca.crt $heerlen/api/node/v1/health"
echo "  curl --cacert demo/ca/ca.crt --cert demo/operator.crt --key demo/operator.key $heerlen/api/federation/v1/peer"
echo "  curl --cacert demo/ca/ca.crt $heerlen/metrics"
echo "  $knooppunt apikey create --data demo/heerlen --name portal --scopes node:admin"
echo
echo "Press Ctrl-C to stop all nodes."
wait
