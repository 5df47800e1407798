#!/usr/bin/env bash
# Cluster benchmark: ingest throughput and scrape latency of 1, 2 and 3 members on this machine,
# against one plain gateway (no --cluster), and so the cost of merging at scrape time.
#
#   ./mvnw -q -B package -DskipTests && bench/cluster/run.sh
#
# Every gateway runs on this machine's cores, as does wrk: on a 2-core box the figures show the
# overhead of cluster mode, not a speed-up (see the README's "Running a cluster" for real machines).
# Knobs (environment): DURATION (wrk seconds per run, 10), EVENTS (per batch, 1000),
# SERVICES (distinct feature services, i.e. summary series, 100), SCRAPES (per member, 15).
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=target/metrics-gateway.jar
DURATION=${DURATION:-10}
EVENTS=${EVENTS:-1000}
SERVICES=${SERVICES:-100}
SCRAPES=${SCRAPES:-15}
KEY=bench-cluster-key-0123456789abcdef0123456789abcdef
WORK=$(mktemp -d /tmp/bench-cluster.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT

[ -f "$JAR" ] || { echo "build first: ./mvnw -q -B package -DskipTests" >&2; exit 1; }

python3 - "$EVENTS" "$SERVICES" > "$WORK/batch.ndjson" <<'PY'
import json, random, sys
n, services = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(1)
for i in range(n):
    region = rng.choice(["us-west-2", "us-east-1", "eu-west-1"])
    r = rng.random()
    if r < 0.85:
        fs = rng.randrange(services)
        e = {"type": "feature_request", "aws_region": region, "feature_service_id": f"fs-{fs}",
             "feature_service_name": f"service_{fs}", "latency_seconds": round(rng.lognormvariate(-4, 0.8), 6),
             "status": 200 if rng.random() < 0.98 else rng.choice([404, 429, 500, 503])}
    elif r < 0.90:
        e = {"type": "server_utilization", "aws_region": region, "instance": f"fs-pod-{rng.randrange(200)}",
             "utilization_percent": round(rng.uniform(5, 95), 2)}
    else:
        e = {"type": "ingest_request", "aws_region": region, "latency_seconds": round(rng.lognormvariate(-3, 0.5), 6),
             "status": 200, "writes": [{"workspace": "prod", "feature_view_name": "fv_1", "feature_view_id": "fv-1",
                                         "online_rows": 10, "offline_rows": 10}]}
    print(json.dumps(e, separators=(",", ":")))
PY

# start <name> <http port> <cluster port or empty> <members>
start() {
  local name=$1 port=$2 cport=$3 members=$4
  local args=(serve --port "$port" --data-dir "$WORK/$name")
  local env=(METRICS_GATEWAY_BOOTSTRAP_KEY=$KEY METRICS_GATEWAY_CHECKPOINT_INTERVAL_SECONDS=0)
  if [ -n "$cport" ]; then
    args+=(--cluster)
    env+=(METRICS_GATEWAY_CLUSTER_PORT=$cport METRICS_GATEWAY_CLUSTER_BUS_PORT=$((cport + 1))
          METRICS_GATEWAY_CLUSTER_MEMBERS=$members)
  fi
  env "${env[@]}" java -jar "$JAR" "${args[@]}" > "$WORK/$name.out" 2> "$WORK/$name.err" &
  PIDS+=($!)
}

await() {
  local name=$1
  for _ in $(seq 1 240); do
    grep -q "listening on" "$WORK/$name.out" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "$name did not start" >&2; cat "$WORK/$name.err" >&2; exit 1
}

stop_all() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
}

# ingest <ports...>: one wrk per member at once, sharing the duration; prints events/s (all members)
ingest() {
  local files=() wrks=()
  for port in "$@"; do
    wrk -t1 -c8 -d"${DURATION}s" -s bench/post_batch.lua "http://127.0.0.1:$port/api/v1/events" \
      -- "$WORK/batch.ndjson" "$KEY" > "$WORK/wrk-$port.txt" &
    wrks+=($!)
    files+=("$WORK/wrk-$port.txt")
  done
  wait "${wrks[@]}"
  local total=0 failed=0 refused=0
  for f in "${files[@]}"; do
    total=$((total + $(sed -n 's/^requests=\([0-9]*\).*/\1/p' "$f")))
    failed=$((failed + $(sed -n 's/.*errors=\([0-9]*\) .*/\1/p' "$f")))
    refused=$((refused + $(sed -n 's/.*non2xx=\([0-9]*\)/\1/p' "$f")))
  done
  echo "$((total * EVENTS / DURATION)) ${refused}/${failed}"
}

# scrape_ms <port>: median and p90 (ms) of SCRAPES scrapes
scrape_ms() {
  local port=$1
  for _ in $(seq 1 "$SCRAPES"); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Tecton-key $KEY" "http://127.0.0.1:$port/api/v1/observability/metrics"
  done | sort -n | awk '{ v[NR] = $1 * 1000 } END { printf "%.0f %.0f\n", v[int((NR + 1) / 2)], v[int(NR * 0.9 + 0.5)] }'
}

series() {
  curl -s -H "Authorization: Tecton-key $KEY" "http://127.0.0.1:$1/api/v1/observability/metrics" | grep -vc '^#'
}

partial() {
  curl -s -H "Authorization: Tecton-key $KEY" "http://127.0.0.1:$1/metrics" \
    | sed -n 's/^metrics_gateway_cluster_partial_scrapes_total \(.*\)/\1/p'
}

echo "| setup | ingest events/s (all members) | non-2xx / socket errors and wrk timeouts | scrape median ms | scrape p90 ms | samples served | partial scrapes |"
echo "|---|---|---|---|---|---|---|"

start plain 18100 "" ""
await plain
read -r rate bad < <(ingest 18100)
read -r median p90 < <(scrape_ms 18100)
echo "| 1 gateway, no --cluster | $rate | $bad | $median | $p90 | $(series 18100) | – |"
stop_all

for n in 1 2 3; do
  members=""
  for i in $(seq 1 "$n"); do members+="${members:+,}127.0.0.1:$((18200 + 10 * i))"; done
  ports=()
  start "m$n-1" 18101 18210 "$members"
  await "m$n-1"
  for i in $(seq 2 "$n"); do start "m$n-$i" $((18100 + i)) $((18200 + 10 * i)) "$members"; done
  for i in $(seq 2 "$n"); do await "m$n-$i"; done
  for i in $(seq 1 "$n"); do ports+=($((18100 + i))); done
  read -r rate bad < <(ingest "${ports[@]}")
  read -r median p90 < <(scrape_ms 18101)
  echo "| $n member(s), --cluster | $rate | $bad | $median | $p90 | $(series 18101) | $(partial 18101) |"
  stop_all
done
