package dev.supervisor.management.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.supervisor.management.Credentials;
import dev.supervisor.mbeans.ObjectNames;
import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.mbeans.ProcessMXBean;
import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.TestDaemon;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.JMX;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The "Supervisor" view (module console-plugin) as hawtio loads it in a real headless Chromium, against a real
 * daemon with real apps: one serving HTTP behind the front ({@value #WEB}), one that crashes at start
 * ({@value #BROKEN}), one to stop ({@value #VICTIM}) and one that echoes its stdin to its log ({@value #TALK}).
 * Screenshots go to {@code target/screenshots/}; the README's come from there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SupervisorViewTest {
    private static final String WEB = "web";
    private static final String BROKEN = "broken";
    private static final String VICTIM = "victim";
    private static final String TALK = "talk";
    private static final String SCALED = "scaled";
    private static final String VIEWER = "viewer";
    private static final String VIEWER_PASSWORD = "viewer-secret";
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    TestDaemon daemon;
    String consoleUrl;
    Credentials admin;

    ChromeDriverService service;
    WebDriver driver;
    WebDriverWait wait;
    String loggedInAs;

    @BeforeAll
    void startDaemonAndApps() throws IOException {
        daemon = TestDaemon.start(TestDaemon.Options.defaults().withConsole());
        Map<String, Object> web = Fixtures.app(WEB, "listen");
        web.put("port", Fixtures.freePort());
        web.put("instances", 2);
        web.put("listen_timeout", "20s");
        Map<String, Object> broken = Fixtures.app(BROKEN, "exit=0:3");
        broken.put("max_restarts", 1);
        broken.put("restart_delay", "100ms");
        Map<String, Object> victim = Fixtures.app(VICTIM, "say=victim-is-up");
        Map<String, Object> talk = Fixtures.app(TALK, "stdin-echo");
        Map<String, Object> scaled = Fixtures.app(SCALED);
        daemon.godBean().start(Fixtures.appsFile(daemon.home().resolve("apps"), web, broken, victim, talk, scaled)
                .toString());
        consoleUrl = daemon.awaitConsoleUp();
        admin = Credentials.load(daemon.daemon().settings().credentialsFile());
        Files.writeString(daemon.daemon().settings().credentialsFile(),
                "viewer.username=" + VIEWER + "\nviewer.password=" + VIEWER_PASSWORD + "\n", StandardOpenOption.APPEND);
        awaitStatus(WEB, "online", 2);
        awaitStatus(BROKEN, "errored", 1);
        awaitStatus(VICTIM, "online", 1);
        awaitStatus(TALK, "online", 1);
        awaitStatus(SCALED, "online", 1);
    }

    @AfterAll
    void stopBrowserAndDaemon() {
        if (driver != null) {
            driver.quit();
        }
        if (service != null) {
            service.stop();
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    // ---- without a browser ----

    @Test
    void hawtioListsThePluginAndServesItsAssetsOnlyAfterLogin() throws Exception {
        ConsoleClient anonymous = new ConsoleClient(consoleUrl);
        ConsoleClient client = new ConsoleClient(consoleUrl);
        assertThat(client.login(admin.username(), admin.password()).statusCode()).isEqualTo(200);

        HttpResponse<String> plugins = anonymous.get("/plugin");
        HttpResponse<String> refused = anonymous.get("/static/supervisor-plugin/remoteEntry.js");
        HttpResponse<String> entry = client.get("/static/supervisor-plugin/remoteEntry.js");
        HttpResponse<String> outside = client.get("/static/supervisor-plugin/..%2F..%2FWEB-INF%2Fweb.xml");

        assertThat(plugins.body()).contains("\"scope\":\"supervisorPlugin\"", "\"module\":\"./plugin\"",
                "\"url\":\"/hawtio/static/supervisor-plugin\"");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(entry.statusCode()).isEqualTo(200);
        assertThat(entry.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        assertThat(entry.body()).contains("supervisorPlugin");
        assertThat(outside.statusCode()).isNotEqualTo(200);
    }

    @Test
    void viewerCannotTailLogsThroughTheConsolesJolokia() throws Exception {
        ConsoleClient viewer = new ConsoleClient(consoleUrl);
        ConsoleClient adminClient = new ConsoleClient(consoleUrl);
        assertThat(viewer.login(VIEWER, VIEWER_PASSWORD).statusCode()).isEqualTo(200);
        assertThat(adminClient.login(admin.username(), admin.password()).statusCode()).isEqualTo(200);
        int id = instances(VICTIM).get(0).getId();
        String tail = "exec/supervisor:type=God/tailLog/" + id + "/out/10";

        JsonNode refused = viewer.jolokia(tail);
        JsonNode allowed = adminClient.jolokia(tail);
        JsonNode badStream = adminClient.jolokia("exec/supervisor:type=God/tailLog/" + id + "/bogus/10");
        JsonNode unknownId = adminClient.jolokia("exec/supervisor:type=God/tailLog/9999/out/10");

        assertThat(refused.path("status").asInt()).as(refused.toString()).isEqualTo(403);
        assertThat(allowed.path("status").asInt()).as(allowed.toString()).isEqualTo(200);
        assertThat(allowed.path("value").toString()).contains("victim-is-up");
        assertThat(badStream.path("error").asText()).contains("stream must be 'out' or 'err', not 'bogus'");
        assertThat(unknownId.path("error").asText()).contains("'9999' not found");
    }

    // ---- in the browser ----

    @Test
    void adminSeesRunningAndErroredAppsToldApart() throws Exception {
        openView(admin.username(), admin.password());

        WebElement brokenRow = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("app-row-" + BROKEN)));
        WebElement webRow = driver.findElement(By.id("app-row-" + WEB));
        int webId = instances(WEB).get(0).getId();
        int brokenId = instances(BROKEN).get(0).getId();
        wait.until(ExpectedConditions.attributeToBe(By.id("instance-row-" + webId), "data-status", "online"));
        WebElement brokenInstance = driver.findElement(By.id("instance-row-" + brokenId));
        screenshot("supervisor-view.png");

        assertThat(brokenRow.getAttribute("data-errored")).isEqualTo("true");
        assertThat(webRow.getAttribute("data-errored")).isEqualTo("false");
        assertThat(brokenInstance.getAttribute("data-status")).isEqualTo("errored");
        assertThat(brokenInstance.getText()).contains("exit code 3");
        assertThat(brokenRow.getCssValue("background-color")).isNotEqualTo(webRow.getCssValue("background-color"));
        WebElement webInstance = driver.findElement(By.id("instance-row-" + webId));
        assertThat(webInstance.getText()).contains(Long.toString(instances(WEB).get(0).getPid()));
        assertThat(driver.findElement(By.id("action-stop-" + WEB)).isEnabled()).isTrue();
    }

    @Test
    void adminReloadsAndSeesTheStepsLiveAndTheResultStays() throws Exception {
        Set<Long> before = pids(WEB);
        openView(admin.username(), admin.password());

        click(By.id("action-reload-" + WEB));
        By steps = By.cssSelector("#reload-panel-" + WEB + " .reload-steps");
        By result = By.cssSelector("#reload-panel-" + WEB + " .reload-result");
        // Live: steps are shown while the reload still runs (no result yet).
        wait.until(d -> !d.findElement(steps).getText().isBlank() && !d.findElement(steps).getText().equals("starting…")
                && d.findElements(result).isEmpty());
        String during = driver.findElement(steps).getText();
        wait.until(ExpectedConditions.presenceOfElementLocated(result));
        // The reload re-registers MBeans; the result must still be on screen 10 s later.
        await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(20))
                .until(() -> driver.findElement(result).getText().contains("Reload done"));
        WebElement panel = driver.findElement(By.id("reload-panel-" + WEB));
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", panel);
        screenshot("supervisor-reload.png");

        assertThat(during).isNotBlank();
        assertThat(driver.findElement(steps).getText().lines().count()).isGreaterThanOrEqualTo(during.lines().count());
        assertThat(driver.findElement(result).getText()).contains("2 replaced", "0 failed");
        Set<Long> after = awaitStatus(WEB, "online", 2);
        assertThat(after).doesNotContainAnyElementsOf(before);
    }

    @Test
    void stopAsksFirstAndRunsOnlyWhenConfirmed() throws Exception {
        openView(admin.username(), admin.password());

        click(By.id("action-stop-" + VICTIM));
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-dialog")));
        assertThat(dialog.getText()).contains("Stop " + VICTIM + "?");
        click(By.id("cancel-action"));
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("confirm-dialog")));
        assertThat(instances(VICTIM)).extracting(ProcessInfo::getStatus).containsExactly("online");

        click(By.id("action-stop-" + VICTIM));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-dialog")));
        screenshot("supervisor-confirm-stop.png");
        click(By.id("confirm-action"));

        awaitStatus(VICTIM, "stopped", 1);
        int id = instances(VICTIM).get(0).getId();
        wait.until(ExpectedConditions.attributeToBe(By.id("instance-row-" + id), "data-status", "stopped"));
    }

    @Test
    void scaleAsksForTheNumberAndApplies() throws Exception {
        openView(admin.username(), admin.password());

        click(By.id("action-scale-" + SCALED));
        WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("scale-instances")));
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), "2");
        click(By.id("confirm-action"));

        awaitStatus(SCALED, "online", 2);
        for (ProcessInfo p : instances(SCALED)) {
            wait.until(ExpectedConditions.attributeToBe(By.id("instance-row-" + p.getId()), "data-status", "online"));
        }
    }

    @Test
    void adminReadsALogTailThatRefreshes() throws Exception {
        ProcessInfo talk = instances(TALK).get(0);
        openView(admin.username(), admin.password());

        click(By.id("logs-" + talk.getId()));
        By tail = By.id("log-tail");
        wait.until(ExpectedConditions.presenceOfElementLocated(tail));
        String marker = "fresh-line-" + System.nanoTime();
        JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), ObjectNames.process(TALK, talk.getId()),
                ProcessMXBean.class).sendLineToStdin(marker);
        // No click: the panel reads the tail again by itself.
        wait.until(ExpectedConditions.textToBePresentInElementLocated(tail, "stdin: " + marker));
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})",
                driver.findElement(By.id("log-panel")));
        screenshot("supervisor-logs.png");

        assertThat(driver.findElement(By.id("log-panel")).getText()).contains(TALK + " #0");
    }

    @Test
    void viewerSeesEveryActionAndTheLogsDisabled() throws Exception {
        Set<Long> before = pids(WEB);
        openView(VIEWER, VIEWER_PASSWORD);

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("read-only-notice")));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("app-row-" + WEB)));
        List<WebElement> actions = driver.findElements(By.cssSelector("button[id^='action-']"));
        List<WebElement> logs = driver.findElements(By.cssSelector("button[id^='logs-']"));
        screenshot("supervisor-viewer.png");

        assertThat(actions).hasSizeGreaterThanOrEqualTo(5 * 4);
        assertThat(actions).allSatisfy(b -> assertThat(b.isEnabled()).as(b.getAttribute("id")).isFalse());
        assertThat(logs).isNotEmpty().allSatisfy(b -> assertThat(b.isEnabled()).isFalse());
        assertThat(pids(WEB)).isEqualTo(before);
    }

    // ---- helpers ----

    private List<ProcessInfo> instances(String app) {
        return daemon.list().stream().filter(p -> p.getName().equals(app)).toList();
    }

    private Set<Long> pids(String app) {
        return instances(app).stream().filter(p -> p.getStatus().equals("online")).map(ProcessInfo::getPid)
                .collect(Collectors.toSet());
    }

    /** Waits until {@code app} has exactly {@code count} instances, all in {@code status}; returns their pids. */
    private Set<Long> awaitStatus(String app, String status, int count) {
        await(app + ": " + count + " " + status).atMost(Duration.ofSeconds(60)).until(() -> {
            List<ProcessInfo> all = instances(app);
            return all.size() == count && all.stream().allMatch(p -> p.getStatus().equals(status));
        });
        return instances(app).stream().map(ProcessInfo::getPid).collect(Collectors.toSet());
    }

    /** Logs in (if not already as this user) and opens the Supervisor view from hawtio's navigation. */
    private void openView(String user, String password) throws IOException {
        openBrowser();
        if (!user.equals(loggedInAs)) {
            loggedInAs = null;
            String loginUrl = consoleUrl + "login";
            driver.get(loginUrl);
            driver.manage().deleteAllCookies();
            driver.get("about:blank");
            driver.get(loginUrl);
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("pf-login-username-id"))).sendKeys(user);
            driver.findElement(By.id("pf-login-password-id")).sendKeys(password);
            click(By.cssSelector("button[type=submit]"));
            wait.until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));
            loggedInAs = user;
        } else {
            driver.get(consoleUrl);
        }
        // The entry hawtio's navigation got from our plugin, then the view itself.
        click(By.xpath("//nav//a[normalize-space()='Supervisor']"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("supervisor-apps")));
    }

    private void openBrowser() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM), "no browser: " + CHROMIUM + " is not installed");
        assumeTrue(Files.isExecutable(CHROMEDRIVER), "no driver: " + CHROMEDRIVER + " is not installed");
        if (driver != null) {
            return;
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1600,1000",
                "--user-data-dir=" + Files.createTempDirectory(daemon.home(), "chromium-profile"));
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(60));
    }

    private void click(By target) {
        try {
            wait.until(ExpectedConditions.elementToBeClickable(target)).click();
        } catch (TimeoutException e) {
            throw new AssertionError("not clickable: " + target + "; page: " + driver.getPageSource(), e);
        }
    }

    /** Into the build directory; the README's copies live in docs/screenshots/. */
    private void screenshot(String name) throws IOException {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }
}
