#!/usr/bin/env bash
# Time from a fresh clone to a running stack: `npm ci && npm start` until the "FlowMate is running" banner.
# usage: performance/measure-start.sh <label> [VAR=value …]
#   cold: performance/measure-start.sh cold FLOWMATE_CACHE_DIR=$(mktemp -d) GOMODCACHE=$(mktemp -d) GOCACHE=$(mktemp -d)
#   warm: performance/measure-start.sh warm
# Uses the default ports (3000, 7233, 8233, 5433): stop any other FlowMate first.
set -euo pipefail
label=$1
shift
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
clone=$(mktemp -d)
log="$clone.log"
git clone -q "$repo" "$clone"
cd "$clone"

start=$(date +%s.%N)
env "$@" bash -c 'npm ci --no-audit --no-fund >/dev/null && exec npm start' >"$log" 2>&1 &
launcher=$!
until grep -q "FlowMate is running" "$log"; do
  kill -0 "$launcher" 2>/dev/null || { echo "$label: the stack did not start; see $log"; exit 1; }
  sleep 0.5
done
echo "$label: ready after $(echo "$(date +%s.%N) - $start" | bc) s"

pkill -INT -f "$clone/node_modules/.bin/npm|node dist/scripts/dev-stack.js" || true
wait "$launcher" || true
rm -rf "$clone" "$log"
