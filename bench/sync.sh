#!/usr/bin/env bash
# Sync throughput of release `knooppunt serve` processes on 127.0.0.1, each member admitted by
# CSR through a registry like a real one (issue 6: >= 10,000 records/s between two nodes;
# 10 nodes converge in < 30 s).
#
#   two nodes: RECORDS knowledge entries published at A (offline, `knooppunt knowledge generate`),
#              then A and B start; the time from B's start until B's digest of A equals A's
#              (polled through B's lag metric, then checked on /digest), records/s and
#              signatures verified (applied + rejected changes at B), and the CPU time each node
#              used (the pulling node's per record is the figure to watch: wall time on a shared
#              VM moves by ±15% between runs, CPU time much less).
#   ten nodes: the registry and NODES-1 municipalities each publish PER_NODE entries offline,
#              then all start at once; the time until every node holds every other's records
#              (every pair's digest equal).
#
# References, measured in the same run: `openssl speed ecdsap256`, the P-256 verifications one core
# does per second, since every record's signature is checked; and SQLite's floor for storing the
# records (their rows, search index and change log copied from A's database by INSERT ... SELECT,
# a page per transaction). One check, the floor and the serving node's CPU per record, spread over
# the machine's cores, bound what any implementation could sync here; the bound is printed too.
#
# The registry is down during the two-node run (members sync from their cached directory), so
# only A and B use the CPU. Environment: RECORDS (default 100000), NODES (default 10), PER_NODE
# (default 1000), TIMEOUT (seconds per run, default 600). Prints the figures and writes them to
# bench/results/sync-<date>.json. Exits 0 whatever the figures; non-zero if a run did not converge.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

records="${RECORDS:-100000}"
nodes="${NODES:-10}"
per_node="${PER_NODE:-1000}"
timeout_seconds="${TIMEOUT:-600}"
registry_oin=00000001000000000001

scripts/setup.sh
build_knooppunt
make_scratch

# The reference from the same run: how many P-256 signatures one core verifies per second here
# (every record's is verified). A shared VM's speed moves between runs; this moves with it.
verify_rate="$(openssl speed -seconds 2 ecdsap256 2>/dev/null | awk '/nistp256/ { print int($NF) }')"
echo "== reference: openssl verifies ${verify_rate} P-256 signatures/s on one core" >&2

now() { date +%s.%N; }
oin_of() { printf '000000010000%05d000' "$1"; }   # member i (1-based)

# Sets the federation section of a data folder's config.json.
configure() {
    python3 - "$1/config.json" "${2:-}" <<'EOF'
import json, sys
path, registry_url = sys.argv[1], sys.argv[2]
config = json.load(open(path))
federation = config.setdefault("federation", {})
federation.update(directoryRefreshSeconds=1, syncIntervalSeconds=1)
if registry_url:
    federation["registryURL"] = registry_url
json.dump(config, open(path, "w"))
EOF
}

# Starts `serve` for data folder $1 as node $2 and records its URL in url_of[$2].
start() {
    start_node "$2" "$1" "$1/node.log"
    url_of[$2]="https://127.0.0.1:${port_of[$2]}"
}

# A registry and members m1..m$1, admitted by CSR; every node has fetched the directory once
# and every member's real URL is listed. Leaves them all running.
declare -A url_of=()
make_federation() {
    local count="$1" i data
    "$knooppunt" pki init-ca --dir "$tmp/ca" --name "Bench CA" >/dev/null
    "$knooppunt" init --data "$tmp/registry" --name "VNG registry" --oin "$registry_oin" --role registry --ca "$tmp/ca" >/dev/null
    configure "$tmp/registry"
    start "$tmp/registry" registry
    "$knooppunt" registry update --data "$tmp/registry" --oin "$registry_oin" --base-url "${url_of[registry]}" >/dev/null
    for i in $(seq 1 "$count"); do
        data="$tmp/m$i"
        "$knooppunt" init --data "$data" --name "Gemeente $i" --oin "$(oin_of "$i")" --host 127.0.0.1 >/dev/null
        "$knooppunt" registry admit --data "$tmp/registry" --csr "$data/tls/node.csr" --base-url https://127.0.0.1:1 \
            --out "$tmp/m$i.crt" >/dev/null
        "$knooppunt" install-cert --data "$data" --cert "$tmp/m$i.crt" --trust "$tmp/ca/ca.crt" \
            --registry-url "${url_of[registry]}" --registry-oin "$registry_oin" >/dev/null
        configure "$data" "${url_of[registry]}"
        start "$data" "m$i"
        "$knooppunt" registry update --data "$tmp/registry" --oin "$(oin_of "$i")" --base-url "${url_of[m$i]}" >/dev/null
    done
    # Wait until every member holds a directory listing every member's real URL.
    for i in $(seq 1 "$count"); do
        for _ in $(seq 1 100); do
            listing="$("$knooppunt" directory show --data "$tmp/m$i" 2>/dev/null || true)"
            missing=0
            for j in $(seq 1 "$count"); do grep -q "${url_of[m$j]}" <<<"$listing" || missing=1; done
            [ "$missing" = 0 ] && break
            sleep 0.1
        done
        [ "$missing" = 0 ] || die "m$i never saw every member's URL"
    done
}

