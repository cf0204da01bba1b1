#!/usr/bin/env bash
# Fault (d) of the reliability suite: `opsdeck start` on a data directory that is read-only, or on a
# full disk, must stop at once with a message naming the directory and what to do (exit 1), not a
# stack trace from initdb. Needs root (tmpfs mounts). Run: bash bench/faults/data-dir.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
ro="$work/read-only" full="$work/full"
mkdir -p "$ro" "$full"
mount -t tmpfs -o ro,size=1m tmpfs "$ro"
mount -t tmpfs -o size=3m tmpfs "$full"
trap 'umount "$ro" "$full" 2>/dev/null; rm -rf "$work"' EXIT
verdict=0
for case in "read-only:$ro/data" "disk-full:$full/data"; do
  name=${case%%:*} dir=${case#*:}
  started=$(date +%s.%N)
  out=$(OPSDECK_DATA_DIR="$dir" OPSDECK_EMBEDDED_PG_PORT=54497 DATABASE_URL= timeout 120 bin/opsdeck start -p 3997 2>&1)
  code=$?
  seconds=$(echo "$(date +%s.%N) - $started" | bc)
  line=$(printf '%s\n' "$out" | grep '^opsdeck:' | tail -n 1)
  printf '%-10s exit %s after %.1f s: %s\n' "$name" "$code" "$seconds" "$line"
  if [ "$code" -ne 1 ] || ! grep -q -- "$dir" <<<"$line" || ! grep -q OPSDECK_DATA_DIR <<<"$line"; then verdict=1; fi
done
[ $verdict -eq 0 ] && echo "data directory faults: MET (exit 1, directory and OPSDECK_DATA_DIR named)" || echo "data directory faults: NOT MET"
exit $verdict
