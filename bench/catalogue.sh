#!/usr/bin/env bash
# Full-text search over a large knowledge base (issue 4): loads COUNT synthetic knowledge entries
# (default 100000) through the store's own write path (change log, audit, FTS5 index), then
# measures GET /api/knowledge/v1/entries?q=... over HTTPS with wrk, 64 connections, cycling
# Dutch and English queries (bench/catalogue-search.lua): requests/s, p50 and p99 latency.
#
# Environment: COUNT (entries, default 100000), DURATION (seconds, default 10), WARMUP (seconds
# of unmeasured wrk, default 2). Prints a table and writes bench/results/catalogue-<date>.json.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

count="${COUNT:-100000}"
duration="${DURATION:-10}"
warmup="${WARMUP:-2}"
wrk_threads=2
wrk_connections=64
# wrk counts a response slower than this as an error (its default, 2 s, hides the latency tail).
timeout_seconds="${TIMEOUT:-30}"

scripts/setup.sh wrk
for tool in wrk curl python3; do command -v "$tool" >/dev/null 2>&1 || die "$tool is not on PATH after setup.sh"; done

build_knooppunt
make_scratch

"$knooppunt" pki init-ca --dir "$tmp/ca" --name "Bench CA" >/dev/null
"$knooppunt" init --data "$tmp/node" --name "Bench node" --oin 00000001000000000099 --ca "$tmp/ca" >/dev/null

echo "== loading $count knowledge entries" >&2
load_started=$(date +%s.%N)
"$knooppunt" knowledge generate --data "$tmp/node" --count "$count" >&2
load_seconds=$(awk -v a="$load_started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
db_bytes=$(stat -c %s "$tmp/node/knooppunt.db")

start_node node "$tmp/node" "$tmp/node.log" --specs "$repo_root/specs"
url="https://127.0.0.1:${port_of[node]}"

# A sanity check that search answers and finds something.
hits=$(curl --silent --show-error --fail --cacert "$tmp/ca/ca.crt" "$url/api/knowledge/v1/entries?q=luchtkwaliteit" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["count"])') || die "search request failed"
[ "$hits" -gt 0 ] || die "q=luchtkwaliteit found nothing in $count entries"

echo "== wrk -t$wrk_threads -c$wrk_connections -d${duration}s --latency (search queries)" >&2
[ "$warmup" -gt 0 ] && wrk -t"$wrk_threads" -c"$wrk_connections" -d"${warmup}s" -s bench/catalogue-search.lua "$url" >/dev/null 2>&1 || true
wrk -t"$wrk_threads" -c"$wrk_connections" -d"${duration}s" --timeout "${timeout_seconds}s" --latency -s bench/catalogue-search.lua "$url" >"$tmp/wrk.out" 2>&1 || true
sed 's/^/   /' "$tmp/wrk.out" >&2
read -r rps p50 p99 errors < <(wrk_figures "$tmp/wrk.out") || die "no figures in wrk's output"
kill -0 "${pid_of[node]}" 2>/dev/null || die "the node died during the benchmark"

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "knowledge search over HTTPS: $count entries (loaded in ${load_seconds}s, database $((db_bytes / 1048576)) MiB), $(nproc) CPUs, load $load_before"
printf '%12s %10s %10s %8s\n' "requests/s" "p50 ms" "p99 ms" errors
printf '%12.0f %10.2f %10.2f %8d\n' "$rps" "$p50" "$p99" "$errors"

mkdir -p bench/results
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
results="bench/results/catalogue-$stamp.json"
cat >"$results" <<JSON
{
  "date": "$stamp",
  "commit": "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)",
  "entries": $count,
  "loadSeconds": $load_seconds,
  "databaseBytes": $db_bytes,
  "parameters": {"durationSeconds": $duration, "wrkThreads": $wrk_threads, "wrkConnections": $wrk_connections, "cpus": $(nproc), "load": "$load_before"},
  "search": {"requestsPerSecond": $rps, "p50Milliseconds": $p50, "p99Milliseconds": $p99, "wrkErrors": $errors}
}
JSON
echo "figures written to $results"
