package dev.supervisor.front;

import io.netty.buffer.ByteBuf;

/**
 * The head of one HTTP/1.x message (request or response) as it arrived, parsed only as far as a proxy needs: the
 * start line, where each header line lies, and the headers that decide routing, framing and keep-alive. The bytes
 * stay as they are, so the front forwards them instead of re-encoding a decoded message.
 *
 * <p>Strict (RFC 9112): lines end with CRLF, never a bare CR or LF; no obs-fold; no whitespace between a field name
 * and its colon; names are tokens; values hold no control characters but HTAB; Content-Length is digits only and
 * given once; Transfer-Encoding must end in chunked and may not come with a Content-Length (both are refused: that
 * is how requests are smuggled past proxies). A head that breaks a rule is refused with a {@link Malformed} naming
 * the rule and the line, and the connection closes.
 *
 * <p>One instance per connection, reused for each message: parsing allocates nothing but a larger scratch array
 * when a head outgrows the current one.
 */
final class HttpHead {
    /** Longest head the front accepts (start line and headers); longer ones are answered 431 and closed. */
    static final int MAX_HEAD_BYTES = 16 * 1024;
    static final int MAX_HEADERS = 128;

    /** A head that breaks HTTP/1.1's syntax, or is too large; {@code status} is the answer the client gets. */
    static final class Malformed extends Exception {
        final int status;

        Malformed(int status, String message) {
            super(message, null, false, false); // no stack trace: hostile input must be cheap to refuse
            this.status = status;
        }
    }

    private final boolean request;
    /** The head's bytes, start line to the empty line included. */
    byte[] bytes = new byte[1024];
    int length;

    // Start line. Requests: method [0, methodEnd), target [targetStart, targetEnd). Responses: status.
    int methodEnd;
    int targetStart;
    int targetEnd;
    int status;
    /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
    int minorVersion;
    /** End of the start line, CRLF included: where the header lines begin. */
    int firstHeader;

    /** Header i: name [lines[4i], lines[4i+1]), value trimmed [lines[4i+2], lines[4i+3]); the line ends at the
     * next header's name (or the empty line), CRLF included. */
    int[] lines = new int[4 * 16];
    int headerCount;

    /** Framing and hop-by-hop facts, read once while parsing. */
    long contentLength;
    boolean chunked;
    /** A Transfer-Encoding header that does not end in chunked (a response then ends when its connection does). */
    boolean otherTransferEncoding;
    boolean connectionClose;
    boolean connectionKeepAlive;
    boolean connectionUpgrade;
    /** Connection named other headers than close/keep-alive/upgrade: those are hop-by-hop too. */
    boolean connectionNamesOthers;
    boolean hopByHop;
    boolean expectContinue;
    int host = -1;
    int upgrade = -1;
    int forwardedFor = -1;
    /** An X-Forwarded-Proto or X-Forwarded-Host from the client: replaced by the front's own. */
    boolean forwardedOther;

    /** The whole head came in the last buffer read: it lies just before that buffer's reader index. */
    boolean arrivedWhole;

    private int scanned;
    private int lineStart;

    HttpHead(boolean request) {
        this.request = request;
    }

    /**
     * Takes bytes of a head from {@code in} until the empty line that ends it. Returns true when the head is whole
     * and parsed; false when more bytes are needed (what was read is kept). Bytes past the head stay in {@code in}.
     */
    boolean read(ByteBuf in) throws Malformed {
        int readable = in.readableBytes();
        if (length == 0 && request) { // RFC 9112 2.2: empty lines before a request line are ignored
            int reader = in.readerIndex();
            while (readable >= 2 && in.getByte(reader) == '\r' && in.getByte(reader + 1) == '\n') {
                reader += 2;
                readable -= 2;
            }
            in.readerIndex(reader);
        }
        int take = Math.min(readable, MAX_HEAD_BYTES - length);
        if (take == 0) {
            if (readable > 0) {
                throw tooLarge("the head is longer than " + MAX_HEAD_BYTES + " bytes");
            }
            return false;
        }
        if (bytes.length < length + take) {
            bytes = java.util.Arrays.copyOf(bytes, Math.min(MAX_HEAD_BYTES, Math.max(bytes.length * 2, length + take)));
        }
        in.getBytes(in.readerIndex(), bytes, length, take);
        int before = length;
        length += take;
        int end = findEnd();
        if (end < 0) {
            in.skipBytes(take);
            if (length == MAX_HEAD_BYTES) {
                throw tooLarge("the head is longer than " + MAX_HEAD_BYTES + " bytes");
            }
            return false;
        }
        in.skipBytes(end - before); // what follows the head is body or the next message
        length = end;
        arrivedWhole = before == 0;
        parse();
        return true;
    }

