#!/usr/bin/env bash
# Durable payments per second through the coin API, next to what the same machine and disk do
# with less in the way, all in one run:
#   1. the ledger: `knooppunt serve` (release build), 64 concurrent HTTPS clients (wrk, 2 threads)
#      each POSTing /api/coin/v1/payments with a fresh Idempotency-Key; only 201s count, and a
#      201 means committed with synchronous=FULL (group commit: concurrent payments share one
#      transaction and one fsync);
#   2. a plain C loop over SQLite doing the same double-entry work with the same durability (WAL,
#      synchronous=FULL, prepared statements, no HTTP): one transaction per transfer, then 100
#      transfers per transaction (bench/sqlite_transfers.c);
#   3. pgbench TPC-B on a local PostgreSQL from Debian (fsync and synchronous_commit on), scale =
#      clients (one branch row per client, so clients do not all queue on one row lock), 64
#      clients, 2 threads.
# Then it prints the figures and the ratios against the targets (ledger ≥ 2.5× the C loop with
# one transaction per transfer, ≥ 2× pgbench tps). Everything runs on the same disk, one after the
# other; the machine's load is printed before and after, since other work skews every figure.
#
#   bench/ledger.sh            (LEDGER_BENCH_SECONDS=10 by default)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seconds="${LEDGER_BENCH_SECONDS:-10}"
clients=64
residents=500
merchants=20

scripts/setup.sh wrk postgresql gcc
echo "== machine: $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
ps -eo pcpu,comm --sort=-pcpu | awk 'NR > 1 && $1 > 20 { printf "   busy already: %s %s%%\n", $2, $1 }'

build_knooppunt

# On the disk under test, not a tmpfs: /var/tmp is disk-backed on Debian.
make_scratch /var/tmp/knooppunt-ledger-bench.XXXXXX
pg_ctl_bin=""
on_cleanup() {
    [ -n "$pg_ctl_bin" ] && as_postgres "$pg_ctl_bin" -D "$tmp/pg/data" -m fast stop >/dev/null 2>&1
}
mkdir -p bench/results
results="bench/results/ledger-$(date -u +%Y%m%dT%H%M%SZ).txt"

echo "== 1. ledger over HTTPS: $clients clients, ${seconds} s"
"$knooppunt" pki init-ca --dir "$tmp/ca" --name "Bench CA" >/dev/null
"$knooppunt" init --data "$tmp/node" --name Heerlen --oin 00000001000000917000 --cbs 0917 --ca "$tmp/ca" \
    --coin-code HEITJE --coin-name "Heerlens Heitje" --coin-budget-cents 100000000000 >/dev/null
admin_key="$("$knooppunt" apikey create --data "$tmp/node" --name bench-admin --scopes coin:admin | tail -n 1)"
pay_key="$("$knooppunt" apikey create --data "$tmp/node" --name bench-till --scopes coin:pay | tail -n 1)"
start_node node "$tmp/node" "$tmp/node.log" --specs specs
port="${port_of[node]}"
python3 bench/ledger_seed.py "$port" "$tmp/ca/ca.crt" "$admin_key" "$residents" "$merchants" 100000000
export KNOOPPUNT_KEY="$pay_key" KNOOPPUNT_RESIDENTS="$residents" KNOOPPUNT_MERCHANTS="$merchants"
wrk -t 2 -c "$clients" -d 2s -s bench/payments.lua "https://127.0.0.1:$port" >/dev/null   # warm-up
wrk -t 2 -c "$clients" -d "${seconds}s" --latency -s bench/payments.lua "https://127.0.0.1:$port" | tee "$tmp/wrk.txt"
stop_process node
"$knooppunt" ledger verify --data "$tmp/node" | tail -n 1
grep '"msg":"group commit writer stopped"' "$tmp/node.log" | tail -n 1 || true
result_line="$(grep '^RESULT' "$tmp/wrk.txt")"
created="$(sed -E 's/.*created=([0-9]+).*/\1/' <<<"$result_line")"
wrk_seconds="$(sed -E 's/.*seconds=([0-9.]+).*/\1/' <<<"$result_line")"
ledger_rate="$(awk -v n="$created" -v s="$wrk_seconds" 'BEGIN { printf "%.0f", n / s }')"
batch_line="$(grep '"msg":"group commit writer stopped"' "$tmp/node.log" | tail -n 1 || true)"

