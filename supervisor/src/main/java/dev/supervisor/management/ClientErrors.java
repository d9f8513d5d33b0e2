package dev.supervisor.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.supervisor.errors.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The one place that decides which errors are the client's: a {@link UserError} (and its subclasses), or an
 * argument the JVM itself rejected. Jolokia answers those with status 500 in the body; this turns them into 400
 * (per entry of a bulk request), and gives an unknown operation, whose whole message Jolokia makes its bare name,
 * the list of operations that exist. Anything else stays a 500: it is a bug of ours.
 */
final class ClientErrors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CLIENT_TYPES = Set.of(
            "java.lang.IllegalArgumentException", "java.lang.NumberFormatException",
            "java.lang.NoSuchMethodException", "javax.management.MalformedObjectNameException",
            "javax.management.InvalidAttributeValueException", "javax.management.openmbean.OpenDataException",
            "javax.management.openmbean.InvalidKeyException", "javax.management.openmbean.InvalidOpenTypeException",
            "java.lang.ArrayIndexOutOfBoundsException", "java.lang.IndexOutOfBoundsException",
            // e.g. Runtime's BootClassPath on Java 9+, hit by a read of *:*: asked of an MBean that cannot answer
            "java.lang.UnsupportedOperationException");

    private ClientErrors() {
    }

    /** Whether an exception type named in a Jolokia answer is the client's mistake. */
    static boolean isClientError(String type, String message) {
        if (type == null) {
            return false;
        }
        if (CLIENT_TYPES.contains(type)) {
            return true;
        }
        if (type.equals("java.lang.IllegalStateException") && message != null && message.startsWith("Bad parser state")) {
            return true; // Jolokia's JSON parser on a truncated body
        }
        try {
            return UserError.class.isAssignableFrom(Class.forName(type, false, ClientErrors.class.getClassLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * The answer to send for what Jolokia answered: the same bytes unless an entry needs remapping. A bare
     * {@code 400 (Bad Request)} in text becomes a JSON error too.
     */
    static Answer rewrite(int status, String contentType, byte[] body, MBeanServer server) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (status == 400 && (contentType == null || !contentType.contains("json"))) {
            ObjectNode error = JSON.createObjectNode().put("status", 400).put("error_type", "BadRequest")
                    .put("error", "bad request: " + text.trim() + "; expected a Jolokia request "
                            + "(read, write, exec, list, search, version) with valid MBean name and arguments");
            return new Answer(400, bytes(error), "application/json; charset=utf-8");
        }
        if (!text.contains("\"status\":500")) {
            return new Answer(status, body, contentType);
        }
        try {
            JsonNode root = JSON.readTree(body);
            boolean changed = false;
            if (root.isArray()) {
                for (JsonNode entry : root) {
                    changed |= remap(entry, server);
                }
            } else {
                changed = remap(root, server);
            }
            return changed ? new Answer(status, bytes(root), contentType) : new Answer(status, body, contentType);
        } catch (IOException e) {
            return new Answer(status, body, contentType);
        }
    }

    private static boolean remap(JsonNode entry, MBeanServer server) {
        if (!(entry instanceof ObjectNode e) || e.path("status").asInt() != 500) {
            return false;
        }
        String type = e.path("error_type").asText(null);
        String message = e.path("error").asText("");
        if (!isClientError(type, message)) {
            return false;
        }
        e.put("status", 400);
        if ("java.lang.NoSuchMethodException".equals(type)) {
            e.put("error", unknownOperation(e.path("request"), message, server));
        }
        return true;
    }

    private static String unknownOperation(JsonNode request, String message, MBeanServer server) {
        String mbean = request.path("mbean").asText("");
        String operation = request.path("operation").asText(message);
        try {
            ObjectName name = new ObjectName(mbean);
            String ops = Arrays.stream(server.getMBeanInfo(name).getOperations())
                    .map(JolokiaRequestCheck::signature).sorted().collect(Collectors.joining(", "));
            return name + " has no operation '" + operation + "' with these arguments; its operations are: " + ops;
        } catch (JMException | RuntimeException ex) {
            return "no operation '" + operation + "' on " + mbean;
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    record Answer(int status, byte[] body, String contentType) {
    }
}
