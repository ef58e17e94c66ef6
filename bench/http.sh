#!/usr/bin/env bash
# HTTPS throughput of a release `knooppunt serve` next to Debian's nginx on the same machine,
# same certificate, same JSON body, same number of event loops / worker processes (issue
# "Foundation": keep-alive requests/s >= 0.7x nginx, new mTLS handshakes/s >= 0.8x nginx).
#
#   keep-alive: wrk -t2 -c64 -d${DURATION}s --latency  GET /api/node/v1/info   (requests/s, p99)
#   handshakes: openssl s_time -new with a client certificate  (connections / real seconds)
#
# Environment: DURATION (seconds per measurement, default 10), LOOPS (event loops and nginx
# worker_processes, default `nproc`), WARMUP (seconds of unmeasured wrk per server, default 2).
# Prints a table and writes the same figures to bench/results/http-<date>.json. Exits 0 whatever
# the ratios are; non-zero only if a measurement could not be made.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

duration="${DURATION:-10}"
loops="${LOOPS:-$(nproc)}"
warmup="${WARMUP:-2}"
wrk_threads=2
wrk_connections=64
target_keepalive=0.7
target_handshakes=0.8
path=/api/node/v1/info

scripts/setup.sh nginx-light wrk
for tool in nginx wrk openssl curl python3; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not on PATH after setup.sh"
done

build_knooppunt
make_scratch

# --- a CA, a node, a client certificate -------------------------------------------------------
"$knooppunt" pki init-ca --dir "$tmp/ca" --name "Bench CA" >/dev/null
"$knooppunt" init --data "$tmp/node" --name "Bench node" --oin 00000001000000000099 --ca "$tmp/ca" >/dev/null
"$knooppunt" pki issue --ca "$tmp/ca" --oin 00000001000000000098 --name "Bench client" --out "$tmp/client" >/dev/null
python3 - "$tmp/node/config.json" "$loops" <<'EOF'
import json, sys
path, loops = sys.argv[1], int(sys.argv[2])
with open(path) as f:
    config = json.load(f)
config["eventLoops"] = loops
with open(path, "w") as f:
    json.dump(config, f, indent=2)
EOF
ca="$tmp/ca/ca.crt"
client_tls=(--cacert "$ca" --cert "$tmp/client.crt" --key "$tmp/client.key")

# --- the node ---------------------------------------------------------------------------------
start_node node "$tmp/node" "$tmp/node.log" --specs "$repo_root/specs"
node_port="${port_of[node]}"

mkdir -p "$tmp/www${path%/*}"
curl --silent --show-error --fail "${client_tls[@]}" --output "$tmp/www$path" "https://127.0.0.1:$node_port$path" \
    || die "GET $path from the node failed"
body_bytes="$(wc -c <"$tmp/www$path")"
[ "$body_bytes" -gt 0 ] || die "the node returned an empty body for $path"

# --- nginx ------------------------------------------------------------------------------------
nginx_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
nginx_user=""
# As root, nginx would run its workers as nobody, who cannot read the 0700 temp folder.
[ "$(id -u)" -eq 0 ] && nginx_user="user root root;"
cat >"$tmp/nginx.conf" <<EOF
$nginx_user
worker_processes $loops;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $tmp/nginx-body;
    proxy_temp_path $tmp/nginx-proxy;
    fastcgi_temp_path $tmp/nginx-fastcgi;
    uwsgi_temp_path $tmp/nginx-uwsgi;
    scgi_temp_path $tmp/nginx-scgi;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    server {
        listen 127.0.0.1:$nginx_port ssl;
        ssl_certificate $tmp/node/tls/node.crt;
        ssl_certificate_key $tmp/node/tls/node.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_client_certificate $ca;
        ssl_verify_client optional;
        root $tmp/www;
        location = $path { default_type application/json; }
    }
}
EOF
nginx -t -q -c "$tmp/nginx.conf" -p "$tmp" -e "$tmp/nginx-error.log" || die "nginx rejected $tmp/nginx.conf"
nginx -c "$tmp/nginx.conf" -p "$tmp" -e "$tmp/nginx-error.log" </dev/null >/dev/null 2>>"$tmp/nginx-error.log" &
pid_of[nginx]=$!
for _ in $(seq 1 100); do
    curl --silent --fail "${client_tls[@]}" --output /dev/null "https://127.0.0.1:$nginx_port$path" 2>/dev/null && break
    sleep 0.1
done
cmp -s "$tmp/www$path" <(curl --silent --show-error --fail "${client_tls[@]}" "https://127.0.0.1:$nginx_port$path") \
    || { cat "$tmp/nginx-error.log" >&2; die "nginx does not serve the node's body"; }

# Both must ask for, accept and verify the client certificate in a full handshake.
for port in "$node_port" "$nginx_port"; do
    openssl s_client -connect "127.0.0.1:$port" -cert "$tmp/client.crt" -key "$tmp/client.key" -CAfile "$ca" \
        -verify_return_error </dev/null >"$tmp/s_client.out" 2>&1 || { cat "$tmp/s_client.out" >&2; die "s_client to port $port failed"; }
    grep -q "Verify return code: 0" "$tmp/s_client.out" || { cat "$tmp/s_client.out" >&2; die "port $port: server certificate not verified"; }
done

