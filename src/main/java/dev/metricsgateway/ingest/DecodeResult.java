package dev.metricsgateway.ingest;

import dev.metricsgateway.core.Event;
import java.util.List;

/**
 * The outcome of decoding one batch: either every event, validated ({@link Accepted}), or why the
 * batch was rejected ({@link Rejected}); never both, because a batch is atomic. Immutable.
 *
 * <p>Java 17 has no pattern matching for {@code switch}, so callers test with
 * {@code result instanceof DecodeResult.Rejected rejected}.
 */
public sealed interface DecodeResult permits DecodeResult.Accepted, DecodeResult.Rejected, DecodeResult.TooManyEvents {

    /**
     * Every event of the batch passed validation.
     *
     * @param events  in batch order; empty for a body without events
     * @param batchId the {@code batch_id} every event carries, or null when none does
     */
    record Accepted(List<Event> events, String batchId) implements DecodeResult {
        public Accepted {
            events = List.copyOf(events);
        }

        /** A batch without {@code batch_id}. */
        public Accepted(List<Event> events) {
            this(events, null);
        }
    }

    /**
     * The body holds more than {@code maxEvents} events; reading stopped there and nothing of it
     * may be applied (the HTTP layer answers 413: the sender should split the batch).
     */
    record TooManyEvents(int maxEvents) implements DecodeResult {
        public TooManyEvents {
            if (maxEvents < 1) {
                throw new IllegalArgumentException(maxEvents + ": maxEvents must be >= 1");
            }
        }

        /** The answer's {@code error}. */
        public String error() {
            return "batch rejected: more than " + maxEvents + " events (max_events_per_batch); split it into smaller batches";
        }
    }

    /**
     * The batch is rejected as a whole; nothing of it may be applied.
     *
     * @param error      one-line summary for the answer's {@code error}, e.g.
     *                   {@code batch rejected: 2 invalid events}
     * @param violations the problems found, at most the decoder's limit; never empty
     */
    record Rejected(String error, List<Violation> violations) implements DecodeResult {
        public Rejected {
            if (error == null || error.isBlank()) {
                throw new IllegalArgumentException("error: must not be blank");
            }
            violations = List.copyOf(violations);
            if (violations.isEmpty()) {
                throw new IllegalArgumentException("violations: a rejected batch needs at least one");
            }
        }
    }
}
