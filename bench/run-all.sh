#!/usr/bin/env bash
# Runs every benchmark of bench/README.md and prints one markdown report (progress goes to stderr):
#   bench/run-all.sh [--quick] > report.md
# --quick: shorter runs and smaller sizes (minutes instead of about half an hour); same tools.
# The gateway runs as a child JVM of each tool, on loopback, on the same cores as the generator.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=false
[[ ${1:-} == --quick ]] && quick=true

if $quick; then
  load_seconds=15 warmup=5 scrape_series=1000,10000,100000 pgw_series=10000,100000 python_series=1000
  memory_args=(--gauge-series 20000 --summary-series 2000 --busy-gauge-series 2000 --busy-summary-series 200)
  jmh_args=(--quick) scrapes=5 scrape_heap=-Xmx8g
else
  load_seconds=60 warmup=10 scrape_series=1000,10000,100000,1000000 pgw_series=10000,100000 python_series=10000
  memory_args=() jmh_args=() scrapes=10 scrape_heap=-Xmx12g
fi

log() { echo "run-all: $*" >&2; }
log "building"
./mvnw -q -B package -DskipTests >&2
export BENCH_NO_BUILD=1
# a tool that fails leaves a note in the report and the run goes on with the next one
run() {
  local status=0
  bench/run.sh "$@" || status=$?
  if ((status)); then echo; echo "**\`bench/run.sh $*\` failed (exit $status): see stderr.**"; fi
}
# the figure in column $2 of the first table row starting with "| $1 |", without thousands separators
cell() { awk -F'|' -v first="$1" -v col="$2" '$2 ~ "^ *" first " *$" { gsub(/[ ,*]/, "", $(col + 1)); print $(col + 1); exit }'; }

commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml || echo "+changes")
cat <<HEADER
## Benchmark run $(date -u +%Y-%m-%dT%H:%MZ)$($quick && echo " (--quick)")

- commit: $commit
- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB,
  $(. /etc/os-release && echo "$PRETTY_NAME"), $(java -version 2>&1 | head -1), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)
- generator and gateway on the same cores; the gateway with \`--gateway-jvm\` defaults (-Xmx4g; $scrape_heap for scrapes)

HEADER

log "ingest: throughput (closed loop, ${load_seconds} s), then open loop at 50 % and 150 % of that peak"
echo "### Ingest: throughput, latency at half of peak, overload at 150 %"
echo
ingest=$(run loadgen --mode suite --warmup "$warmup" --duration "$load_seconds")
echo "$ingest"
echo
peak=$(cell throughput 5 <<<"$ingest")
[[ $peak =~ ^[0-9]+ ]] || peak=100000 # the ingest run failed: scrape with ingest at 50k events/s
half=$(( ${peak%.*} / 2 ))

log "scrape vs series (${scrape_series}), ingest at ${half} events/s meanwhile"
echo "### Scrape time and bytes vs series (ingest meanwhile at half of peak, open loop)"
echo
run scrape --series "$scrape_series" --scrapes "$scrapes" --ingest-events-per-second "$half" --gateway-jvm "$scrape_heap"
echo

log "memory per series"
echo "### Memory per series (heap after full GC, in process)"
echo
BENCH_JVM=-Xmx10g run memory "${memory_args[@]}"
echo

log "JMH"
echo "### JMH: hot path, snapshot, record cost vs live series"
echo
run jmh "${jmh_args[@]}"

log "peers"
echo "### Peers, same run (ratio > 1: the peer is slower)"
echo
run peers --pushgateway-series "$pgw_series" --python-series "$python_series" --workers 64,256 --scrapes "$scrapes" --gateway-jvm -Xmx8g
log "done"
