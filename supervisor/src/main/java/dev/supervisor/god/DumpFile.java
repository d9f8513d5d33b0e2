package dev.supervisor.god;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The saved process list ({@code save} / {@code resurrect}). Written to a temp file, fsynced, then renamed over
 * the dump, with the previous dump kept as {@code .bak}: a crash or a full disk never leaves an empty dump
 * (pm2 #2827, #2971). An empty list never silently replaces a non-empty dump.
 */
public final class DumpFile {
    private final Path file;
    private final ObjectMapper json = new ObjectMapper();

    public DumpFile(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    public boolean exists() {
        return Files.isRegularFile(file);
    }

    public void write(List<String> specs) {
        if (specs.isEmpty() && !read().isEmpty()) {
            throw new SupervisorException("nothing is running: refusing to replace " + file + " (which lists apps) with an empty list; "
                    + "delete the file first if you mean it");
        }
        ObjectNode root = json.createObjectNode();
        root.put("version", 1);
        ArrayNode apps = root.putArray("apps");
        try {
            for (String spec : specs) {
                apps.add(json.readTree(spec));
            }
            byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (Files.exists(file) && Files.size(file) > 0) {
                Files.copy(file, file.resolveSibling(file.getFileName() + ".bak"), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new SupervisorException("cannot write " + file + ": " + e.getMessage() + " (the previous dump is unchanged)");
        }
    }

    /** The saved app specs; falls back to the .bak when the dump is unreadable. */
    public List<String> read() {
        if (!exists()) {
            return List.of();
        }
        try {
            return parse(file);
        } catch (IOException | RuntimeException e) {
            Path bak = file.resolveSibling(file.getFileName() + ".bak");
            try {
                return parse(bak);
            } catch (IOException | RuntimeException e2) {
                throw new SupervisorException("cannot read " + file + " (" + e.getMessage() + ") nor its .bak");
            }
        }
    }

    private List<String> parse(Path p) throws IOException {
        JsonNode root = json.readTree(p.toFile());
        JsonNode apps = root == null ? null : root.get("apps");
        if (apps == null || !apps.isArray()) {
            throw new IOException(p + " has no 'apps' list");
        }
        List<String> out = new ArrayList<>();
        apps.forEach(a -> out.add(a.toString()));
        return out;
    }
}