    /** Some bytes of a head have come, not yet its end. */
    boolean partial() {
        return length > 0;
    }

    /** Ready for the next message on the connection. */
    void reset() {
        length = 0;
        scanned = 0;
        lineStart = 0;
    }

    /** Scans new bytes for the empty line; every line must end in CRLF. Returns the head's end or -1. */
    private int findEnd() throws Malformed {
        byte[] b = bytes;
        for (int i = scanned; i < length; i++) {
            byte c = b[i];
            if (c == '\n') {
                if (i == 0 || b[i - 1] != '\r') {
                    throw bad("line " + lineNumber(i) + " ends with a bare LF, not CRLF");
                }
                if (i - 1 == lineStart) {
                    return i + 1;
                }
                lineStart = i + 1;
            } else if (i > 0 && b[i - 1] == '\r') {
                throw bad("line " + lineNumber(i) + " has a bare CR");
            }
        }
        scanned = length;
        return -1;
    }

    private void parse() throws Malformed {
        contentLength = -1;
        chunked = otherTransferEncoding = false;
        connectionClose = connectionKeepAlive = connectionUpgrade = connectionNamesOthers = false;
        hopByHop = expectContinue = false;
        host = upgrade = forwardedFor = -1;
        forwardedOther = false;
        headerCount = 0;
        int lineEnd = indexOfCrlf(0);
        if (request) {
            parseRequestLine(lineEnd);
        } else {
            parseStatusLine(lineEnd);
        }
        firstHeader = lineEnd + 2;
        boolean sawTransferEncoding = false;
        for (int start = firstHeader; start < length - 2; ) {
            int end = indexOfCrlf(start);
            if (headerCount == MAX_HEADERS) {
                throw tooLarge("more than " + MAX_HEADERS + " header lines");
            }
            int index = parseHeaderLine(start, end);
            sawTransferEncoding |= readFramingHeader(index);
            start = end + 2;
        }
        if (sawTransferEncoding && contentLength >= 0) {
            throw bad("both Transfer-Encoding and Content-Length: the body's length is ambiguous");
        }
        if (request && sawTransferEncoding && minorVersion == 0) { // RFC 9112 6.1: faulty framing
            throw bad("an HTTP/1.0 request with Transfer-Encoding");
        }
        if (request && sawTransferEncoding && !chunked) {
            throw bad("a request's Transfer-Encoding must end in chunked");
        }
        if (request && minorVersion == 1 && host < 0) {
            throw bad("an HTTP/1.1 request needs a Host header");
        }
    }

    private void parseRequestLine(int end) throws Malformed {
        int sp1 = indexOf(' ', 0, end);
        if (sp1 <= 0) {
            throw bad("the request line is not \"METHOD TARGET HTTP/1.1\"");
        }
        for (int i = 0; i < sp1; i++) {
            if (!isTokenChar(bytes[i])) {
                throw bad("the method has a character that is not allowed at " + (i + 1));
            }
        }
        int sp2 = indexOf(' ', sp1 + 1, end);
        if (sp2 < 0 || sp2 == sp1 + 1) {
            throw bad("the request line is not \"METHOD TARGET HTTP/1.1\"");
        }
        for (int i = sp1 + 1; i < sp2; i++) {
            int c = bytes[i] & 0xff;
            if (c <= ' ' || c == 0x7f) { // RFC 9112 3.2: no whitespace or controls in the target
                throw bad("the request target has a space or control character");
            }
        }
        methodEnd = sp1;
        targetStart = sp1 + 1;
        targetEnd = sp2;
        minorVersion = version(sp2 + 1, end);
    }

    private void parseStatusLine(int end) throws Malformed {
        if (end < 12 || bytes[8] != ' ') {
            throw new Malformed(502, "the status line is not \"HTTP/1.1 CODE REASON\"");
        }
        minorVersion = version(0, 8);
        int code = 0;
        for (int i = 9; i < 12; i++) {
            byte c = bytes[i];
            if (c < '0' || c > '9') {
                throw new Malformed(502, "the status code is not three digits");
            }
            code = code * 10 + (c - '0');
        }
        if (code < 100 || (end > 12 && bytes[12] != ' ')) {
            throw new Malformed(502, "the status line is not \"HTTP/1.1 CODE REASON\"");
        }
        status = code;
    }

    private int version(int start, int end) throws Malformed {
        if (end - start == 8 && bytes[start] == 'H' && bytes[start + 1] == 'T' && bytes[start + 2] == 'T'
                && bytes[start + 3] == 'P' && bytes[start + 4] == '/' && bytes[start + 5] == '1'
                && bytes[start + 6] == '.' && (bytes[start + 7] == '0' || bytes[start + 7] == '1')) {
            return bytes[start + 7] - '0';
        }
        throw new Malformed(request ? 505 : 502, "the version is not HTTP/1.0 or HTTP/1.1");
    }

