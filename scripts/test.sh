#!/usr/bin/env bash
# The whole test suite, as CI runs it: install what is missing, check the OpenAPI documents,
# fuzz the untrusted parsers briefly, build once, then run unit and end-to-end tests in parallel
# (the end-to-end tests start real `knooppunt` processes from that one build).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

scripts/setup.sh
# The OpenAPI validator and schemathesis (contract tests against a live node) come from PyPI.
python_tools=("openapi-spec-validator>=0.7" "schemathesis>=4,<5")
python3 -m pip install --quiet --disable-pip-version-check "${python_tools[@]}" 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${python_tools[@]}"
export KNOOPPUNT_REQUIRE_SCHEMATHESIS=1

echo "== OpenAPI documents"
for spec in specs/*.openapi.json; do
    python3 -m openapi_spec_validator "$spec"
done

echo "== fuzzing (${FUZZ_SECONDS:-15} s per target)"
for target in request-parser yaml-reader canonical-json draft-decoder; do
    Tests/Fuzz/run-fuzz.sh "$target" "${FUZZ_SECONDS:-15}"
done

echo "== build"
swift build --build-tests -Xswiftc -warnings-as-errors

echo "== tests"
swift test --skip-build
