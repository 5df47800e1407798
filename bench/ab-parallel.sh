#!/usr/bin/env bash
# Compares the ingest cost of two builds on a noisy machine: runs `loadgen --mode throughput`
# against both builds' jars AT THE SAME TIME, so both meet the same noise, and prints each one's
# accepted events/s, gateway CPU (cores) and events per gateway core (the figure to compare).
#   bench/ab-parallel.sh DIR_A DIR_B [ROUNDS]    (DIR_*: checkouts with the jar and test classes built,
#                                                 e.g. `./mvnw -q -B package -DskipTests && ./mvnw -q -B test-compile`)
#   AB_JVM_A / AB_JVM_B: each side's gateway JVM options (default -Xmx2g), to compare JVM flags with DIR_A = DIR_B.
set -euo pipefail
a=$(cd "$1" && pwd); b=$(cd "$2" && pwd); rounds=${3:-3}
out=$(mktemp -d)
run() { (cd "$1" && BENCH_NO_BUILD=1 bench/run.sh loadgen --mode throughput --connections 16 --warmup 10 --duration 20 \
  --gateway-jvm "$3" 2>/dev/null | tail -1) > "$2"; }
per_core() { awk -F'|' '{gsub(/[ ,]/,"",$6); gsub(/ /,"",$13); printf "%s events/s, %s cores, %.0f events/s per core", $6, $13, $6/$13}' "$1"; }
for round in $(seq "$rounds"); do
  run "$a" "$out/a" "${AB_JVM_A:--Xmx2g}" & run "$b" "$out/b" "${AB_JVM_B:--Xmx2g}" & wait
  echo "round $round: A $(per_core "$out/a")  |  B $(per_core "$out/b")"
done
rm -rf "$out"
