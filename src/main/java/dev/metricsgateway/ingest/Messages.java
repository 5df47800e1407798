package dev.metricsgateway.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * The texts of violations, in one place so tests and the OpenAPI examples can quote them, and the
 * one way sender-controlled text enters a message: shortened and stripped of control characters,
 * so an answer or a log line never carries more than about 100 characters of a sender's input.
 */
final class Messages {

    static final String REQUIRED = "required";
    static final String MUST_BE_STRING = "must be a string";
    static final String MUST_BE_NUMBER = "must be a number";
    static final String MUST_BE_FINITE = "must be a finite number";
    static final String MUST_BE_INTEGER = "must be an integer";
    static final String MUST_BE_ARRAY = "must be an array";
    static final String MUST_BE_OBJECT = "must be a JSON object";
    static final String BAD_LABEL = "must be a non-empty string of at most 128 characters";
    static final String UNPAIRED_SURROGATE = "must be valid Unicode text (it holds an unpaired surrogate)";
    static final String BAD_TIME = "must be a non-negative integer (epoch milliseconds)";
    static final String NOT_AN_EVENT = "an event must be a JSON object";
    static final String NOT_AN_ARRAY_BODY = "the body must be a JSON array of events";
    static final String TRAILING_CONTENT = "unexpected content after the closing bracket of the array";
    static final String DUPLICATE_KEY = "duplicate key";
    static final String TOO_MANY_ITEMS = "must have at most " + EventDecoder.MAX_ARRAY_ITEMS + " items";
    static final String SAME_LINE = "a second JSON value on one line: NDJSON takes one event per line";
    static final String BAD_BATCH_ID = "must be a string of 1 to " + IdempotencyCache.MAX_KEY_LENGTH + " visible ASCII characters";
    static final String BATCH_ID_NOT_ON_FIRST =
            "the batch's first event carries no batch_id: every event of a batch carries the same batch_id, or none does";

    /** Longest excerpt of sender text (a type name, a key) quoted in a message. */
    static final int MAX_EXCERPT = 64;
    /** Longest Jackson message quoted; Jackson's own words plus a token of at most 48 characters. */
    private static final int MAX_PARSER_MESSAGE = 160;

    private Messages() {
    }

    static String unknownType(String typeExcerpt, String knownTypes) {
        return "unknown event type " + quote(typeExcerpt) + " (known: " + knownTypes + ")";
    }

    static String inTheFuture(long aheadMillis, long maxFutureSkewMillis) {
        return aheadMillis + " ms in the future; more than the allowed clock skew of " + maxFutureSkewMillis + " ms";
    }

    static String tooFarInTheFuture(long maxFutureSkewMillis) {
        return "too far in the future; more than the allowed clock skew of " + maxFutureSkewMillis + " ms";
    }

    static String batchIdMissing(String firstBatchId) {
        return "required: the batch's first event carries batch_id " + (firstBatchId == null ? "(an invalid one)" : quote(firstBatchId))
                + ", and every event of a batch carries the same";
    }

    static String batchIdDiffers(String firstBatchId) {
        return "differs from the batch_id " + quote(firstBatchId) + " of the batch's first event: every event of a batch carries the same";
    }

    /** {@code text} in double quotes, cut to {@link #MAX_EXCERPT} characters. */
    static String quote(String text) {
        return '"' + excerpt(text, MAX_EXCERPT) + '"';
    }

    /**
     * Jackson's message without the location and source excerpt it appends (we report line and
     * column ourselves), shortened for an answer.
     */
    static String parserMessage(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message == null || message.isBlank()) {
            return "invalid JSON";
        }
        // "...expected close marker for Object (start marker at [Source: REDACTED ...; line: 1, column: 1])"
        int source = message.indexOf("[Source:");
        if (source >= 0) {
            int open = message.lastIndexOf(" (", source);
            message = message.substring(0, open >= 0 ? open : source).strip();
        }
        return excerpt(message, MAX_PARSER_MESSAGE);
    }

    /** At most {@code max} characters of {@code text}, control characters replaced by '?'. */
    static String excerpt(String text, int max) {
        boolean cut = text.length() > max;
        int end = cut ? max : text.length();
        if (cut && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never split a surrogate pair
        }
        StringBuilder out = new StringBuilder(end + 3);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return cut ? out.append("...").toString() : out.toString();
    }
}
