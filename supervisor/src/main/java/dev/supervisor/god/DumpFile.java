package dev.supervisor.god;

import dev.supervisor.config.PrivateFiles;

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
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The saved process list ({@code save} / {@code resurrect}). Written to a temp file, fsynced, then renamed over
 * the dump, with the previous dump kept as {@code .bak}: a crash or a full disk never leaves an empty dump
 * (pm2 #2827, #2971). An empty list never silently replaces a non-empty dump.
 *
 * <p>A damaged dump is never hidden: falling back to the {@code .bak} is a WARN and shows in {@link #status()}
 * (the God's {@code DumpStatus}, the footer of {@code supervisor list}); a save never copies an unreadable dump
 * over a good {@code .bak}; with both unreadable, {@link #read()} fails saying so.
 */
public final class DumpFile {
    public static final String OK = "ok";
    private static final Logger LOG = LogManager.getLogger(DumpFile.class);

    private final Path file;
    private final ObjectMapper json = new ObjectMapper();
    private volatile String status = OK;

    public DumpFile(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    public Path backup() {
        return file.resolveSibling(file.getFileName() + ".bak");
    }

    /** {@value #OK}, or what went wrong the last time the dump was read or written, and what was done about it. */
    public String status() {
        return status;
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
            PrivateFiles.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (FileChannel ch = PrivateFiles.openForWrite(tmp)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (Files.exists(file) && Files.size(file) > 0) {
                try {
                    parse(file);
                    Files.copy(file, backup(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                    Files.setPosixFilePermissions(backup(), PrivateFiles.FILE); // an older, wider dump.json: narrowed
                } catch (IOException | RuntimeException unreadable) {
                    // The .bak may be the only good copy left: keep it.
                    LOG.warn("{} is unreadable ({}): not copied over {}", file, unreadable.getMessage(), backup());
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            status = OK;
        } catch (IOException e) {
            throw new SupervisorException("cannot write " + file + ": " + e.getMessage() + " (the previous dump is unchanged)");
        }
    }

    /**
     * The saved app specs; falls back to the .bak when the dump is unreadable (a WARN, and {@link #status()} says so).
     * @throws SupervisorException when neither the dump nor its .bak can be read
     */
    public List<String> read() {
        if (!exists()) {
            return List.of();
        }
        try {
            List<String> specs = parse(file);
            status = OK;
            return specs;
        } catch (IOException | RuntimeException e) {
            Path bak = backup();
            try {
                List<String> specs = parse(bak);
                status = "fell back to " + bak + ": " + file + " is unreadable (" + oneLine(e) + ")";
                LOG.warn("dump {}", status);
                return specs;
            } catch (IOException | RuntimeException e2) {
                status = "unreadable: " + file + " (" + oneLine(e) + ") and " + bak + " ("
                        + (Files.exists(bak) ? oneLine(e2) : "missing") + ")";
                LOG.error("dump {}", status);
                throw new SupervisorException("cannot read " + file + " (" + oneLine(e) + ") nor " + bak + " ("
                        + (Files.exists(bak) ? oneLine(e2) : "missing") + "): nothing resurrected; fix or delete "
                        + file + ", then start your apps and run 'supervisor save'");
            }
        }
    }

    private static String oneLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
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
