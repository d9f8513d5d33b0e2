package dev.supervisor.god;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supervisor.management.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged dump is never hidden and never spreads to the .bak. */
class DumpFileTest {
    @TempDir
    Path dir;

    private static final String A = "{\"name\":\"a\",\"script\":\"/bin/true\"}";
    private static final String B = "{\"name\":\"b\",\"script\":\"/bin/true\"}";

    @Test
    void aCorruptDumpFallsBackToTheBakLoudly() throws Exception {
        DumpFile dump = new DumpFile(dir.resolve("dump.json"));
        dump.write(List.of(A));
        dump.write(List.of(B)); // .bak now holds A
        Files.writeString(dump.path(), "{\"apps\": [ {\"name\": tru");
        try (LogCapture log = new LogCapture(DumpFile.class)) {
            assertThat(dump.read()).singleElement().asString().contains("\"a\"");
            assertThat(log.text()).contains("WARN dump fell back to " + dump.backup());
        }
        assertThat(dump.status()).startsWith("fell back to " + dump.backup()).contains("is unreadable");
    }

    @Test
    void saveNeverCopiesAnUnreadableDumpOverTheBak() throws Exception {
        DumpFile dump = new DumpFile(dir.resolve("dump.json"));
        dump.write(List.of(A));
        dump.write(List.of(B)); // .bak holds A
        Files.writeString(dump.path(), "garbage");
        dump.write(List.of(B));
        assertThat(Files.readString(dump.backup())).contains("\"a\"").doesNotContain("garbage");
        assertThat(dump.read()).singleElement().asString().contains("\"b\"");
        assertThat(dump.status()).isEqualTo(DumpFile.OK);
    }

    @Test
    void bothUnreadableIsAnErrorNamingBoth() throws Exception {
        DumpFile dump = new DumpFile(dir.resolve("dump.json"));
        Files.writeString(dump.path(), "garbage");
        Files.writeString(dump.backup(), "{\"apps\": 3}");
        assertThatThrownBy(dump::read).isInstanceOf(SupervisorException.class)
                .hasMessageContaining("cannot read " + dump.path())
                .hasMessageContaining(dump.backup() + " (")
                .hasMessageContaining("nothing resurrected");
        assertThat(dump.status()).startsWith("unreadable: ");
    }

    @Test
    void theDumpIsReadableByTheDaemonsUserOnly() throws Exception {
        // It holds the apps' environments: secrets, as often as logs do.
        DumpFile dump = new DumpFile(dir.resolve("dump.json"));
        dump.write(List.of(A));
        dump.write(List.of(A)); // the second write keeps the first as dump.json.bak
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dump.path())))
                .isEqualTo("rw-------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dump.path().resolveSibling("dump.json.bak")))).isEqualTo("rw-------");
    }
}
