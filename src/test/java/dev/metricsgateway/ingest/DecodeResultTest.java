package dev.metricsgateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.metricsgateway.core.Event;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecodeResultTest {

    @Test
    void aRejectedResultNeedsAtLeastOneViolation() {
        assertThatThrownBy(() -> new DecodeResult.Rejected("batch rejected", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRejectedResultNeedsAnError() {
        assertThatThrownBy(() -> new DecodeResult.Rejected(" ", List.of(new Violation(0, null, "required"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAcceptedResultKeepsItsOwnCopyOfTheEvents() {
        List<Event> events = new ArrayList<>(Decoding.accepted(Decoding.ndjson(Decoding.featureRequest(""))));
        DecodeResult.Accepted accepted = new DecodeResult.Accepted(events);

        events.clear();

        assertThat(accepted.events()).hasSize(1);
    }

    @Test
    void aViolationIndexBelowTheWholeBodyMarkerIsRefused() {
        assertThatThrownBy(() -> new Violation(-2, null, "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
