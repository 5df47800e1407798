#!/usr/bin/env bash
# Runs one benchmark tool: bench/run.sh TOOL [options]   (TOOL --help lists the options)
#   jmh      hot-path micro-benchmarks (decode, record, snapshot, parse-only limit, cost vs live series)
#   loadgen  HTTP load generator: --mode throughput (closed loop) | rate (open loop, HdrHistogram)
#   scrape   scrape time and bytes vs series count, both formats, idle and while ingesting
#   memory   heap per series by metric type; total heap at 1M series
#   peers    Pushgateway and the Python client's multiprocess mode vs us, as ratios
#   cpu      decode and decode+apply in thread-CPU ns per event (compares versions on a busy machine)
# Builds the jar and the benchmark classes first (skip with BENCH_NO_BUILD=1); BENCH_JVM sets the
# tool's own JVM options (the gateway's are --gateway-jvm).
set -euo pipefail
cd "$(dirname "$0")/.."
tool=${1:?usage: bench/run.sh jmh|loadgen|scrape|memory|peers|cpu [options]}
shift
case $tool in
  jmh) main=dev.metricsgateway.bench.JmhMain ;;
  loadgen) main=dev.metricsgateway.bench.LoadGenerator ;;
  scrape) main=dev.metricsgateway.bench.ScrapeBench ;;
  memory) main=dev.metricsgateway.bench.MemoryPerSeries ;;
  peers) main=dev.metricsgateway.bench.PeerComparison ;;
  cpu) main=dev.metricsgateway.bench.IngestCpu ;;
  *) echo "unknown tool: $tool" >&2; exit 2 ;;
esac
if [[ -z ${BENCH_NO_BUILD:-} ]]; then
  ./mvnw -q -B package -DskipTests
fi
classpath=target/bench-classpath.txt
if [[ ! -s $classpath || pom.xml -nt $classpath ]]; then
  ./mvnw -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$classpath" >&2
fi
# shellcheck disable=SC2086
exec java ${BENCH_JVM:--Xmx4g} -cp "target/test-classes:target/classes:$(cat "$classpath")" "$main" "$@"
