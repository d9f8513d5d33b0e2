package dev.supervisor.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;
import javax.management.JMException;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Checks a Jolokia request before it runs, so that a mistake is a 400 that says what is wrong and what was
 * expected, instead of a 500, a bare "400 (Bad Request)", or worse, a call made with the extra arguments dropped:
 * the JSON itself, each request's type and fields, the ObjectName, and for an exec the operation (an unknown one
 * lists those that exist), the number of arguments and the type of each simple argument.
 */
final class JolokiaRequestCheck {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TYPES = Set.of("read", "write", "exec", "list", "search", "version", "notification");
    private static final Set<String> NEED_MBEAN = Set.of("read", "write", "exec", "search");

    private final MBeanServer server;

    JolokiaRequestCheck(MBeanServer server) {
        this.server = server;
    }

    /** A POST body: one request or a bulk list. Empty when fine, else the message for a 400. */
    Optional<String> checkBody(byte[] body, BiPredicate<ObjectName, String> mayInvoke) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return Optional.of("the body is not valid JSON: " + e.getOriginalMessage() + " (at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (java.io.IOException e) {
            return Optional.of("the body could not be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            return Optional.of("the body is empty: expected a Jolokia request {\"type\": ...} or a list of them");
        }
        if (root.isArray()) {
            if (root.isEmpty()) {
                return Optional.of("the bulk request is an empty list: expected at least one request");
            }
            for (int i = 0; i < root.size(); i++) {
                Optional<String> problem = checkRequest(root.get(i), mayInvoke);
                if (problem.isPresent()) {
                    return Optional.of("request " + (i + 1) + " of " + root.size() + ": " + problem.get());
                }
            }
            return Optional.empty();
        }
        return checkRequest(root, mayInvoke);
    }

    /** A GET path after the agent's context, e.g. {@code exec/supervisor:type=App,name=web/scale/2}. */
    Optional<String> checkPath(String path, BiPredicate<ObjectName, String> mayInvoke) {
        if (path.contains("!")) {
            return Optional.empty(); // escaped slashes: leave the parsing to Jolokia
        }
        String[] parts = path.replaceFirst("^/+", "").split("/", -1);
        String type = parts[0];
        if (type.isEmpty()) {
            return Optional.empty();
        }
        if (!TYPES.contains(type)) {
            return Optional.of("unknown request type '" + type + "': expected one of " + sorted(TYPES));
        }
        if (!NEED_MBEAN.contains(type)) {
            return Optional.empty();
        }
        if (parts.length < 2 || parts[1].isEmpty()) {
            return Optional.of("'" + type + "' needs an MBean name: /" + type + "/<domain:key=value,...>");
        }
        Optional<ObjectName> name = objectName(parts[1]);
        if (name.isEmpty()) {
            return Optional.of(badName(parts[1]));
        }
        if (type.equals("exec")) {
            if (parts.length < 3 || parts[2].isEmpty()) {
                return Optional.of("'exec' needs an operation: /exec/<mbean>/<operation>/<arguments...>");
            }
            List<JsonNode> args = new ArrayList<>();
            for (int i = 3; i < parts.length; i++) {
                args.add(JSON.getNodeFactory().textNode(java.net.URLDecoder.decode(parts[i], java.nio.charset.StandardCharsets.UTF_8)));
            }
            return checkExec(name.get(), parts[2], args, mayInvoke);
        }
        return Optional.empty();
    }

