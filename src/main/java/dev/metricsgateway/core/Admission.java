package dev.metricsgateway.core;

/** What {@link SeriesAdmission#admit} decided about a batch: a ticket to apply it, or a refusal. */
sealed interface Admission permits SeriesAdmission.Ticket, CardinalityRejection {
}
