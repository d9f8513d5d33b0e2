package dev.supervisor.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AppsFileLoaderTest {
    @TempDir
    Path dir;

    private final AppsFileLoader loader = new AppsFileLoader(LogPolicy.DEFAULT);

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private Path script() throws IOException {
        Path s = write("app.sh", "#!/bin/sh\nsleep 100\n");
        s.toFile().setExecutable(true);
        return s;
    }

    @Test
    void loadsAPm2EcosystemJsonAsItIs() throws IOException {
        script();
        Path f = write("ecosystem.json", """
                {"apps": [{
                  "name": "api", "script": "app.sh", "args": "--verbose --port=1", "cwd": ".",
                  "interpreter": "bash", "interpreter_args": ["-e"], "instances": 2, "exec_mode": "cluster",
                  "namespace": "web", "port": 8123, "autorestart": true, "max_restarts": 5, "min_uptime": "10s",
                  "restart_delay": 250, "exp_backoff_restart_delay": 100, "kill_timeout": "3s", "kill_signal": "SIGTERM",
                  "stop_exit_codes": [0, 3], "wait_ready": false, "listen_timeout": 8000, "merge_logs": true,
                  "out_file": "out.log", "error_file": "err.log", "log_date_format": "YYYY-MM-DD HH:mm Z",
                  "max_memory_restart": "200M", "instance_var": "INSTANCE_ID", "treekill": true,
                  "env": {"NODE_ENV": "development", "N": 1}, "env_production": {"NODE_ENV": "production"}
                }]}
                """);
        AppConfig app = loader.load(f, "production").get(0);
        assertThat(app.name()).isEqualTo("api");
        assertThat(app.command()).endsWith("-e", dir.resolve("app.sh").toString(), "--verbose", "--port=1");
        assertThat(app.command().get(0)).endsWith("/bash");
        assertThat(app.instances()).isEqualTo(2);
        assertThat(app.namespace()).isEqualTo("web");
        assertThat(app.minUptime()).isEqualTo(Duration.ofSeconds(10));
        assertThat(app.restartDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(app.killTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(app.killSignal()).isEqualTo("SIGTERM");
        assertThat(app.stopExitCodes()).containsExactlyInAnyOrder(0, 3);
        assertThat(app.maxMemoryBytes()).isEqualTo(200L << 20);
        assertThat(app.env()).containsEntry("NODE_ENV", "production").containsEntry("N", "1");
        assertThat(app.outFile()).contains(dir.resolve("out.log"));
        assertThat(app.instanceVar()).isEqualTo("INSTANCE_ID");
    }

    @Test
    void yamlWithDefaults() throws IOException {
        script();
        Path f = write("apps.yml", "apps:\n  - script: app.sh\n");
        AppConfig app = loader.load(f, "").get(0);
        assertThat(app.name()).isEqualTo("app");
        assertThat(app.instances()).isEqualTo(1);
        assertThat(app.killSignal()).isEqualTo("SIGINT");
        assertThat(app.killTimeout()).isEqualTo(Duration.ofMillis(1600));
        assertThat(app.minUptime()).isEqualTo(Duration.ofMillis(1000));
        assertThat(app.maxRestarts()).isEqualTo(16);
        assertThat(app.listenTimeout()).isEqualTo(Duration.ofMillis(3000));
        assertThat(app.front()).isEqualTo(FrontKind.HTTP);
    }

    private String error(String yaml) throws IOException {
        script();
        Path f = write("bad.yml", yaml);
        try {
            List<AppConfig> apps = loader.load(f, "");
            throw new AssertionError("expected an error, loaded " + apps);
        } catch (ConfigException e) {
            assertThat(e.getMessage()).startsWith(f.toString() + ": ");
            return e.getMessage();
        }
    }

    @Test
    void unknownFieldIsNamedWithASuggestion() throws IOException {
        assertThat(error("apps:\n  - name: web\n    script: app.sh\n    instanses: 2\n"))
                .contains("app 'web' (apps[0])", "field 'instanses'", "unknown field", "did you mean 'instances'");
    }

    @Test
    void wrongTypeIsNamed() throws IOException {
        assertThat(error("apps:\n  - name: web\n    script: app.sh\n    instances: two\n"))
                .contains("app 'web'", "field 'instances'", "expected an integer");
        assertThat(error("apps:\n  - name: web\n    script: app.sh\n    autorestart: maybe\n"))
                .contains("field 'autorestart'", "expected true or false");
        assertThat(error("apps:\n  - name: web\n    script: app.sh\n    min_uptime: soon\n"))
                .contains("field 'min_uptime'", "not a duration");
        assertThat(error("apps:\n  - name: web\n    script: app.sh\n    kill_signal: SIGFOO\n"))
                .contains("field 'kill_signal'", "not a signal name");
    }

    @Test
    void missingScript() throws IOException {
        assertThat(error("apps:\n  - name: web\n")).contains("apps[0]", "field 'script'", "missing");
        assertThat(error("apps:\n  - name: web\n    script: nope.sh\n")).contains("field 'script'", "'nope.sh' not found");
    }

    @Test
    void missingOrNonExecutableInterpreter() throws IOException {
        assertThat(error("apps:\n  - name: web\n    script: app.sh\n    interpreter: /no/such/python\n"))
                .contains("field 'interpreter'", "'/no/such/python' not found or not executable");
        write("plain.txt", "not a program");
        assertThat(error("apps:\n  - name: web\n    script: plain.txt\n    interpreter: none\n"))
                .contains("field 'script'", "is not executable");
    }

    @Test
    void duplicateNameFailsTheWholeFile() throws IOException {
        assertThat(error("apps:\n  - name: web\n    script: app.sh\n  - name: web\n    script: app.sh\n"))
                .contains("app 'web' (apps[1])", "field 'name'", "duplicate name");
    }

    @Test
    void invalidYamlSaysWhere() throws IOException {
        assertThat(error("apps:\n  - name: [web\n")).contains("not valid YAML at line");
    }

    @Test
    void unknownEnvProfileIsAWarningAsInPm2() throws IOException {
        script();
        Path f = write("apps.yml", "apps:\n  - name: web\n    script: app.sh\n    env: {A: a}\n    env_staging: {A: b}\n");
        LoadedApps loaded = loader.load(new AppsRequest(EcosystemFile.read(f, java.util.Map.of(), dir), f.toString(), dir,
                "production", java.util.Optional.empty(), "", 0, ""));
        assertThat(loaded.apps().get(0).env()).containsEntry("A", "a");
        assertThat(loaded.warnings()).singleElement().asString()
                .contains("app 'web'", "environment [production] is not defined", "env_staging");
    }

    @Test
    void unitsAcceptWhatPm2UsersWrite() {
        assertThat(Units.parseDuration("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Units.parseDuration("1500ms")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Units.parseDuration("3000")).isEqualTo(Duration.ofMillis(3000));
        assertThat(Units.parseSize("200M")).isEqualTo(200L << 20);
        assertThat(Units.parseSize("1G")).isEqualTo(1L << 30);
        assertThat(Units.parseSize("512K")).isEqualTo(512L << 10);
        assertThatThrownBy(() -> Units.parseSize("lots")).hasMessageContaining("'lots' is not a size");
    }
}