    private Optional<String> checkRequest(JsonNode request, BiPredicate<ObjectName, String> mayInvoke) {
        if (request == null || !request.isObject()) {
            return Optional.of("expected a request object {\"type\": ..., \"mbean\": ...}, got " + kind(request));
        }
        JsonNode typeNode = request.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            return Optional.of("'type' is missing or not a string: expected one of " + sorted(TYPES));
        }
        String type = typeNode.asText().toLowerCase(java.util.Locale.ROOT);
        if (!TYPES.contains(type)) {
            return Optional.of("unknown request type '" + typeNode.asText() + "': expected one of " + sorted(TYPES));
        }
        if (!NEED_MBEAN.contains(type)) {
            return Optional.empty();
        }
        JsonNode mbean = request.get("mbean");
        if (mbean == null || !mbean.isTextual() || mbean.asText().isBlank()) {
            return Optional.of("'" + type + "' needs \"mbean\": an ObjectName such as \"supervisor:type=God\"");
        }
        Optional<ObjectName> name = objectName(mbean.asText());
        if (name.isEmpty()) {
            return Optional.of(badName(mbean.asText()));
        }
        switch (type) {
            case "write" -> {
                JsonNode attribute = request.get("attribute");
                if (attribute == null || !attribute.isTextual()) {
                    return Optional.of("'write' needs \"attribute\" (a name) and \"value\"");
                }
                if (!request.has("value")) {
                    return Optional.of("'write' of " + attribute.asText() + " needs \"value\"");
                }
            }
            case "read" -> {
                JsonNode attribute = request.get("attribute");
                if (attribute != null && !attribute.isNull() && !attribute.isTextual() && !attribute.isArray()) {
                    return Optional.of("\"attribute\" must be a name or a list of names, got " + kind(attribute));
                }
            }
            case "exec" -> {
                JsonNode operation = request.get("operation");
                if (operation == null || !operation.isTextual() || operation.asText().isBlank()) {
                    return Optional.of("'exec' needs \"operation\": the name of an operation of " + name.get());
                }
                JsonNode arguments = request.get("arguments");
                List<JsonNode> args = new ArrayList<>();
                if (arguments != null && !arguments.isNull()) {
                    if (!arguments.isArray()) {
                        return Optional.of("\"arguments\" must be a list, got " + kind(arguments));
                    }
                    arguments.forEach(args::add);
                }
                return checkExec(name.get(), operation.asText(), args, mayInvoke);
            }
            default -> {
            }
        }
        return Optional.empty();
    }

    /** Only for operations the user may call: what may not be called answers 403 and reveals nothing. */
    private Optional<String> checkExec(ObjectName name, String operation, List<JsonNode> args,
                                       BiPredicate<ObjectName, String> mayInvoke) {
        int paren0 = operation.indexOf('(');
        if (name.isPattern() || !mayInvoke.test(name, paren0 < 0 ? operation : operation.substring(0, paren0))) {
            return Optional.empty(); // Jolokia answers per matching MBean, or refuses
        }
        MBeanOperationInfo[] operations;
        try {
            operations = server.getMBeanInfo(name).getOperations();
        } catch (JMException e) {
            return Optional.empty(); // not registered: Jolokia's 404 says so
        }
        int paren = operation.indexOf('(');
        String opName = paren < 0 ? operation : operation.substring(0, paren);
        List<MBeanOperationInfo> named = Arrays.stream(operations).filter(o -> o.getName().equals(opName)).toList();
        if (named.isEmpty()) {
            return Optional.of(name + " has no operation '" + opName + "'; its operations are: "
                    + Arrays.stream(operations).map(JolokiaRequestCheck::signature).sorted().collect(Collectors.joining(", ")));
        }
        List<MBeanOperationInfo> candidates = named;
        if (paren >= 0) {
            String wanted = operation.substring(paren + 1, operation.lastIndexOf(')') < 0 ? operation.length()
                    : operation.lastIndexOf(')')).replace(" ", "");
            candidates = named.stream().filter(o -> Arrays.stream(o.getSignature()).map(MBeanParameterInfo::getType)
                    .collect(Collectors.joining(",")).equals(wanted)).toList();
            if (candidates.isEmpty()) {
                return Optional.of(name + " has no operation " + operation + "; there are: "
                        + named.stream().map(JolokiaRequestCheck::signature).collect(Collectors.joining(", ")));
            }
        }
        List<MBeanOperationInfo> fitting = candidates.stream().filter(o -> o.getSignature().length == args.size()).toList();
        if (fitting.isEmpty()) {
            return Optional.of("operation " + opName + " of " + name + " takes "
                    + candidates.stream().map(o -> o.getSignature().length + " argument(s): " + signature(o))
                    .collect(Collectors.joining(" or ")) + "; got " + args.size());
        }
        if (fitting.size() > 1) {
            return Optional.empty(); // overloads with the same count: Jolokia wants the signature, and says so
        }
        MBeanOperationInfo op = fitting.get(0);
        MBeanParameterInfo[] params = op.getSignature();
        for (int i = 0; i < params.length; i++) {
            Optional<String> problem = checkArgument(params[i].getType(), args.get(i));
            if (problem.isPresent()) {
                return Optional.of("argument " + (i + 1) + " (" + params[i].getName() + ") of " + signature(op)
                        + ": " + problem.get());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> checkArgument(String type, JsonNode value) {
        String text = value.isTextual() ? value.asText() : value.toString();
        switch (type) {
            case "int", "java.lang.Integer", "long", "java.lang.Long", "short", "java.lang.Short", "byte",
                 "java.lang.Byte" -> {
                if (value.isIntegralNumber()) {
                    return fits(type, value.asText());
                }
                if (value.isTextual()) {
                    return fits(type, value.asText().trim());
                }
                return Optional.of("expected a whole number (" + type + "), got " + describe(value));
            }
            case "double", "java.lang.Double", "float", "java.lang.Float" -> {
                if (value.isNumber()) {
                    return Optional.empty();
                }
                try {
                    Double.parseDouble(text.trim());
                    return Optional.empty();
                } catch (NumberFormatException e) {
                    return Optional.of("expected a number (" + type + "), got " + describe(value));
                }
            }
            case "boolean", "java.lang.Boolean" -> {
                if (value.isBoolean() || text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                    return Optional.empty();
                }
                return Optional.of("expected true or false, got " + describe(value));
            }
            case "java.lang.String" -> {
                if (value.isContainerNode()) {
                    return Optional.of("expected a string, got " + describe(value));
                }
                return Optional.empty();
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private static Optional<String> fits(String type, String digits) {
        try {
            long v = Long.parseLong(digits);
            long min;
            long max;
            switch (type) {
                case "int", "java.lang.Integer" -> {
                    min = Integer.MIN_VALUE;
                    max = Integer.MAX_VALUE;
                }
                case "short", "java.lang.Short" -> {
                    min = Short.MIN_VALUE;
                    max = Short.MAX_VALUE;
                }
                case "byte", "java.lang.Byte" -> {
                    min = Byte.MIN_VALUE;
                    max = Byte.MAX_VALUE;
                }
                default -> {
                    min = Long.MIN_VALUE;
                    max = Long.MAX_VALUE;
                }
            }
            if (v < min || v > max) {
                return Optional.of("expected a whole number between " + min + " and " + max + ", got " + digits);
            }
            return Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.of("expected a whole number (" + type + "), got \"" + shorten(digits) + "\"");
        }
    }

    private static Optional<ObjectName> objectName(String text) {
        try {
            return Optional.of(new ObjectName(text));
        } catch (MalformedObjectNameException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String badName(String text) {
        String why;
        try {
            new ObjectName(text);
            why = "";
        } catch (MalformedObjectNameException | RuntimeException e) {
            why = e.getMessage();
        }
        return "'" + shorten(text) + "' is not a valid MBean name (" + why
                + "): expected domain:key=value[,key=value...], e.g. supervisor:type=App,name=web";
    }

    static String signature(MBeanOperationInfo op) {
        return op.getName() + "(" + Arrays.stream(op.getSignature()).map(p -> simple(p.getType()) + " " + p.getName())
                .collect(Collectors.joining(", ")) + ")";
    }

    private static String simple(String type) {
        return type.startsWith("java.lang.") ? type.substring("java.lang.".length()) : type;
    }

    private static String describe(JsonNode value) {
        return value.isTextual() ? "\"" + shorten(value.asText()) + "\"" : kind(value) + " " + shorten(value.toString());
    }

    private static String kind(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        return node.isArray() ? "a list" : node.isObject() ? "an object" : node.isTextual() ? "a string"
                : node.isNumber() ? "a number" : node.isBoolean() ? "a boolean" : node.getNodeType().toString();
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    private static String sorted(Set<String> s) {
        return s.stream().sorted().collect(Collectors.joining(", "));
    }
}