# Restarts a stopped member on the port the directory lists for it.
restart() {
    local name="$1" data="$tmp/$1"
    "$knooppunt" serve --data "$data" --listen "${url_of[$name]#https://}" 2>>"$data/node.log" >/dev/null </dev/null &
    pid_of[$name]=$!
}

cert_args() { echo "--cacert $tmp/ca/ca.crt --cert $tmp/$1/tls/node.crt --key $tmp/$1/tls/node.key"; }

# The digest line "sequence count hash" that node $1 holds of origin OIN $2, asked as node $1.
digest() {
    # shellcheck disable=SC2046
    curl -sS --max-time 60 $(cert_args "$1") "${url_of[$1]}/api/federation/v1/digest?origin=$2" \
        | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["sequence"], d["count"], d["hash"])'
}

# A node:metrics key for each named node (metrics need one by default), in metrics_key_of.
declare -A metrics_key_of=()
make_metrics_keys() {
    local name
    for name in "$@"; do
        metrics_key_of[$name]="$("$knooppunt" apikey create --data "$tmp/$name" --name Prometheus --scopes node:metrics | tail -n 1)"
    done
}

# Node $1's /metrics; empty while the node does not answer.
scrape() {
    curl -sS --max-time 10 --cacert "$tmp/ca/ca.crt" -H "Authorization: Bearer ${metrics_key_of[$1]}" \
        "${url_of[$1]}/metrics" 2>/dev/null || true
}

# One sample of node $1's /metrics, 0 when absent or while the node does not answer yet.
metric() {
    local text
    text="$(scrape "$1")"
    awk -v name="$2" 'index($0, name " ") == 1 { print $2; found = 1; exit } END { if (!found) print 0 }' <<<"$text"
}

wait_for_port() {
    for _ in $(seq 1 100); do
        curl -s --max-time 1 --cacert "$tmp/ca/ca.crt" -o /dev/null "$1/api/node/v1/health" && return
        sleep 0.05
    done
    die "nothing answers at $1"
}

# --- two nodes ---------------------------------------------------------------------------------
echo "== two nodes: $records knowledge entries from m1 to m2" >&2
make_federation 2
make_metrics_keys m2
for name in m1 m2 registry; do stop_process "$name"; done
generated_at=$(now)
"$knooppunt" knowledge generate --data "$tmp/m1" --count "$records" >/dev/null
echo "   generated in $(python3 -c "print(round($(now) - $generated_at, 1))") s (not measured)" >&2
restart m1
wait_for_port "${url_of[m1]}"
started=$(now)
restart m2
m1_oin="$(oin_of 1)"
deadline=$(( $(date +%s) + timeout_seconds ))
# Polled once a second: every poll is a curl process and a TLS handshake, whose CPU would
# otherwise come out of the two nodes being measured. The end of the run is read from m2's log
# afterwards: the time of the page that reached m1's latest sequence.
while :; do
    applied="$(metric m2 "knooppunt_sync_records_applied_total{peer=\"$m1_oin\"}")"
    lag="$(metric m2 "knooppunt_sync_lag_sequences{peer=\"$m1_oin\"}")"
    if [ "${applied%.*}" -ge "$records" ] && [ "$lag" = 0 ]; then break; fi
    [ "$(date +%s)" -lt "$deadline" ] || die "m2 did not catch up within ${timeout_seconds} s (applied $applied)"
    sleep 1
done
caught_up="$(python3 -c '
import datetime, json, sys
last = None
for line in open(sys.argv[1]):
    if "\"applied peer changes\"" in line:
        entry = json.loads(line)
        if entry["peerOin"] == sys.argv[2] and entry["sequence"] >= entry["latestSequence"]:
            last = entry["time"]
