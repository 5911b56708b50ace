#!/usr/bin/env bash
# A soak of the k6 request mix against a running FlowMate, sampling the worker's and the API's resident
# memory every SAMPLE_SECONDS; prints the samples and the growth after warm-up (the first fifth).
# usage: API_KEY=fm_… performance/soak.sh [RATE=25] [DURATION=30m]   (k6's env as in performance/k6/README.md)
# The processes are found by their entry points; set WORKER_PID / API_PID to pick others.
set -euo pipefail
cd "$(dirname "$0")/.."
export "$@"
k6=$(command -v k6 || echo "${FLOWMATE_CACHE_DIR:-$HOME/.cache/flowmate}/bin/k6")
worker_pid=${WORKER_PID:-$(pgrep -f 'dist/apps/worker/src/main.js' | head -1)}
api_pid=${API_PID:-$(pgrep -f 'dist/apps/api/src/main.js' | head -1)}
interval=${SAMPLE_SECONDS:-30}
rss_mib() { echo $(($(awk '/^VmRSS:/ {print $2}' "/proc/$1/status") / 1024)); }

"$k6" run --quiet --no-usage-report performance/k6/soak.js &
k6_pid=$!
samples=$(mktemp)
echo "seconds,worker_rss_mib,api_rss_mib"
start=$(date +%s)
while kill -0 "$k6_pid" 2>/dev/null; do
  line="$(($(date +%s) - start)),$(rss_mib "$worker_pid"),$(rss_mib "$api_pid")"
  echo "$line" | tee -a "$samples"
  sleep "$interval"
done
wait "$k6_pid" && k6_exit=0 || k6_exit=$?
awk -F, '{ rows[NR] = $0; worker[NR] = $2; api[NR] = $3 }
  END {
    warm = int(NR / 5) + 1
    printf "after warm-up (sample %d of %d): worker %d → %d MiB (%+.1f %%), API %d → %d MiB (%+.1f %%)\n",
      warm, NR, worker[warm], worker[NR], 100 * (worker[NR] - worker[warm]) / worker[warm], api[warm], api[NR], 100 * (api[NR] - api[warm]) / api[warm]
  }' "$samples"
rm -f "$samples"
exit "$k6_exit"
