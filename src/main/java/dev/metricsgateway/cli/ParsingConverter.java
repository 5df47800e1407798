package dev.metricsgateway.cli;

import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A picocli converter made of a parser whose {@link IllegalArgumentException} names the accepted
 * forms: picocli prints that message in its usage error. Subclasses only pick the parser (picocli
 * creates converters from their class, so each needs a no-argument constructor).
 */
abstract class ParsingConverter<T> implements ITypeConverter<T> {

    private final Function<String, T> parser;

    ParsingConverter(Function<String, T> parser) {
        this.parser = parser;
    }

    @Override
    public final T convert(String value) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