print(datetime.datetime.fromisoformat(last.replace("Z", "+00:00")).timestamp())
' "$tmp/m2/node.log" "$m1_oin")"
two_seconds=$(python3 -c "print(round($caught_up - $started, 2))")
served="$(digest m1 "$m1_oin")"
held="$(digest m2 "$m1_oin")"
[ "$served" = "$held" ] || die "digests differ after catching up: $served vs $held"
rejected="$(scrape m2 | awk -v p="peer=\"$m1_oin\"" \
    '/^knooppunt_sync_rejected_changes_total/ && index($0, p) { sum += $2 } END { print sum + 0 }')"
verified=$(( ${applied%.*} + rejected ))
two_rate=$(python3 -c "print(int($records / ($caught_up - $started)))")
echo "   m2 caught up in ${two_seconds} s: ${two_rate} records/s, ${verified} signatures verified, ${rejected} rejected; digest ${held%% *}…" >&2
# CPU time (user + system) each node used since it started, startup and polls included: what a
# record costs, whatever else the machine does meanwhile.
cpu_seconds() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/${pid_of[$1]}/stat"; }
m1_cpu="$(cpu_seconds m1)"
m2_cpu="$(cpu_seconds m2)"
m2_cpu_per_record=$(python3 -c "print(int($m2_cpu / $records * 1e6))")
echo "   CPU: m1 (serving) ${m1_cpu} s, m2 (pulling) ${m2_cpu} s = ${m2_cpu_per_record} µs per record" >&2
for name in m1 m2; do stop_process "$name"; done
[ -n "${KEEP:-}" ] && cp "$tmp/m2/node.log" "$tmp/../sync-bench-m2.log"

