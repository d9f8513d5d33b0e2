package dev.supervisor.management.http;

import java.util.Optional;

/**
 * Checks the shape of a JSON body before any parser sees it: nesting depth (a recursive parser overflows its stack
 * on 100,000 levels) and the number of values (each becomes an object, so this bounds the parsed size). One pass,
 * no allocation; strings and escapes are skipped so brackets inside them do not count.
 */
public final class JsonShape {
    private JsonShape() {
    }

    /** Empty when the body is within the limits, else what is wrong, for a 400 answer. */
    public static Optional<String> problem(byte[] body, int length, int maxDepth, int maxValues) {
        int depth = 0;
        int values = 0;
        boolean inString = false;
        for (int i = 0; i < length; i++) {
            byte b = body[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
                continue;
            }
            switch (b) {
                case '"' -> inString = true;
                case '[', '{' -> {
                    if (++depth > maxDepth) {
                        return Optional.of("JSON nested deeper than " + maxDepth + " levels (at byte " + i
                                + "); flatten the request (limit: -D" + HttpLimits.PREFIX + "maxJsonDepth)");
                    }
                    values++;
                }
                case ']', '}' -> depth = Math.max(0, depth - 1);
                case ',' -> values++;
                default -> {
                }
            }
            if (values > maxValues) {
                return Optional.of("JSON with more than " + maxValues + " values; split the request (limit: -D"
                        + HttpLimits.PREFIX + "maxJsonValues)");
            }
        }
        return Optional.empty();
    }
}
