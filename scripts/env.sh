# Sourced by the scripts: the toolchain on PATH and the repository root as the working folder.
export PATH="/opt/swift/usr/bin:$PATH"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