# --- measurements -----------------------------------------------------------------------------
# Prints "handshakes_per_s connections real_seconds" from s_time's output.
parse_s_time() {
    awk '
        / connections in [0-9]+ real seconds/ { connections = $1; seconds = $4 }
        END {
            if (connections == "" || connections == 0 || seconds == 0) exit 1
            printf "%.1f %d %d\n", connections / seconds, connections, seconds
        }' "$1"
}

measure() {
    local name="$1" port="$2" url="https://127.0.0.1:$2$path"
    echo "== $name: wrk -t$wrk_threads -c$wrk_connections -d${duration}s --latency $url" >&2
    if [ "$warmup" -gt 0 ]; then
        wrk -t"$wrk_threads" -c"$wrk_connections" -d"${warmup}s" "$url" >/dev/null 2>&1 || true
    fi
    wrk -t"$wrk_threads" -c"$wrk_connections" -d"${duration}s" --latency "$url" >"$tmp/wrk-$name.out" 2>&1 || true
    sed 's/^/   /' "$tmp/wrk-$name.out" >&2
    read -r rps _ p99 errors < <(wrk_figures "$tmp/wrk-$name.out") || die "$name: no figures in wrk's output"
    echo "== $name: openssl s_time -new -time $duration (client certificate)" >&2
    openssl s_time -connect "127.0.0.1:$port" -new -time "$duration" \
        -cert "$tmp/client.crt" -key "$tmp/client.key" -CAfile "$ca" >"$tmp/s_time-$name.out" 2>&1 || true
    grep -E "connections" "$tmp/s_time-$name.out" | sed 's/^/   /' >&2
    read -r hps connections seconds < <(parse_s_time "$tmp/s_time-$name.out") \
        || { cat "$tmp/s_time-$name.out" >&2; die "$name: s_time completed no handshakes"; }
    printf -v "${name}_rps" '%s' "$rps"
    printf -v "${name}_p99" '%s' "$p99"
    printf -v "${name}_errors" '%s' "$errors"
    printf -v "${name}_hps" '%s' "$hps"
    printf -v "${name}_handshakes" '%s' "$connections"
    printf -v "${name}_handshake_seconds" '%s' "$seconds"
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
measure node "$node_port"
sleep 1
measure nginx "$nginx_port"
kill -0 "${pid_of[node]}" 2>/dev/null || { tail -n 20 "$tmp/node.log" >&2; die "the node died during the benchmark"; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t ? "PASS" : "BELOW") }'; }
keepalive_ratio="$(ratio "$node_rps" "$nginx_rps")"
handshake_ratio="$(ratio "$node_hps" "$nginx_hps")"
keepalive_verdict="$(verdict "$keepalive_ratio" "$target_keepalive")"
handshake_verdict="$(verdict "$handshake_ratio" "$target_handshakes")"

echo
echo "HTTPS, $loops event loops / nginx workers, ${duration}s each, body $body_bytes bytes, load before: $load_before"
printf '%-10s %12s %10s %14s %8s\n' server "requests/s" "p99 ms" "handshakes/s" errors
printf '%-10s %12.0f %10.2f %14.1f %8d\n' knooppunt "$node_rps" "$node_p99" "$node_hps" "$node_errors"
printf '%-10s %12.0f %10.2f %14.1f %8d\n' nginx "$nginx_rps" "$nginx_p99" "$nginx_hps" "$nginx_errors"
printf 'node/nginx keep-alive  %.2fx (target >= %sx)  %s\n' "$keepalive_ratio" "$target_keepalive" "$keepalive_verdict"
printf 'node/nginx handshakes  %.2fx (target >= %sx)  %s\n' "$handshake_ratio" "$target_handshakes" "$handshake_verdict"
if [ "$node_errors" -gt 0 ] || [ "$nginx_errors" -gt 0 ]; then
    echo "warning: wrk reported socket errors or non-2xx responses (see the wrk output above)"
fi

mkdir -p bench/results
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
results="bench/results/http-$stamp.json"
python3 - "$results" <<EOF
import json, sys
figures = {
    "date": "$stamp",
    "commit": "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)",
    "parameters": {"durationSeconds": $duration, "loops": $loops, "wrkThreads": $wrk_threads,
                   "wrkConnections": $wrk_connections, "path": "$path", "bodyBytes": $body_bytes,
                   "cpus": $(nproc), "loadBefore": "$load_before",
                   "nginx": "$(nginx -v 2>&1 | sed 's/.*: //')", "openssl": "$(openssl version)"},
    "servers": {
        "knooppunt": {"requestsPerSecond": $node_rps, "p99Milliseconds": $node_p99, "wrkErrors": $node_errors,
                      "handshakesPerSecond": $node_hps, "handshakes": $node_handshakes,
                      "handshakeRealSeconds": $node_handshake_seconds},
        "nginx": {"requestsPerSecond": $nginx_rps, "p99Milliseconds": $nginx_p99, "wrkErrors": $nginx_errors,
                  "handshakesPerSecond": $nginx_hps, "handshakes": $nginx_handshakes,
                  "handshakeRealSeconds": $nginx_handshake_seconds},
    },
    "ratios": {
        "keepAlive": {"value": $keepalive_ratio, "target": $target_keepalive, "verdict": "$keepalive_verdict"},
        "handshakes": {"value": $handshake_ratio, "target": $target_handshakes, "verdict": "$handshake_verdict"},
    },
}
with open(sys.argv[1], "w") as f:
    json.dump(figures, f, indent=2)
    f.write("\n")
EOF
echo "figures written to $results"
