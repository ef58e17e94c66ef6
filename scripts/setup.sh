#!/usr/bin/env bash
# Installs what building and testing Knooppunt needs on a fresh Debian machine, skipping what is
# already there: the three C libraries' -dev packages, sqlite3 (the ledger tests tamper with a
# journal by hand), curl, openssl, python3, and the Swift toolchain on PATH. Extra Debian
# packages can be named as arguments (bench/ asks for nginx, wrk).
set -euo pipefail

packages=(libcurl4-openssl-dev libssl-dev libsqlite3-dev sqlite3 curl openssl python3 python3-pip "$@")
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}" >&2
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
    if [ -x /opt/swift/usr/bin/swift ]; then
        echo "note: add /opt/swift/usr/bin to PATH (the scripts do it themselves)" >&2
    else
        echo "error: the Swift 6 toolchain is missing; install it from swift.org into /opt/swift" >&2
        exit 1
    fi
fi