    /** Records the header line [start, end) (CRLF excluded) and returns its index. */
    private int parseHeaderLine(int start, int end) throws Malformed {
        byte first = bytes[start];
        if (first == ' ' || first == '\t') {
            throw bad("line " + lineNumber(start) + " is folded (obs-fold), which HTTP/1.1 forbids");
        }
        int colon = start;
        while (colon < end && isTokenChar(bytes[colon])) {
            colon++;
        }
        if (colon == end || bytes[colon] != ':' || colon == start) {
            throw bad("line " + lineNumber(start) + " is not \"Name: value\" (a space or "
                    + "character not allowed in the name, or no colon)");
        }
        int valueStart = skipBlanks(colon + 1, end);
        int valueEnd = trimBlanks(valueStart, end);
        for (int i = valueStart; i < valueEnd; i++) {
            int c = bytes[i] & 0xff;
            if ((c < ' ' && c != '\t') || c == 0x7f) {
                throw bad("line " + lineNumber(start) + " has a control character in its value");
            }
        }
        int index = headerCount++;
        if (lines.length < 4 * headerCount) {
            lines = java.util.Arrays.copyOf(lines, lines.length * 2);
        }
        int at = 4 * index;
        lines[at] = start;
        lines[at + 1] = colon;
        lines[at + 2] = valueStart;
        lines[at + 3] = valueEnd;
        return index;
    }

    /** Reads the header if it matters to a proxy. Returns true for Transfer-Encoding. */
    private boolean readFramingHeader(int index) throws Malformed {
        int at = 4 * index;
        int name = lines[at];
        int nameLength = lines[at + 1] - name;
        int value = lines[at + 2];
        int valueEnd = lines[at + 3];
        switch (nameLength) {
            case 4 -> {
                if (nameIs(index, "host")) {
                    if (host >= 0) {
                        throw bad("Host is given twice");
                    }
                    host = index;
                }
            }
            case 2 -> {
                if (nameIs(index, "te")) {
                    hopByHop = true;
                }
            }
            case 6 -> {
                if (nameIs(index, "expect")) {
                    if (equalsIgnoreCase(value, valueEnd, "100-continue")) {
                        expectContinue = true;
                    }
                }
            }
            case 7 -> {
                if (nameIs(index, "upgrade")) {
                    upgrade = index;
                    hopByHop = true;
                }
            }
            case 10 -> {
                if (nameIs(index, "connection")) {
                    hopByHop = true;
                    readConnectionTokens(value, valueEnd);
                } else if (nameIs(index, "keep-alive")) {
                    hopByHop = true;
                }
            }
            case 14 -> {
                if (nameIs(index, "content-length")) {
                    if (contentLength >= 0) {
                        throw bad("Content-Length is given twice");
                    }
                    contentLength = parseLength(value, valueEnd);
                }
            }
            case 15 -> {
                if (nameIs(index, "x-forwarded-for")) {
                    forwardedFor = index;
                }
            }
            case 16 -> {
                if (nameIs(index, "proxy-connection")) {
                    hopByHop = true;
                } else if (nameIs(index, "x-forwarded-host")) {
                    forwardedOther = true;
                }
            }
            case 17 -> {
                if (nameIs(index, "transfer-encoding")) {
                    readTransferEncoding(value, valueEnd);
                    return true;
                } else if (nameIs(index, "x-forwarded-proto")) {
                    forwardedOther = true;
                }
            }
            default -> {
            }
        }
        return false;
    }

