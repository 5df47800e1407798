package dev.metricsgateway.core;

/** The quantiles every summary reports, in the order they are served. */
public final class Quantiles {

    private static final double[] VALUES = {0.5, 0.9, 0.95, 0.99, 0.999};

    private Quantiles() {
    }

    public static int count() {
        return VALUES.length;
    }

    public static double at(int index) {
        return VALUES[index];
    }
}
