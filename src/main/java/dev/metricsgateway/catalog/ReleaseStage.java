package dev.metricsgateway.catalog;

import java.time.LocalDate;

/**
 * A metric's release stage, appended to its HELP text on the wire as Tecton does.
 *
 * @param kind          GA, Preview or Deprecated
 * @param endOfSupport  the end-of-support date of a deprecated metric, {@code null} otherwise
 */
public record ReleaseStage(Kind kind, LocalDate endOfSupport) {

    /** The three stages a metric can be in. */
    public enum Kind { GA, PREVIEW, DEPRECATED }

    public ReleaseStage {
        if ((kind == Kind.DEPRECATED) != (endOfSupport != null)) {
            throw new IllegalArgumentException(kind + ": a Deprecated stage needs end_of_support, and only it has one");
        }
    }

    /** The sentence that ends every HELP text: {@code Release stage: GA.} */
    public String helpSuffix() {
        return switch (kind) {
            case GA -> "Release stage: GA.";
            case PREVIEW -> "Release stage: Preview.";
            case DEPRECATED -> "Release stage: Deprecated (end of support " + endOfSupport + ").";
        };
    }

    static ReleaseStage parse(String stage, String endOfSupport) {
        LocalDate date = endOfSupport == null ? null : LocalDate.parse(endOfSupport);
        return switch (stage) {
            case "GA" -> new ReleaseStage(Kind.GA, date);
            case "Preview" -> new ReleaseStage(Kind.PREVIEW, date);
            case "Deprecated" -> new ReleaseStage(Kind.DEPRECATED, date);
            default -> throw new IllegalArgumentException(stage + ": unknown stage (expected GA, Preview or Deprecated)");
        };
    }
}
