#!/usr/bin/env bash
# Builds one libFuzzer target and runs it for a while: run-fuzz.sh TARGET SECONDS
#
# A target is a harness in Tests/Fuzz plus the sources it fuzzes, compiled into one module so the
# harness can reach internals. Add a target with one more entry in target_sources. New corpus
# entries go to .build/fuzz/corpus/TARGET; the seeds in Tests/Fuzz/corpus/TARGET are only read.
# A target may have a dictionary, Tests/Fuzz/TARGET.dict.
# Exits non-zero when the fuzzer finds a crash; the input is left in .build/fuzz/artifacts/TARGET
# and belongs in the target's unit tests as a regression case. Replay one with
# `.build/fuzz/fuzz-TARGET CRASH-FILE`.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"
build_dir="$repo_root/.build/fuzz"

# Paths relative to the repository root; globs expand at build time.
declare -A target_sources=(
    [request-parser]="Sources/Node/HTTP/Parsing/*.swift Tests/Fuzz/RequestParserFuzz.swift"
    [yaml-reader]="Sources/Schemas/SchemaLimits.swift Sources/Schemas/YAML/*.swift Tests/Fuzz/YAMLReaderFuzz.swift"
    [canonical-json]="Sources/Schemas/SchemaLimits.swift Sources/Schemas/JSON/*.swift Tests/Fuzz/CanonicalJSONFuzz.swift"
    [draft-decoder]="Sources/Schemas/*.swift Sources/Schemas/*/*.swift Tests/Fuzz/DraftDecoderFuzz.swift"
)

usage() {
    echo "usage: $(basename "$0") TARGET SECONDS" >&2
    echo "targets: ${!target_sources[*]}" >&2
    exit 64
}

[[ $# -eq 2 ]] || usage
target="$1"
seconds="$2"
[[ -n "${target_sources[$target]+set}" ]] || usage
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || usage

if command -v swiftc >/dev/null; then
    swiftc="$(command -v swiftc)"
elif [[ -x /opt/swift/usr/bin/swiftc ]]; then
    swiftc=/opt/swift/usr/bin/swiftc
else
    echo "swiftc not found on PATH or in /opt/swift/usr/bin" >&2
    exit 69
fi

cd "$repo_root"
# Split and glob the entry on purpose; a pattern matching nothing is an error, not a silent omission.
shopt -s failglob
# shellcheck disable=SC2206
sources=(${target_sources[$target]})
binary="$build_dir/fuzz-$target"
seed_corpus="$script_dir/corpus/$target"
work_corpus="$build_dir/corpus/$target"
artifacts="$build_dir/artifacts/$target"
mkdir -p "$build_dir" "$work_corpus" "$artifacts"

# Rebuild only when a source is newer than the binary: the CPUs are shared.
needs_build=1
if [[ -x "$binary" ]]; then
    needs_build=0
    for source in "${sources[@]}"; do
        if [[ "$source" -nt "$binary" ]]; then
            needs_build=1
        fi
    done
fi
if [[ $needs_build -eq 1 ]]; then
    echo "building $binary" >&2
    "$swiftc" -sanitize=fuzzer,address -parse-as-library -O -module-name FuzzTarget \
        "${sources[@]}" -o "$binary"
fi

# A target may keep the tokens its grammar branches on in Tests/Fuzz/TARGET.dict.
options=(-max_total_time="$seconds" -artifact_prefix="$artifacts/" -print_final_stats=1)
dictionary="$script_dir/$target.dict"
if [[ -f "$dictionary" ]]; then
    options+=(-dict="$dictionary")
fi

# Swift's own crash backtracer reads the stack in a way ASan reports as a bogus second crash; with
# it off, libFuzzer's handler reports the trap and writes the input to the artifacts directory.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"

# Crashes, leaks and timeouts make libFuzzer exit non-zero; set -e passes that on.
"$binary" "${options[@]}" "$work_corpus" "$seed_corpus"
