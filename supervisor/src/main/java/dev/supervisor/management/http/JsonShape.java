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
        return problem(body, length, maxDepth, maxValues, Integer.MAX_VALUE);
    }

    /**
     * Also limits the entries of a bulk request (a top-level list): each one is a request the server runs and
     * answers, so a list of 80,000 tiny requests costs far more memory than its bytes suggest.
     */
    public static Optional<String> problem(byte[] body, int length, int maxDepth, int maxValues, int maxBulk) {
        return Optional.ofNullable(scan(body, length, maxDepth, maxValues, maxBulk).problem());
    }

    /** The number of requests in a bulk request (a top-level list); 1 for anything else. */
    public static int bulkSize(byte[] body, int length) {
        Scan s = scan(body, length, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);
        return s.bulk() ? s.commasAtTop() + 1 : 1;
    }

    /** What one pass found: the first limit broken (null if none), and whether the body is a bulk list. */
    private record Scan(String problem, boolean bulk, int commasAtTop) {
    }

    private static Scan scan(byte[] body, int length, int maxDepth, int maxValues, int maxBulk) {
        int depth = 0;
        int values = 0;
        int entries = 0;
        boolean bulk = false;
        boolean seenFirst = false;
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
            if (!seenFirst && b > ' ') {
                seenFirst = true;
                bulk = b == '[';
            }
            switch (b) {
                case '"' -> inString = true;
                case '[', '{' -> {
                    if (++depth > maxDepth) {
                        return new Scan("JSON nested deeper than " + maxDepth + " levels (at byte " + i
                                + "); flatten the request (limit: -D" + HttpLimits.PREFIX + "maxJsonDepth)", bulk, entries);
                    }
                    values++;
                }
                case ']', '}' -> depth = Math.max(0, depth - 1);
                case ',' -> {
                    values++;
                    if (bulk && depth == 1 && ++entries >= maxBulk) {
                        return new Scan("bulk request with more than " + maxBulk + " requests; send several "
                                + "(limit: -D" + HttpLimits.PREFIX + "maxBulk)", bulk, entries);
                    }
                }
                default -> {
                }
            }
            if (values > maxValues) {
                return new Scan("JSON with more than " + maxValues + " values; split the request (limit: -D"
                        + HttpLimits.PREFIX + "maxJsonValues)", bulk, entries);
            }
        }
        return new Scan(null, bulk, entries);
    }
}
