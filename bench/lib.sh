# Sourced by the bench scripts: what each of them needs around its measurement, written once.
# The toolchain on PATH and the repository root as the working folder (scripts/env.sh), a release
# build, a scratch folder that goes away on exit together with every process started here,
# `knooppunt serve` started on a port the kernel picks, and wrk's figures.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/env.sh"

die() { echo "error: $*" >&2; exit 1; }

# Builds the release binary into .build-release and sets $knooppunt to its path.
build_knooppunt() {
    echo "== building knooppunt (release, .build-release)" >&2
    swift build -c release --scratch-path .build-release --product knooppunt 2>&1 | tail -n 1 >&2
    knooppunt="$repo_root/.build-release/release/knooppunt"
    [ -x "$knooppunt" ] || die "no binary at $knooppunt"
}

# The processes started here by name, and the ports `start_node` found them on.
declare -A pid_of=()
declare -A port_of=()

# Makes the scratch folder $tmp (mktemp's template in $1, if given) and arranges that on exit
# every process in pid_of stops and $tmp goes (kept when KEEP is set). A script with more to
# undo defines `on_cleanup`, which runs first.
make_scratch() {
    tmp="$(mktemp -d "$@")"
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}

bench_cleanup() {
    local name
    if declare -F on_cleanup >/dev/null; then on_cleanup || true; fi
    # All are asked first, so they shut down side by side.
    for name in "${!pid_of[@]}"; do kill -TERM "${pid_of[$name]}" 2>/dev/null || true; done
    for name in "${!pid_of[@]}"; do stop_process "$name"; done
    if [ -n "${KEEP:-}" ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}

# Stops process $1 (a name in pid_of): SIGTERM, then SIGKILL if it still runs after 30 s, beyond
# the node's own shutdown grace (10 s by default), so a node normally finishes its shutdown.
stop_process() {
    local name="$1" pid="${pid_of[$1]}"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    unset "pid_of[$name]"
}

# start_node NAME DATA LOG [serve options...]: starts `knooppunt serve` on the node in DATA on
# 127.0.0.1, port 0, stderr to LOG, and waits until it logs the port it listens on: it is then
# in pid_of[NAME] and port_of[NAME]. Fails if the node exits or is not listening within 20 s.
start_node() {
    local name="$1" data="$2" log="$3" port=""
    shift 3
    "$knooppunt" serve --data "$data" --listen 127.0.0.1:0 "$@" >/dev/null 2>"$log" </dev/null &
    pid_of[$name]=$!
    for _ in $(seq 1 200); do
        port="$(sed -n 's/.*"msg":"listening".*"address":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$log" 2>/dev/null | head -n 1)" || true
        if [ -n "$port" ]; then
            port_of[$name]="$port"
            return
        fi
        kill -0 "${pid_of[$name]}" 2>/dev/null || { cat "$log" >&2; die "$name exited during start-up"; }
        sleep 0.1
    done
    cat "$log" >&2
    die "$name did not log its listening address"
}

# Prints "requests_per_s p50_ms p99_ms errors" from the output of `wrk --latency` in file $1,
# errors being socket errors plus non-2xx/3xx responses. Fails if the output has no rate.
wrk_figures() {
    awk '
        function ms(text,   value) {
            value = text + 0
            if (text ~ /us$/) return value / 1000
            if (text ~ /ms$/) return value
            if (text ~ /m$/) return value * 60000
            if (text ~ /s$/) return value * 1000
            return value
        }
        /Requests\/sec:/ { rps = $2 }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        /Socket errors:/ { gsub(/,/, ""); errors += $4 + $6 + $8 + $10 }
        /Non-2xx or 3xx responses:/ { errors += $5 }
        END {
            if (rps == "" || p99 == "") exit 1
            printf "%s %.3f %.3f %d\n", rps, p50, p99, errors
        }' "$1"
}