    private long parseLength(int start, int end) throws Malformed {
        if (start == end || end - start > 18) {
            throw bad("Content-Length is not a number of bytes");
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            byte c = bytes[i];
            if (c < '0' || c > '9') {
                throw bad("Content-Length is not a number of bytes");
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Transfer-Encoding may be repeated or a list; what counts is whether chunked comes last. */
    private void readTransferEncoding(int start, int end) throws Malformed {
        if (chunked) {
            throw bad("Transfer-Encoding has a coding after chunked");
        }
        int last = start;
        for (int i = end - 1; i >= start; i--) {
            if (bytes[i] == ',') {
                last = i + 1;
                break;
            }
        }
        last = skipBlanks(last, end);
        if (equalsIgnoreCase(last, end, "chunked")) {
            chunked = true;
            otherTransferEncoding = last != start;
            if (otherTransferEncoding && request) {
                throw new Malformed(501, "the front only understands the chunked transfer coding");
            }
        } else {
            otherTransferEncoding = true;
        }
    }

    private void readConnectionTokens(int start, int end) {
        int token = start;
        for (int i = start; i <= end; i++) {
            if (i == end || bytes[i] == ',') {
                int from = skipBlanks(token, i);
                int to = trimBlanks(from, i);
                if (equalsIgnoreCase(from, to, "close")) {
                    connectionClose = true;
                } else if (equalsIgnoreCase(from, to, "keep-alive")) {
                    connectionKeepAlive = true;
                } else if (equalsIgnoreCase(from, to, "upgrade")) {
                    connectionUpgrade = true;
                } else if (to > from) {
                    connectionNamesOthers = true;
                }
                token = i + 1;
            }
        }
    }

    /** The first index in [from, to) that is not a space or tab; {@code to} if none (a value's or a list element's start). */
    private int skipBlanks(int from, int to) {
        while (from < to && (bytes[from] == ' ' || bytes[from] == '\t')) {
            from++;
        }
        return from;
    }

    /** {@code to} moved back over trailing spaces and tabs, not before {@code from} (a value's or a list element's end). */
    private int trimBlanks(int from, int to) {
        while (to > from && (bytes[to - 1] == ' ' || bytes[to - 1] == '\t')) {
            to--;
        }
        return to;
    }

    /** True when header {@code index}'s name is one of the names the Connection header lists. */
    boolean namedByConnection(int index) {
        int nameStart = lines[4 * index];
        int nameEnd = lines[4 * index + 1];
        for (int h = 0; h < headerCount; h++) {
            if (!nameIs(h, "connection")) {
                continue;
            }
            int token = lines[4 * h + 2];
            int valueEnd = lines[4 * h + 3];
            for (int i = token; i <= valueEnd; i++) {
                if (i == valueEnd || bytes[i] == ',') {
                    int from = skipBlanks(token, i);
                    int to = trimBlanks(from, i);
                    if (regionEqualsIgnoreCase(from, to, nameStart, nameEnd)) {
                        return true;
                    }
                    token = i + 1;
                }
            }
        }
        return false;
    }

    /** The message keeps its connection open after it, by its version and Connection header. */
    boolean keepAlive() {
        return minorVersion == 1 ? !connectionClose : connectionKeepAlive && !connectionClose;
    }

    int lineStart(int index) {
        return lines[4 * index];
    }

    /** Where header {@code index}'s line ends, CRLF included. */
    int lineEnd(int index) {
        return index + 1 < headerCount ? lines[4 * (index + 1)] : length - 2;
    }

    int valueStart(int index) {
        return lines[4 * index + 2];
    }

    int valueEnd(int index) {
        return lines[4 * index + 3];
    }

    boolean nameIs(int index, String lowerCaseName) {
        int start = lines[4 * index];
        int end = lines[4 * index + 1];
        return end - start == lowerCaseName.length() && equalsIgnoreCase(start, end, lowerCaseName);
    }

    String value(int index) {
        return index < 0 ? null : ascii(valueStart(index), valueEnd(index));
    }

    boolean methodIs(String method) {
        if (methodEnd != method.length()) {
            return false;
        }
        for (int i = 0; i < methodEnd; i++) {
            if (bytes[i] != method.charAt(i)) { // methods are case-sensitive
                return false;
            }
        }
        return true;
    }

    /** "GET /path", for log lines. */
    String requestLine() {
        return ascii(0, targetEnd);
    }

    String ascii(int start, int end) {
        return new String(bytes, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private boolean equalsIgnoreCase(int start, int end, String lowerCase) {
        if (end - start != lowerCase.length()) {
            return false;
        }
        for (int i = start; i < end; i++) {
            int c = bytes[i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lowerCase.charAt(i - start)) {
                return false;
            }
        }
        return true;
    }

    private boolean regionEqualsIgnoreCase(int start, int end, int otherStart, int otherEnd) {
        if (end - start != otherEnd - otherStart) {
            return false;
        }
        for (int i = 0; i < end - start; i++) {
            int a = bytes[start + i];
            int b = bytes[otherStart + i];
            if (a >= 'A' && a <= 'Z') {
                a += 'a' - 'A';
            }
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (a != b) {
                return false;
            }
        }
        return true;
    }

    private int indexOfCrlf(int from) {
        for (int i = from; i < length - 1; i++) {
            if (bytes[i] == '\r') {
                return i; // findEnd made sure every CR is followed by LF
            }
        }
        return length - 2;
    }

    private int indexOf(char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** Refused: a request with 400, a backend's response with 502 (the client's answer then). */
    private Malformed bad(String message) {
        return new Malformed(request ? 400 : 502, message);
    }

    private Malformed tooLarge(String message) {
        return new Malformed(request ? 431 : 502, message);
    }

    private int lineNumber(int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < length; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    /** RFC 9110 5.6.2: tchar. */
    static boolean isTokenChar(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' || c == '*' || c == '+'
                || c == '-' || c == '.' || c == '^' || c == '_' || c == '`' || c == '|' || c == '~';
    }
}