echo "== 2. C loop over SQLite (WAL, synchronous=FULL), ${seconds} s each"
gcc -O2 -o "$tmp/sqlite_transfers" bench/sqlite_transfers.c -lsqlite3
# (Printed, then parsed: `tee /dev/stderr` would reopen, and so truncate, a redirected log.)
c_single_line="$("$tmp/sqlite_transfers" "$tmp/c1.db" 1 "$seconds")"
echo "$c_single_line"
c_batched_line="$("$tmp/sqlite_transfers" "$tmp/c100.db" 100 "$seconds")"
echo "$c_batched_line"
c_single="$(sed -E 's/.*= ([0-9]+) transfers\/s/\1/' <<<"$c_single_line")"
c_batched="$(sed -E 's/.*= ([0-9]+) transfers\/s/\1/' <<<"$c_batched_line")"

echo "== 3. pgbench TPC-B: $clients clients, 2 threads, ${seconds} s"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
mkdir -p "$tmp/pg"
[ "$(id -u)" -eq 0 ] && chown postgres "$tmp/pg" && chmod o+x "$tmp"
as_postgres "$pg_bin/initdb" -D "$tmp/pg/data" -A trust -U postgres >/dev/null
pg_ctl_bin="$pg_bin/pg_ctl"
as_postgres "$pg_ctl_bin" -D "$tmp/pg/data" -l "$tmp/pg/log" -w \
    -o "-k $tmp/pg -c listen_addresses='' -c max_connections=100" start >/dev/null
as_postgres "$pg_bin/createdb" -h "$tmp/pg" -U postgres bench
as_postgres "$pg_bin/pgbench" -i -q -s "$clients" -h "$tmp/pg" -U postgres bench 2>&1 | tail -n 1
as_postgres "$pg_bin/pgbench" -h "$tmp/pg" -U postgres -c "$clients" -j 2 -T "$seconds" bench 2>&1 | tee "$tmp/pgbench.txt" | grep -E '^(tps|latency)'
pg_tps="$(grep -E '^tps' "$tmp/pgbench.txt" | head -n 1 | sed -E 's/tps = ([0-9.]+).*/\1/')"

echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
{
    echo "ledger benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, ${seconds} s per run, $clients clients"
    printf '  ledger over HTTPS (durable payments/s):   %8s   (%s)\n' "$ledger_rate" "$result_line"
    printf '  C loop, 1 transfer per transaction:      %8s\n' "$c_single"
    printf '  C loop, 100 transfers per transaction:   %8s\n' "$c_batched"
    printf '  pgbench TPC-B (tps):                      %8.0f\n' "$pg_tps"
    awk -v l="$ledger_rate" -v c="$c_single" -v b="$c_batched" -v p="$pg_tps" 'BEGIN {
        printf "  ledger / C loop 1 per transaction:       %8.2fx  (target >= 2.5x) %s\n", l / c, (l / c >= 2.5 ? "met" : "NOT met")
        printf "  ledger / pgbench:                        %8.2fx  (target >= 2x)   %s\n", l / p, (l / p >= 2 ? "met" : "NOT met")
        printf "  ledger / C loop 100 per transaction:     %8.2fx\n", l / b
    }'
    [ -n "$batch_line" ] && echo "  group commit: $(sed -E 's/.*"batches":([0-9]+).*"jobs":([0-9]+).*/\2 jobs in \1 batches/' <<<"$batch_line")"
} | tee "$results"
echo "(saved to $results)"
