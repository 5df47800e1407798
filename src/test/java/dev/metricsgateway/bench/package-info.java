/**
 * The benchmark suite of bench/README.md: JMH micro-benchmarks of the hot path ({@code *Benchmark},
 * run by {@link dev.metricsgateway.bench.JmhMain}) and the tools that measure a running gateway
 * over HTTP or the engine in process ({@link dev.metricsgateway.bench.LoadGenerator},
 * {@link dev.metricsgateway.bench.ScrapeBench}, {@link dev.metricsgateway.bench.MemoryPerSeries},
 * {@link dev.metricsgateway.bench.PeerComparison}). Each tool prints markdown tables on stdout
 * ({@code run(argv, out)}, which {@code BenchSmokeIT} calls with tiny sizes) and progress on stderr;
 * {@code bench/run.sh} runs one, {@code bench/run-all.sh} all of them.
 *
 * <p>Test scope on purpose: the tools compile with {@code -Werror} against the gateway's public
 * APIs in every build, so they cannot rot, and they never ship in the jar.
 */
package dev.metricsgateway.bench;
