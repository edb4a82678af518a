#!/bin/sh
# Runs a benchmark on a clean snapshot of a commit (default HEAD) instead of the working tree, for when
# others are editing the tree: `sh bench/servers/snapshot.sh server [commit]`. Dependencies are symlinked
# from the working tree's node_modules, except @signet/*, which point into the snapshot. Results are
# copied back to bench/results/.
set -eu
name=${1:?usage: snapshot.sh <bench name> [commit]}
commit=${2:-HEAD}
root=$(cd "$(dirname "$0")/../.." && pwd)
snap=$(mktemp -d "${TMPDIR:-/tmp}/signet-snapshot-XXXXXX")
trap 'rm -rf "$snap"' EXIT
git -C "$root" archive "$commit" | tar -x -C "$snap"
mkdir -p "$snap/node_modules/@signet"
for entry in "$root"/node_modules/* "$root"/node_modules/.bin; do
  base=$(basename "$entry")
  [ "$base" = "@signet" ] || ln -s "$entry" "$snap/node_modules/$base"
done
for pkg in "$snap"/packages/*; do
  ln -s "../../packages/$(basename "$pkg")" "$snap/node_modules/@signet/$(basename "$pkg")"
  [ -d "$root/packages/$(basename "$pkg")/node_modules" ] &&
    ln -s "$root/packages/$(basename "$pkg")/node_modules" "$pkg/node_modules"
done
mkdir -p "$snap/bench/results"
cd "$snap"
BENCH_SOURCE="$(git -C "$root" rev-parse --short "$commit") (snapshot)" \
  node --conditions=signet-source --import tsx bench/run.ts "$name"
mkdir -p "$root/bench/results"
cp "$snap"/bench/results/"$name"-* "$root/bench/results/"
