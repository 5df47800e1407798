package dev.metricsgateway.ingest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A JSON tree for the fuzz generators that can also hold what JSON cannot: duplicate keys, raw
 * tokens ({@code NaN}, {@code 1e400}, 400-digit integers are kept as their text), and strings
 * whose bytes are not UTF-8. {@link #write} serializes a tree with random but valid formatting
 * (whitespace between tokens, characters escaped as {@code \\uXXXX} or not), so the decoder sees
 * many spellings of the same value.
 *
 * <p>Trees are built and written on one thread; nothing here is shared.
 */
public final class FuzzJson {

    private FuzzJson() {
    }

    /** A node of the tree. */
    public sealed interface Value permits Obj, Arr, Str, RawStr, Token, Raw {
    }

    /** An object; entries keep their order and may repeat a key. */
    public record Obj(List<Entry> entries) implements Value {
        public Obj {
            entries = new ArrayList<>(entries);
        }

        public Obj() {
            this(List.of());
        }

        public Obj put(String key, Value value) {
            entries.add(new Entry(new Str(key), value));
            return this;
        }

        /** The first entry under {@code key}, or -1. */
        public int indexOf(String key) {
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).key() instanceof Str str && str.text().equals(key)) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** One member of an object; the key is a {@link Str} or a {@link RawStr}. */
    public record Entry(Value key, Value value) {
    }

    /** An array. */
    public record Arr(List<Value> items) implements Value {
        public Arr {
            items = new ArrayList<>(items);
        }
    }

    /** A string, written as JSON with escapes chosen at random; may hold unpaired surrogates. */
    public record Str(String text) implements Value {
    }

    /** A string whose content bytes are written as they are, between quotes: may be invalid UTF-8. */
    public record RawStr(byte[] content) implements Value {
    }

    /** A number or literal written as its text: {@code 12}, {@code -0}, {@code 1e400}, {@code NaN}, {@code null}. */
    public record Token(String text) implements Value {
    }

    /** Bytes written as they are, wherever a value may stand. */
    public record Raw(byte[] bytes) implements Value {
    }

    public static Token number(long value) {
        return new Token(Long.toString(value));
    }

    public static Token number(double value) {
        return new Token(Double.toString(value));
    }

    /** How a tree is written: whitespace between tokens, and how often a character is escaped. */
    public record Style(double whitespace, double escapes) {
        /** Compact, no escapes beyond the necessary ones. */
        public static final Style PLAIN = new Style(0, 0);

        public static Style random(SplittableRandom random) {
            return switch (random.nextInt(4)) {
                case 0 -> PLAIN;
                case 1 -> new Style(0.3, 0);
                case 2 -> new Style(0, 0.2);
                default -> new Style(random.nextDouble() * 0.5, random.nextDouble() * 0.5);
            };
        }
    }

    /** Writes {@code value} to {@code out}. */
    public static void write(Value value, ByteArrayOutputStream out, Style style, SplittableRandom random) {
        if (value instanceof Obj obj) {
            out.write('{');
            for (int i = 0; i < obj.entries().size(); i++) {
                if (i > 0) {
                    space(out, style, random);
                    out.write(',');
                }
                space(out, style, random);
                write(obj.entries().get(i).key(), out, style, random);
                space(out, style, random);
                out.write(':');
                space(out, style, random);
                write(obj.entries().get(i).value(), out, style, random);
            }
            space(out, style, random);
            out.write('}');
        } else if (value instanceof Arr arr) {
            out.write('[');
            for (int i = 0; i < arr.items().size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                space(out, style, random);
                write(arr.items().get(i), out, style, random);
            }
            space(out, style, random);
            out.write(']');
        } else if (value instanceof Str str) {
            writeString(str.text(), out, style, random);
        } else if (value instanceof RawStr raw) {
            out.write('"');
            out.writeBytes(raw.content());
            out.write('"');
        } else if (value instanceof Token token) {
            out.writeBytes(token.text().getBytes(StandardCharsets.UTF_8));
        } else {
            out.writeBytes(((Raw) value).bytes());
        }
    }

    /** The tree written compactly. */
    public static byte[] bytes(Value value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(value, out, Style.PLAIN, new SplittableRandom(0));
        return out.toByteArray();
    }

    private static void space(ByteArrayOutputStream out, Style style, SplittableRandom random) {
        while (style.whitespace() > 0 && random.nextDouble() < style.whitespace()) {
            out.write(" \t\r\n".charAt(random.nextInt(4)));
        }
    }

    /** Strings longer than this get only the escapes they need: random ones would make huge inputs slow to build. */
    private static final int MAX_RANDOMLY_ESCAPED_LENGTH = 4096;
    private static final char[] HEX = "0123456789abcdef0123456789ABCDEF".toCharArray();

    private static void writeString(String text, ByteArrayOutputStream out, Style style, SplittableRandom random) {
        out.write('"');
        boolean randomEscapes = style.escapes() > 0 && text.length() <= MAX_RANDOMLY_ESCAPED_LENGTH;
        int plainFrom = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean mustEscape = c == '"' || c == '\\' || c < 0x20 || Character.isSurrogate(c) && !isPairedAt(text, i);
            if (mustEscape || randomEscapes && random.nextDouble() < style.escapes()) {
                out.writeBytes(text.substring(plainFrom, i).getBytes(StandardCharsets.UTF_8));
                out.writeBytes(escape(c, random));
                plainFrom = i + 1;
            } else if (isPairedAt(text, i)) {
                i++; // a pair stays together: written as one 4-byte sequence
            }
        }
        out.writeBytes(text.substring(plainFrom).getBytes(StandardCharsets.UTF_8));
        out.write('"');
    }

    private static boolean isPairedAt(String text, int i) {
        char c = text.charAt(i);
        return Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
    }

    private static byte[] escape(char c, SplittableRandom random) {
        String shortForm = switch (c) {
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            case '/' -> "\\/";
            case '\b' -> "\\b";
            case '\f' -> "\\f";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> null;
        };
        if (shortForm != null && random.nextBoolean()) {
            return shortForm.getBytes(StandardCharsets.US_ASCII);
        }
        int upper = random.nextBoolean() ? 16 : 0;
        return new byte[] {'\\', 'u', (byte) HEX[upper + (c >> 12 & 0xf)], (byte) HEX[upper + (c >> 8 & 0xf)],
            (byte) HEX[upper + (c >> 4 & 0xf)], (byte) HEX[upper + (c & 0xf)]};
    }
}
