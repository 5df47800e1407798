package dev.metricsgateway.bench;

import java.time.Duration;

/**
 * CPU time of a process, from {@code /proc/PID/stat} (user + system, all threads) as
 * {@link ProcessHandle.Info#totalCpuDuration()} reads it on Linux. Two readings around a measured
 * interval give the cores the process used on average.
 */
final class Cpu {

    private final long pid;
    private final long startCpuNanos;
    private final long startWallNanos;

    private Cpu(long pid) {
        this.pid = pid;
        this.startCpuNanos = cpuNanos(pid);
        this.startWallNanos = System.nanoTime();
    }

    /** Starts measuring {@code pid}; a pid that is not known (-1) reads as NaN cores. */
    static Cpu of(long pid) {
        return new Cpu(pid);
    }

    static Cpu self() {
        return new Cpu(ProcessHandle.current().pid());
    }

    /** Average cores used since construction (1.0 = one core busy all the time). */
    double cores() {
        long cpu = cpuNanos(pid);
        if (cpu < 0 || startCpuNanos < 0) {
            return Double.NaN;
        }
        return (double) (cpu - startCpuNanos) / (System.nanoTime() - startWallNanos);
    }

    private static long cpuNanos(long pid) {
        if (pid < 0) {
            return -1;
        }
        return ProcessHandle.of(pid).flatMap(handle -> handle.info().totalCpuDuration()).map(Duration::toNanos).orElse(-1L);
    }
}
