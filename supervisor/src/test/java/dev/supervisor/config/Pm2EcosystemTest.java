package dev.supervisor.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** pm2 users' files as they are: real node evaluating JS configs, a real-world ecosystem.json, cron dialect. */
class Pm2EcosystemTest {
    @TempDir
    Path dir;

    private final AppsFileLoader loader = new AppsFileLoader(LogPolicy.DEFAULT);

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private Map<String, String> cliEnv(String... kv) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return env;
    }

    private LoadedApps load(Path file, String envName, Map<String, String> env) {
        return loader.load(new AppsRequest(EcosystemFile.read(file, env, dir), file.toString(), dir, envName,
                Optional.of(env), "", 0, ""));
    }

    private void scripts() throws IOException {
        write("server.js", "setInterval(() => {}, 1000);\n");
        write("worker.py", "import time\ntime.sleep(100)\n");
    }

    @Test
    void configJsWithSpreadFunctionAndProcessEnvIsEvaluatedByNode() throws IOException {
        scripts();
        Path f = write("ecosystem.config.js", """
                const common = { script: './server.js', env: { FROM_FILE: 'yes' } };
                const instances = () => 1 + 1;
                console.log('the file may print things; they are not the config');
                module.exports = {
                  apps: [
                    { ...common, name: 'web', instances: instances(), env_production: { STAGE: process.env.STAGE_NAME } },
                  ],
                };
                """);
        LoadedApps loaded = load(f, "production", cliEnv("STAGE_NAME", "prod-from-shell"));
        AppConfig web = loaded.apps().get(0);
        assertThat(web.name()).isEqualTo("web");
        assertThat(web.instances()).isEqualTo(2);
        assertThat(web.env()).containsEntry("FROM_FILE", "yes").containsEntry("STAGE", "prod-from-shell");
        assertThat(web.command()).last().isEqualTo(dir.resolve("server.js").toString());
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void cjsAndMjsFilesAndAnExportedFunction() throws IOException {
        scripts();
        Path cjs = write("ecosystem.config.cjs", "module.exports = () => ({ apps: [{ name: 'c', script: 'server.js' }] });\n");
        assertThat(load(cjs, "", cliEnv()).apps()).extracting(AppConfig::name).containsExactly("c");
        Path mjs = write("ecosystem.config.mjs", """
                const apps = [{ name: 'm', script: 'server.js', env: { N: String(process.env.N_FROM_SHELL) } }];
                export default { apps };
                """);
        AppConfig m = load(mjs, "", cliEnv("N_FROM_SHELL", "42")).apps().get(0);
        assertThat(m.name()).isEqualTo("m");
        assertThat(m.env()).containsEntry("N", "42");
    }

    @Test
    void withoutNodeOnPathTheErrorSaysSo() throws IOException {
        scripts();
        Path f = write("ecosystem.config.js", "module.exports = { apps: [{ script: 'server.js' }] };\n");
        assertThatThrownBy(() -> EcosystemFile.read(f, Map.of("PATH", "/nonexistent"), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("needs 'node'").hasMessageContaining("convert the file to JSON or YAML");
    }

    @Test
    void aBrokenJsFileShowsNodesError() throws IOException {
        Path f = write("ecosystem.config.js", "module.exports = { apps: [ oops ] };\n");
        assertThatThrownBy(() -> EcosystemFile.read(f, cliEnv(), dir)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("node could not evaluate the file").hasMessageContaining("oops is not defined");
    }

    @Test
    void aRealWorldEcosystemJsonLoadsUnchangedWithOneWarning() throws IOException {
        scripts();
        Path f = write("ecosystem.json", """
                {
                  "apps": [
                    {
                      "name": "api",
                      "script": "./server.js",
                      "exec_mode": "cluster",
                      "instances": "max",
                      "instance_var": "INSTANCE_ID",
                      "watch": false,
                      "ignore_watch": ["node_modules", "logs"],
                      "combine_logs": true,
                      "log_date_format": "YYYY-MM-DD HH:mm:ss.SSS",
                      "min_uptime": "10s",
                      "cron_restart": "0 3 * * *",
                      "max_memory_restart": "300M",
                      "source_map_support": true,
                      "vizion": false,
                      "autostart": true,
                      "time": true,
                      "log_file": "logs/combined.log",
                      "node_args": "--max-old-space-size=256",
                      "env": { "NODE_ENV": "development" },
                      "env_production": { "NODE_ENV": "production" }
                    },
                    {
                      "name": "jobs",
                      "script": "worker.py",
                      "interpreter": "python3",
                      "exec_mode": "fork",
                      "instances": 1,
                      "autostart": false,
                      "watch": ["worker.py"],
                      "watch_delay": 500,
                      "env": { "QUEUE": "default" }
                    }
                  ]
                }
                """);
        LoadedApps loaded = load(f, "production", cliEnv("FROM_SHELL", "1"));
        AppConfig api = loaded.apps().get(0);
        assertThat(api.instances()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(api.instanceVar()).isEqualTo("INSTANCE_ID");
        assertThat(api.watch().enabled()).isFalse();
        assertThat(api.mergeLogs()).isTrue();
        assertThat(api.minUptime()).isEqualTo(Duration.ofSeconds(10));
        assertThat(api.cronRestart()).contains("0 3 * * *");
        assertThat(api.maxMemoryBytes()).isEqualTo(300L << 20);
        assertThat(api.env()).containsEntry("NODE_ENV", "production");
        assertThat(api.baseEnv()).containsEntry("FROM_SHELL", "1");
        assertThat(api.launchEnv()).containsEntry("FROM_SHELL", "1").containsEntry("NODE_ENV", "production");
        assertThat(api.logFile()).contains(dir.resolve("logs/combined.log"));
        assertThat(api.logDateFormat()).contains("YYYY-MM-DD HH:mm:ss.SSS");
        assertThat(api.command()).contains("--max-old-space-size=256");
        assertThat(api.autostart()).isTrue();

        AppConfig jobs = loaded.apps().get(1);
        assertThat(jobs.autostart()).isFalse();
        assertThat(jobs.env()).containsEntry("QUEUE", "default");
        assertThat(jobs.watch().enabled()).isTrue();
        assertThat(jobs.watch().paths()).containsExactly(dir.resolve("worker.py"));
        assertThat(jobs.watch().delay()).isEqualTo(Duration.ofMillis(500));

        // One warning for the ignored fields (each named once, with the apps using it and why), one for env_production.
        assertThat(loaded.warnings()).hasSize(2);
        assertThat(loaded.warnings().get(0)).contains("app 'jobs'", "environment [production] is not defined");
        String ignored = loaded.warnings().get(1);
        assertThat(ignored).contains("exec_mode (api, jobs)", "source_map_support (api)", "vizion (api)");
        assertThat(ignored.split("exec_mode", -1)).hasSize(2);
        assertThat(ignored).doesNotContain("watch", "cron_restart", "autostart", "log_file", "time (");
    }

    @Test
    void autostartIsSupportedNotMisspelledAndTimeGivesATimestamp() throws IOException {
        scripts();
        Path f = write("apps.yml", "apps:\n  - name: w\n    script: server.js\n    autostart: false\n    time: true\n");
        AppConfig w = load(f, "", cliEnv()).apps().get(0);
        assertThat(w.autostart()).isFalse();
        assertThat(w.logDateFormat()).contains(AppsFileLoader.TIME_FORMAT);
        Path typo = write("typo.yml", "apps:\n  - name: w\n    script: server.js\n    autostrat: false\n");
        assertThatThrownBy(() -> load(typo, "", cliEnv())).hasMessageContaining("did you mean 'autostart'");
    }

    @Test
    void pm2AliasesAndFilterEnv() throws IOException {
        scripts();
        Path f = write("apps.json", """
                {"apps": [{"name": "a", "exec": "server.js", "out": "o.log", "err": "e.log", "cron": "*/5 * * * *",
                           "filter_env": ["SECRET_"], "append_env_to_name": true, "env_prod": {"X": "1"}}]}
                """);
        AppConfig a = load(f, "prod", cliEnv("SECRET_TOKEN", "s", "KEEP", "k")).apps().get(0);
        assertThat(a.name()).isEqualTo("a-prod");
        assertThat(a.outFile()).contains(dir.resolve("o.log"));
        assertThat(a.errorFile()).contains(dir.resolve("e.log"));
        assertThat(a.cronRestart()).contains("*/5 * * * *");
        assertThat(a.baseEnv()).containsKey("KEEP").doesNotContainKey("SECRET_TOKEN");
    }

    @Test
    void withoutACliEnvironmentAppsGetAMinimalOneNotTheDaemons() throws IOException {
        scripts();
        Path f = write("apps.yml", "apps:\n  - name: w\n    script: server.js\n");
        AppConfig w = loader.load(f, "").get(0);
        assertThat(w.baseEnv().keySet()).isSubsetOf("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL",
                "LC_CTYPE", "TZ", "TMPDIR");
    }

    @Test
    void cronExpressionsInPm2sDialect() {
        ZonedDateTime base = ZonedDateTime.of(2026, 1, 7, 12, 0, 30, 0, ZoneId.systemDefault()); // a Wednesday
        Date from = Date.from(base.toInstant());
        assertThat(CronExpressions.parse("0 3 * * *").getNextValidTimeAfter(from).toInstant())
                .isEqualTo(base.plusDays(1).withHour(3).withMinute(0).withSecond(0).toInstant());
        assertThat(CronExpressions.parse("* * * * * *").getNextValidTimeAfter(from).toInstant())
                .isEqualTo(base.plusSeconds(1).toInstant());
        // Sunday is 0 (and 7) in Unix cron, 1 in Quartz.
        assertThat(CronExpressions.parse("0 0 * * 0").getNextValidTimeAfter(from).toInstant())
                .isEqualTo(base.plusDays(4).withHour(0).withMinute(0).withSecond(0).toInstant());
        assertThat(CronExpressions.toQuartz("30 4 1 * *")).isEqualTo("0 30 4 1 * ?");
        assertThat(CronExpressions.toQuartz("@daily")).isEqualTo("0 0 0 * * ?");
        assertThat(CronExpressions.toQuartz("0 9 * * 1-5")).isEqualTo("0 0 9 ? * 2-6");
        assertThatThrownBy(() -> CronExpressions.parse("every day")).hasMessageContaining("'every day' is not a valid cron expression");
        assertThatThrownBy(() -> CronExpressions.parse("61 * * * *")).hasMessageContaining("not a valid cron expression");
    }

    @Test
    void ignoreWatchTakesRegexesNamesAndGlobs() {
        assertThat(WatchPatterns.compile("node_modules").test(Path.of("node_modules/x/index.js"))).isTrue();
        assertThat(WatchPatterns.compile("\\.log$").test(Path.of("logs/app.log"))).isTrue();
        assertThat(WatchPatterns.compile("*.tmp").test(Path.of("a/b/c.tmp"))).isTrue();
        assertThat(WatchPatterns.compile("*.tmp").test(Path.of("a/b/c.js"))).isFalse();
        assertThat(WatchPatterns.compile("[\\/\\\\]\\./").test(Path.of("/srv/app/./x"))).isTrue();
        assertThat(List.of("src/app.js")).allMatch(p -> !WatchPatterns.compile("logs").test(Path.of(p)));
    }
}
