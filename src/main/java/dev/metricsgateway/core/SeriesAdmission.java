package dev.metricsgateway.core;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps live series within the {@link SeriesLimits} without ever half-applying a batch: a batch
 * is admitted (and its possible new series reserved) before any of it is applied, or refused
 * whole.
 *
 * <p>Most batches are far from every limit: the upper bound of the series they could create
 * (one per input) fits beside the live and reserved series, and admitting them costs a few
 * additions. Only a batch near a limit has its new series counted exactly, which means computing
 * its label keys once more. Reservations are released once the batch is applied, by which time
 * its new series are in the aggregators' maps; counting both in between errs on the side of
 * refusing.
 *
 * <p><b>Threading.</b> One monitor guards the reservation counters. It is held for a few
 * additions per metric of a batch, or, near a limit, while that batch's new series are counted,
 * so that two batches near the same limit cannot both take its last places.
 */
final class SeriesAdmission {

    /** Capacity reserved for one admitted batch; release it once the batch is applied. */
    final class Ticket implements Admission {
        private final int[] perMetric;
        private final long total;

        private Ticket(int[] perMetric, long total) {
            this.perMetric = perMetric;
            this.total = total;
        }

        void release() {
            synchronized (SeriesAdmission.this) {
                for (int i = 0; i < perMetric.length; i++) {
                    reserved[i] -= perMetric[i];
                }
                reservedTotal -= total;
            }
        }
    }

    private final SeriesLimits limits;
    private final List<MetricAggregator<?>> aggregators;
    private final int[] reserved;
    private long reservedTotal;

    /** @param aggregators every metric; {@link MetricAggregator#position} indexes this list */
    SeriesAdmission(SeriesLimits limits, List<MetricAggregator<?>> aggregators) {
        this.limits = limits;
        this.aggregators = List.copyOf(aggregators);
        this.reserved = new int[aggregators.size()];
    }

    /**
     * Reserves room for the series {@code events} may create, or refuses.
     *
     * @param events     the batch's live (not late) events
     * @param batchIndex the position in the whole batch of each of {@code events}, for the error
     * @param plans      the metrics each of {@code events} feeds
     * @return a ticket to release after applying, or the reason for refusing
     */
    Admission admit(List<Event> events, int[] batchIndex, List<List<MetricAggregator<?>>> plans) {
        int[] bound = new int[aggregators.size()];
        long boundTotal = 0;
        for (int e = 0; e < events.size(); e++) {
            Event event = events.get(e);
            for (MetricAggregator<?> aggregator : plans.get(e)) {
                int inputs = aggregator.inputsOf(event);
                bound[aggregator.position] += inputs;
                boundTotal += inputs;
            }
        }
        synchronized (this) {
            if (fits(bound, boundTotal)) {
                return reserve(bound, boundTotal);
            }
            return admitExactly(events, batchIndex, plans);
        }
    }

    /** Near a limit: counts the batch's new series event by event and names the first one too many. */
    private Admission admitExactly(List<Event> events, int[] batchIndex, List<List<MetricAggregator<?>>> plans) {
        List<Set<LabelValues>> newSeries = new java.util.ArrayList<>(aggregators.size());
        for (int i = 0; i < aggregators.size(); i++) {
            newSeries.add(new HashSet<>());
        }
        int[] exact = new int[aggregators.size()];
        long exactTotal = 0;
        for (int e = 0; e < events.size(); e++) {
            for (MetricAggregator<?> aggregator : plans.get(e)) {
                Set<LabelValues> keys = newSeries.get(aggregator.position);
                aggregator.collectNewSeries(events.get(e), keys);
                exactTotal += keys.size() - exact[aggregator.position];
                exact[aggregator.position] = keys.size();
                if ((long) aggregator.seriesCount() + reserved[aggregator.position] + keys.size() > limits.maxSeriesPerMetric()) {
                    return new CardinalityRejection(batchIndex[e], aggregator.spec.name(), limits.maxSeriesPerMetric());
                }
                if (liveTotal() + reservedTotal + exactTotal > limits.maxSeriesTotal()) {
                    return new CardinalityRejection(batchIndex[e], null, limits.maxSeriesTotal());
                }
            }
        }
        return reserve(exact, exactTotal);
    }

    private boolean fits(int[] bound, long boundTotal) {
        for (MetricAggregator<?> aggregator : aggregators) {
            int extra = bound[aggregator.position];
            if (extra > 0 && (long) aggregator.seriesCount() + reserved[aggregator.position] + extra > limits.maxSeriesPerMetric()) {
                return false;
            }
        }
        return boundTotal == 0 || liveTotal() + reservedTotal + boundTotal <= limits.maxSeriesTotal();
    }

    private Ticket reserve(int[] amounts, long total) {
        for (int i = 0; i < amounts.length; i++) {
            reserved[i] += amounts[i];
        }
        reservedTotal += total;
        return new Ticket(amounts, total);
    }

    private long liveTotal() {
        long total = 0;
        for (MetricAggregator<?> aggregator : aggregators) {
            total += aggregator.seriesCount();
        }
        return total;
    }
}
