package dev.supervisor.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON (RFC 8259) reader for the CLI's light entry: objects become {@link LinkedHashMap}s (members in
 * their order), arrays
 * {@link ArrayList}s, strings {@link String}s, integers {@link Long}s, other numbers {@link Double}s, {@code true}/
 * {@code false} {@link Boolean}s and {@code null} {@link #NULL}. Anything else (trailing text, a bad escape, a lone
 * surrogate is kept as Java keeps it) throws {@link IllegalArgumentException}: the caller then hands the command to
 * the full CLI. Why not jackson-core: its factory, buffers and symbol tables are ~70 classes to load and initialise,
 * which on a cold JVM cost more than reading a 5-row answer; this is one class and no lambdas or indy string
 * concatenation (both need the invoke machinery bootstrapped at start-up).
 */
final class LightJson {
    /** JSON's null, told apart from a missing member. */
    static final Object NULL = new Object();

    private final String s;
    private int i;

    private LightJson(String s) {
        this.s = s;
    }

    static Object parse(String text) {
        LightJson p = new LightJson(text);
        p.ws();
        Object v = p.value();
        p.ws();
        if (p.i != text.length()) {
            throw p.error("text after the value");
        }
        return v;
    }

    private Object value() {
        if (i >= s.length()) {
            throw error("end of input");
        }
        char c = s.charAt(i);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", NULL);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character");
        }
    }

    private Map<String, Object> object() {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        ws();
        if (peek() == '}') {
            i++;
            return m;
        }
        while (true) {
            ws();
            if (peek() != '"') {
                throw error("expected a member name");
            }
            String key = string();
            ws();
            expect(':');
            ws();
            m.put(key, value());
            ws();
            char c = next();
            if (c == '}') {
                return m;
            }
            if (c != ',') {
                throw error("expected , or }");
            }
        }
    }

    private List<Object> array() {
        List<Object> a = new ArrayList<>();
        i++;
        ws();
        if (peek() == ']') {
            i++;
            return a;
        }
        while (true) {
            ws();
            a.add(value());
            ws();
            char c = next();
            if (c == ']') {
                return a;
            }
            if (c != ',') {
                throw error("expected , or ]");
            }
        }
    }

    private String string() {
        i++; // the opening quote
        int start = i;
        // The common case, no escape: one substring.
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"') {
                return s.substring(start, i++);
            }
            if (c == '\\') {
                break;
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            i++;
        }
        StringBuilder sb = new StringBuilder(s.length() - start < 64 ? 16 : 64).append(s, start, i);
        while (true) {
            char c = next();
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length()) {
                        throw error("short \\u escape");
                    }
                    int v = 0;
                    for (int k = 0; k < 4; k++) {
                        int d = Character.digit(s.charAt(i++), 16);
                        if (d < 0) {
                            throw error("bad \\u escape");
                        }
                        v = v << 4 | d;
                    }
                    sb.append((char) v);
                }
                default -> throw error("bad escape");
            }
        }
    }

    private Object number() {
        int start = i;
        boolean integral = true;
        if (peek() == '-') {
            i++;
        }
        if (peek() == '0') {
            i++;
        } else if (digits() == 0) {
            throw error("bad number");
        }
        if (peek() == '.') {
            integral = false;
            i++;
            if (digits() == 0) {
                throw error("bad number");
            }
        }
        char c = peek();
        if (c == 'e' || c == 'E') {
            integral = false;
            i++;
            c = peek();
            if (c == '+' || c == '-') {
                i++;
            }
            if (digits() == 0) {
                throw error("bad number");
            }
        }
        String text = s.substring(start, i);
        if (integral && i - start < 19) {
            return Long.parseLong(text);
        }
        return Double.parseDouble(text);
    }

    private int digits() {
        int n = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
            n++;
        }
        return n;
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, i)) {
            throw error("bad literal");
        }
        i += word.length();
        return v;
    }

    private void ws() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            i++;
        }
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : 0;
    }

    private char next() {
        if (i >= s.length()) {
            throw error("end of input");
        }
        return s.charAt(i++);
    }

    private void expect(char c) {
        if (next() != c) {
            throw error("expected ".concat(String.valueOf(c)));
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("JSON: ".concat(what).concat(" at offset ").concat(Integer.toString(i)));
    }

    /**
     * Writes a value {@link #parse} returned as Jackson writes it compactly: members in their order, no blanks,
     * numbers as Java prints a long or a double, strings by {@link #quote}. So the full CLI's output, which
     * re-writes the daemon's answer with Jackson, is matched byte for byte.
     */
    static void write(StringBuilder b, Object v) {
        if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(first ? "" : ",");
                first = false;
                quote(b, String.valueOf(e.getKey()));
                b.append(':');
                write(b, e.getValue());
            }
            b.append('}');
        } else if (v instanceof List<?> l) {
            b.append('[');
            for (int k = 0; k < l.size(); k++) {
                b.append(k == 0 ? "" : ",");
                write(b, l.get(k));
            }
            b.append(']');
        } else if (v instanceof String text) {
            quote(b, text);
        } else if (v == NULL) {
            b.append("null");
        } else {
            b.append(v); // Long, Double, Boolean
        }
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** A JSON string as Jackson writes it: '"' and '\\' escaped, control characters as \n-style or \\u00XX, the rest raw. */
    static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20) {
                        b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