# The floor SQLite itself sets, measured on the records just synced: a fresh node's tables filled
# straight from m1's database with INSERT ... SELECT, one page (2,000 records, the pull page size)
# per transaction, in WAL with synchronous=FULL as the node writes: the record rows, their
# full-text rows and the change log, without a statement per record, JSON, network or signature
# check. Prints the CPU seconds each of the three took.
store_floor() {
    "$knooppunt" init --data "$tmp/floor" --name "Floor" --oin "$(oin_of 99)" --host 127.0.0.1 >/dev/null
    python3 - "$tmp/floor/knooppunt.db" "$tmp/m1/knooppunt.db" "$records" <<'EOF'
import resource, sqlite3, subprocess, sys
target, source, records = sys.argv[1], sys.argv[2], int(sys.argv[3])
columns = ", ".join(row[1] for row in sqlite3.connect(target).execute("PRAGMA table_info(knowledge_search)"))
page = 2000
parts = {
    "rows": "INSERT INTO main.knowledge_entries SELECT * FROM src.knowledge_entries WHERE position BETWEEN {lo} AND {hi};",
    "search": "INSERT INTO main.knowledge_search (rowid, " + columns + ") SELECT rowid, " + columns
              + " FROM src.knowledge_search WHERE rowid BETWEEN {lo} AND {hi};",
    "changes": "INSERT INTO main.change_log SELECT * FROM src.change_log WHERE sequence BETWEEN {lo} AND {hi};",
}
seconds = []
for name, statement in parts.items():
    script = ["PRAGMA journal_mode=WAL;", "PRAGMA synchronous=FULL;", f"ATTACH '{source}' AS src;"]
    for lo in range(1, records + 1, page):
        script.append("BEGIN; " + statement.format(lo=lo, hi=lo + page - 1) + " COMMIT;")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(["sqlite3", target], input="\n".join(script), text=True, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
count = sqlite3.connect(target).execute("SELECT count(*) FROM knowledge_entries").fetchone()[0]
if count != records:
    sys.exit(f"the floor copied {count} records, not {records}")
print(" ".join(f"{value:.2f}" for value in seconds))
EOF
}
read -r floor_rows floor_search floor_changes <<<"$(store_floor)"
floor_us=$(python3 -c "print(int(($floor_rows + $floor_search + $floor_changes) / $records * 1e6))")
m1_cpu_per_record=$(python3 -c "print(int($m1_cpu / $records * 1e6))")
verify_us=$(python3 -c "print(int(1e6 / $verify_rate))")
# Two nodes on this machine's cores cannot sync faster than its cores allow for what every record
# must at least cost: one signature check, SQLite's floor for storing it, and the serving node.
bound=$(python3 -c "print(int($(nproc) * 1e6 / ($verify_us + $floor_us + $m1_cpu_per_record)))")
echo "   floor: SQLite stores a record in ${floor_us} µs of CPU (rows ${floor_rows} s, search ${floor_search} s," \
    "change log ${floor_changes} s); with a signature check (${verify_us} µs) and serving (${m1_cpu_per_record} µs)," \
    "$(nproc) cores sync at most ${bound} records/s" >&2
rm -rf "$tmp"/*
url_of=()
metrics_key_of=()

# --- ten nodes ---------------------------------------------------------------------------------
members=$((nodes - 1))
echo "== $nodes nodes (the registry and $members municipalities), $per_node entries each" >&2
make_federation "$members"
names=(registry)
for i in $(seq 1 "$members"); do names+=("m$i"); done
make_metrics_keys "${names[@]}"
for name in "${names[@]}"; do stop_process "$name"; done
seed=1
for name in "${names[@]}"; do
    "$knooppunt" knowledge generate --data "$tmp/$name" --count "$per_node" --seed "$seed" >/dev/null
    seed=$((seed + 1))
done
started=$(now)
for name in "${names[@]}"; do restart "$name"; done
oins=("$registry_oin")
for i in $(seq 1 "$members"); do oins+=("$(oin_of "$i")"); done
expected=$(( per_node * (nodes - 1) ))
deadline=$(( $(date +%s) + timeout_seconds ))
# Converged when every node applied every other node's records and is behind no peer.
while :; do
    done_nodes=0
    for name in "${names[@]}"; do
        text="$(scrape "$name")"
        total="$(awk '/^knooppunt_sync_records_applied_total/ { sum += $2 } END { print sum + 0 }' <<<"$text")"
        behind="$(awk '/^knooppunt_sync_lag_sequences/ && $2 != 0 { n++ } END { print n + 0 }' <<<"$text")"
        [ "$total" -ge "$expected" ] && [ "$behind" = 0 ] && done_nodes=$((done_nodes + 1))
    done
    [ "$done_nodes" = "$nodes" ] && break
    [ "$(date +%s)" -lt "$deadline" ] || die "the federation did not converge within ${timeout_seconds} s ($done_nodes of $nodes nodes)"
    sleep 0.2
done
converged=$(now)
ten_seconds=$(python3 -c "print(round($converged - $started, 2))")
# Every node holds the same state of every origin.
for origin in "${oins[@]}"; do
    reference=""
    for name in "${names[@]}"; do
        line="$(digest "$name" "$origin")"
        [ -z "$reference" ] && reference="$line"
        [ "$line" = "$reference" ] || die "digest of $origin at $name differs: $line vs $reference"
    done
done
echo "   converged in ${ten_seconds} s; all $((nodes * nodes)) digests equal" >&2

mkdir -p bench/results
result="bench/results/sync-$(date -u +%Y%m%dT%H%M%SZ).json"
python3 - "$result" <<EOF
import json, sys
json.dump({
    "machine": {"cpus": $(nproc), "opensslP256VerifiesPerSecondPerCore": $verify_rate},
    "twoNodes": {"records": $records, "seconds": $two_seconds, "recordsPerSecond": $two_rate,
                 "cpuSecondsServing": $m1_cpu, "cpuSecondsPulling": $m2_cpu,
                 "sqliteFloorMicrosecondsPerRecord": $floor_us, "upperBoundRecordsPerSecond": $bound,
                 "signaturesVerified": $verified, "rejected": $rejected, "target": ">= 10000 records/s"},
    "federation": {"nodes": $nodes, "recordsPerNode": $per_node, "seconds": $ten_seconds, "target": "< 30 s"},
}, open(sys.argv[1], "w"), indent=2)
EOF
echo
printf '%-44s %12s %s\n' "measurement" "result" "target"
printf '%-44s %12s %s\n' "2 nodes, $records records: records/s" "$two_rate" ">= 10000"
printf '%-44s %12s %s\n' "2 nodes: signatures verified" "$verified" "= $records"
printf '%-44s %12s\n' "2 nodes: pulling node's CPU per record (µs)" "$m2_cpu_per_record"
printf '%-44s %12s\n' "  of which one signature check (µs)" "$verify_us"
printf '%-44s %12s\n' "SQLite's floor to store a record (µs CPU)" "$floor_us"
printf '%-44s %12s %s\n' "2 nodes: this machine's bound (records/s)" "$bound" "(check + floor + serving on $(nproc) cores)"
printf '%-44s %12s %s\n' "$nodes nodes x $per_node records: converged (s)" "$ten_seconds" "< 30"
echo "written to $result"
