package dev.supervisor.management.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.supervisor.management.Credentials;
import dev.supervisor.mbeans.AppMXBean;
import dev.supervisor.mbeans.GodMXBean;
import dev.supervisor.mbeans.ObjectNames;
import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.mbeans.ReloadResult;
import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.Http;
import dev.supervisor.testing.TestDaemon;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.Attribute;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
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
 * The hawtio console, its Jolokia and the remote JMX connector of a real daemon (God, MBean registrar, Jolokia
 * agent, console and connector as {@code Daemon} wires them), managing a real app: two fixture processes behind
 * the supervisor's HTTP front. Only one daemon lives at a time in a JVM (the MBean names are fixed), hence one
 * nested class per daemon; they run one after the other.
 */
class ConsoleOnRealDaemonTest {
    static final String APP = "web";
    static final String VIEWER = "viewer";
    static final String VIEWER_PASSWORD = "viewer-secret";

    /** One daemon with the console and remote JMX, shared by every test of this class. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RunningDaemon {
        private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
        private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
        private static final By RELOAD_DETAILS =
                By.cssSelector("li[aria-labelledby='operation reload()'] button[aria-label='Details']");
        private static final By RELOAD_EXECUTE =
                By.xpath("//section[@id='operation-execute-reload()']//button[normalize-space()='Execute']");
        private static final By RELOAD_RESULT = By.cssSelector("section[id='operation-result-reload()'] pre");
        private static final By CONTENT = By.id("jmx-content-main");

        TestDaemon daemon;
        String consoleUrl;
        Credentials admin;
        int frontPort;

        /** One browser for the class (starting one and loading hawtio take seconds); see {@link #logIn}. */
        ChromeDriverService service;
        WebDriver driver;
        WebDriverWait wait;
        String loggedInAs;

        @BeforeAll
        void startDaemonAndApp() throws IOException {
            daemon = TestDaemon.start(TestDaemon.Options.defaults().withConsole().withJmx());
            frontPort = Fixtures.freePort();
            Map<String, Object> web = Fixtures.app(APP, "listen");
            web.put("port", frontPort);
            web.put("instances", 2);
            web.put("listen_timeout", "20s");
            daemon.godBean().start(Fixtures.appsFile(daemon.home().resolve("apps"), web).toString());
            consoleUrl = daemon.awaitConsoleUp();
            admin = Credentials.load(daemon.daemon().settings().credentialsFile());
            // The login module and the JMX authenticator read the file at every login: no restart needed.
            Files.writeString(daemon.daemon().settings().credentialsFile(),
                    "viewer.username=" + VIEWER + "\nviewer.password=" + VIEWER_PASSWORD + "\n",
                    StandardOpenOption.APPEND);
            awaitOnline();
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

        // ---- browser ----

        @Test
        void adminReloadsTheRealAppFromTheOperationsTab() throws Exception {
            Set<Long> before = awaitOnline();

            openBrowser();
            logIn(admin.username(), admin.password());
            openInJmxTree("App", APP);
            openTab("Attributes");
            expand("supervisor-folder-Process-folder");
            expand("supervisor-folder-Process-folder-" + APP + "-folder");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(CONTENT, before.iterator().next().toString()));
            screenshot("hawtio-jmx-tree.png");

            openReloadOperation();
            click(RELOAD_EXECUTE);
            WebElement result = wait.until(ExpectedConditions.visibilityOfElementLocated(RELOAD_RESULT));
            // reload() answers once the reload is over: then the page shows its result, or the error.
            wait.until(ExpectedConditions.or(
                    ExpectedConditions.textToBePresentInElementLocated(RELOAD_RESULT, "\"outcome\""),
                    ExpectedConditions.textToBePresentInElementLocated(RELOAD_RESULT, "Exception")));
            assertThat(result.getText()).contains("\"outcome\": \"done\"");
            ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", result);
            screenshot("hawtio-reload.png");

            Set<Long> after = awaitOnline();
            assertThat(after).hasSize(2).doesNotContainAnyElementsOf(before);
            assertThat(result.getText()).contains("\"replaced\": 2", "\"app\": \"" + APP + "\"");
            assertThat(daemon.appBean(APP).getLastReload().getOutcome()).isEqualTo("done");
        }

        @Test
        void adminSeesLiveInstancesInTheAppAndProcessAttributes() throws Exception {
            Set<Long> pids = awaitOnline();
            ProcessInfo first = daemon.process(APP, 0);

            openBrowser();
            logIn(admin.username(), admin.password());
            openInJmxTree("App", APP);
            openTab("Attributes");
            for (Long pid : pids) {
                wait.until(ExpectedConditions.textToBePresentInElementLocated(CONTENT, pid.toString()));
            }
            wait.until(ExpectedConditions.textToBePresentInElementLocated(CONTENT, "online 2/2"));
            WebElement status = wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.xpath("//*[@id='jmx-content-main']//td[normalize-space()='Status']")));
            ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'end'})", status);
            screenshot("hawtio-app-attributes.png");

            openInJmxTree("Process", APP, "0");
            openTab("Attributes");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(CONTENT, Long.toString(first.getPid())));
            String shown = driver.findElement(CONTENT).getText();
            screenshot("hawtio-process.png");

            assertThat(shown).contains("Pid", "Status", "online", "Restarts", "UptimeMillis");
        }

        @Test
        void viewerSeesReloadLockedAndCannotRunIt() throws Exception {
            Set<Long> before = awaitOnline();

            openBrowser();
            logIn(VIEWER, VIEWER_PASSWORD);
            openInJmxTree("App", APP);
            openReloadOperation();
            WebElement execute = wait.until(ExpectedConditions.visibilityOfElementLocated(RELOAD_EXECUTE));
            screenshot("hawtio-viewer-read-only.png");

            assertThat(execute.isEnabled()).isFalse();
            assertThat(execute.getAttribute("aria-disabled")).isEqualTo("true");
            assertThat(onlinePids()).isEqualTo(before);
        }

        // ---- console over HTTP ----

        @Test
        void loginGivesASessionWhoseJolokiaReadsTheGod() throws Exception {
            ConsoleClient client = new ConsoleClient(consoleUrl);

            HttpResponse<String> login = client.login(admin.username(), admin.password());
            JsonNode god = client.jolokia("read/supervisor:type=God");

            assertThat(login.statusCode()).isEqualTo(200);
            assertThat(login.headers().firstValue("Set-Cookie")).hasValueSatisfying(
                    cookie -> assertThat(cookie).startsWith("JSESSIONID=").contains("HttpOnly"));
            assertThat(login.body()).contains("\"admin\"", "dev.supervisor.management.RolePrincipal");
            assertThat(god.path("status").asInt()).as(god.toString()).isEqualTo(200);
            assertThat(god.path("value").path("AppNames")).extracting(JsonNode::asText).containsExactly(APP);
            assertThat(god.path("value").path("Pid").asLong()).isEqualTo(ProcessHandle.current().pid());
            assertThat(god.path("value").path("ConsoleStatus").asText()).isEqualTo("up at " + consoleUrl);
        }

        @Test
        void wrongPasswordIsRefused() throws Exception {
            ConsoleClient client = new ConsoleClient(consoleUrl);

            assertThat(client.login(admin.username(), admin.password() + "-wrong").statusCode()).isEqualTo(403);
            assertThat(client.hasSessionCookie()).isFalse();
        }

        @Test
        void anonymousPageRedirectsToLoginAndJolokiaRefuses() throws Exception {
            ConsoleClient anonymous = new ConsoleClient(consoleUrl);

            HttpResponse<String> page = anonymous.get("/");

            assertThat(page.statusCode()).isEqualTo(302);
            assertThat(page.headers().firstValue("Location")).hasValue("/hawtio/login");
            assertThat(anonymous.get("/jolokia/read/supervisor:type=God").statusCode()).isIn(401, 403);
            assertThat(anonymous.get("/jolokia/exec/supervisor:type=App,name=" + APP + "/reload()").statusCode())
                    .isIn(401, 403);
        }

        @Test
        void viewerReadsTheRealAppButCannotReloadIt() throws Exception {
            Set<Long> before = awaitOnline();
            ConsoleClient viewer = loggedIn(VIEWER, VIEWER_PASSWORD);
            ConsoleClient adminClient = loggedIn(admin.username(), admin.password());
            String app = "supervisor:type=App,name=" + APP;
            String canInvoke = "exec/" + ConsoleAccessControl.OBJECT_NAME + "/canInvoke(java.lang.String)/" + app;

            JsonNode pids = viewer.jolokia("read/" + app + "/Pids");
            JsonNode reload = viewer.jolokia("exec/" + app + "/reload()");
            JsonNode scale = viewer.jolokia("exec/" + app + "/scale(int)/1");

            assertThat(pids.path("status").asInt()).isEqualTo(200);
            assertThat(pids.path("value")).extracting(JsonNode::asLong).containsExactlyInAnyOrderElementsOf(before);
            assertThat(reload.path("status").asInt()).as(reload.toString()).isEqualTo(403);
            assertThat(scale.path("status").asInt()).as(scale.toString()).isEqualTo(403);
            assertThat(viewer.jolokia(canInvoke).path("value").asBoolean()).isFalse();
            assertThat(adminClient.jolokia(canInvoke).path("value").asBoolean()).isTrue();
            assertThat(onlinePids()).isEqualTo(before);
            assertThat(daemon.list()).filteredOn(p -> p.getName().equals(APP)).hasSize(2);
        }

        @Test
        void credentialEditsApplyAtTheNextLogin() throws Exception {
            Path file = daemon.daemon().settings().credentialsFile();
            String original = Files.readString(file);
            try {
                Files.writeString(file, original + "viewer.username=auditor\nviewer.password=fresh\n");
                assertThat(new ConsoleClient(consoleUrl).login("auditor", "fresh").statusCode()).isEqualTo(200);
                assertThat(new ConsoleClient(consoleUrl).login(VIEWER, VIEWER_PASSWORD).statusCode()).isEqualTo(403);
            } finally {
                Files.writeString(file, original);
            }
            assertThat(new ConsoleClient(consoleUrl).login("auditor", "fresh").statusCode()).isEqualTo(403);
            assertThat(new ConsoleClient(consoleUrl).login(VIEWER, VIEWER_PASSWORD).statusCode()).isEqualTo(200);
        }

        @Test
        void theDaemonsAccessPolicyAppliesToTheConsolesJolokia() throws Exception {
            ConsoleClient client = loggedIn(admin.username(), admin.password());

            JsonNode diagnostic = client.jolokia("exec/com.sun.management:type=DiagnosticCommand/vmVersion()");
            JsonNode write = client.jolokia("write/java.lang:type=Memory/Verbose/true");
            JsonNode read = client.jolokia("read/java.lang:type=Memory/Verbose");

            assertThat(diagnostic.path("status").asInt()).as(diagnostic.toString()).isEqualTo(403);
            assertThat(write.path("status").asInt()).as(write.toString()).isEqualTo(403);
            assertThat(read.path("status").asInt()).as(read.toString()).isEqualTo(200);
        }

        @Test
        void theDaemonsOwnJolokiaAgentAnswersNextToHawtio() throws Exception {
            Http.Response agent = Http.get(daemon.jolokiaUrl() + "/version", admin.username(), admin.password());
            Http.Response god = Http.get(daemon.jolokiaUrl() + "/read/supervisor:type=God/AppNames",
                    admin.username(), admin.password());
            JsonNode hawtiosAgent = loggedIn(admin.username(), admin.password()).jolokia("version");

            assertThat(agent.status()).isEqualTo(200);
            assertThat(agent.body()).contains("\"agent\":\"2.6.0\"");
            assertThat(god.body()).contains("\"value\":[\"" + APP + "\"]");
            assertThat(hawtiosAgent.path("value").path("agent").asText()).isEqualTo("2.1.1");
        }

        // ---- remote JMX ----

        @Test
        void adminReloadsTheRealAppOverRemoteJmx() throws Exception {
            Set<Long> before = awaitOnline();
            try (JMXConnector jmx = connect(admin.username(), admin.password())) {
                AppMXBean remote = JMX.newMXBeanProxy(jmx.getMBeanServerConnection(), ObjectNames.app(APP),
                        AppMXBean.class);

                ReloadResult result = remote.reload();

                assertThat(result.getOutcome()).as(result.toString()).isEqualTo("done");
                assertThat(result.getReplaced()).isEqualTo(2);
                Set<Long> after = awaitOnline();
                assertThat(after).doesNotContainAnyElementsOf(before);
                assertThat(remote.getPids()).containsExactlyInAnyOrderElementsOf(after);
                assertThat(Http.get("http://127.0.0.1:" + frontPort + "/").body().trim())
                        .isIn(after.stream().map(pid -> "pid " + pid).toList());
            }
        }

        @Test
        void wrongOrMissingCredentialsAreRefused() {
            assertThatThrownBy(() -> connect(admin.username(), admin.password() + "-wrong"))
                    .isInstanceOf(SecurityException.class)
                    .hasMessageContaining("Authentication failed");
            assertThatThrownBy(() -> JMXConnectorFactory.connect(serviceUrl()))
                    .isInstanceOf(SecurityException.class)
                    .hasMessageContaining("Authentication failed");
        }

        @Test
        void viewerReadsOverJmxButCannotInvokeOrWrite() throws Exception {
            Set<Long> before = awaitOnline();
            try (JMXConnector jmx = connect(VIEWER, VIEWER_PASSWORD)) {
                MBeanServerConnection connection = jmx.getMBeanServerConnection();
                AppMXBean remote = JMX.newMXBeanProxy(connection, ObjectNames.app(APP), AppMXBean.class);

                assertThat(remote.getPids()).containsExactlyInAnyOrderElementsOf(before);
                assertThatThrownBy(remote::reload).isInstanceOf(SecurityException.class)
                        .hasMessageContaining("read-only");
                assertThatThrownBy(() -> connection.setAttribute(new ObjectName("java.lang:type=Memory"),
                        new Attribute("Verbose", true))).isInstanceOf(SecurityException.class);
                assertThatThrownBy(() -> connection.unregisterMBean(ObjectNames.app(APP)))
                        .isInstanceOf(SecurityException.class);
            }
            assertThat(onlinePids()).isEqualTo(before);
        }

        @Test
        void theGodReportsWhereJmxAndTheConsoleListen() throws Exception {
            int port = daemon.daemon().settings().jmxPort();
            try (JMXConnector jmx = connect(admin.username(), admin.password())) {
                GodMXBean god = JMX.newMXBeanProxy(jmx.getMBeanServerConnection(), ObjectNames.god(), GodMXBean.class);

                assertThat(god.getJmxStatus()).isEqualTo("up at service:jmx:rmi://127.0.0.1:" + port
                        + "/jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
                assertThat(god.getConsoleStatus()).isEqualTo("up at " + consoleUrl);
                assertThat(god.getAppNames()).containsExactly(APP);
            }
        }

        // ---- helpers ----

        private JMXServiceURL serviceUrl() throws IOException {
            return new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:"
                    + daemon.daemon().settings().jmxPort() + "/jmxrmi");
        }

        private JMXConnector connect(String user, String password) throws IOException {
            return JMXConnectorFactory.connect(serviceUrl(),
                    Map.of(JMXConnector.CREDENTIALS, new String[] {user, password}));
        }

        private ConsoleClient loggedIn(String user, String password) throws Exception {
            ConsoleClient client = new ConsoleClient(consoleUrl);
            assertThat(client.login(user, password).statusCode()).as("login of %s", user).isEqualTo(200);
            return client;
        }

        private Set<Long> onlinePids() {
            return daemon.list().stream().filter(p -> p.getName().equals(APP) && p.getStatus().equals("online"))
                    .map(ProcessInfo::getPid).collect(Collectors.toSet());
        }

        /** The two online instances, once a reload in progress (old ones draining) has settled. */
        private Set<Long> awaitOnline() {
            await("2 online instances of " + APP).atMost(Duration.ofSeconds(60)).until(() ->
                    onlinePids().size() == 2 && daemon.list().stream().filter(p -> p.getName().equals(APP)).count() == 2);
            return onlinePids();
        }

        /** Starts the class's browser on first use; skips the test when there is no Chromium or driver. */
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
                    "--no-first-run", "--window-size=1400,1000",
                    "--user-data-dir=" + Files.createTempDirectory(daemon.home(), "chromium-profile"));
            service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort()
                    .build();
            driver = new ChromeDriver(service, options);
            wait = new WebDriverWait(driver, Duration.ofSeconds(60));
        }

        /** Logs in through hawtio's login page, unless the browser's session is already this user's. */
        private void logIn(String user, String password) {
            if (user.equals(loggedInAs)) {
                return;
            }
            loggedInAs = null;
            String loginUrl = consoleUrl.endsWith("/") ? consoleUrl + "login" : consoleUrl + "/login";
            // Cookies can only be deleted on the console's own origin; then leave the console page before coming
            // back, or its scripts, finding the session gone, navigate to /hawtio/auth/logout and race ours.
            driver.get(loginUrl);
            driver.manage().deleteAllCookies();
            driver.get("about:blank");
            driver.get(loginUrl);
            wait.until(ExpectedConditions.urlContains("/hawtio/login"));
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("pf-login-username-id"))).sendKeys(user);
            driver.findElement(By.id("pf-login-password-id")).sendKeys(password);
            click(By.cssSelector("button[type=submit]"));
            wait.until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));
            loggedInAs = user;
        }

        /** Opens {@code supervisor > folders... > leaf} in the JMX tree, e.g. ("App", "web") or ("Process", "web", "0"). */
        private void openInJmxTree(String... path) {
            if (driver.findElements(By.id("supervisor-folder")).isEmpty()) {
                click(By.xpath("//a[normalize-space()='JMX']"));
            }
            String id = "supervisor-folder";
            expand(id);
            for (int i = 0; i < path.length - 1; i++) {
                id += "-" + path[i] + "-folder";
                expand(id);
            }
            id += "-" + path[path.length - 1];
            click(By.cssSelector("#" + id + " .pf-v5-c-tree-view__node-text"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("jmx-content-header"), objectName(path)));
        }

        private static String objectName(String... path) {
            return path[0].equals("App") ? ObjectNames.app(path[1]).toString()
                    : ObjectNames.process(path[1], Integer.parseInt(path[2])).toString();
        }

        private void openTab(String name) {
            click(By.xpath("//a[normalize-space()='" + name + "'] | //button[normalize-space()='" + name + "']"));
        }

        private void expand(String id) {
            WebElement node = wait.until(ExpectedConditions.presenceOfElementLocated(By.id(id)));
            if (!"true".equals(node.getAttribute("aria-expanded"))) {
                click(By.cssSelector("#" + id + " > .pf-v5-c-tree-view__content .pf-v5-c-tree-view__node-toggle"));
            }
        }

        /** The Operations tab with reload() expanded (Details toggles: expand it only if it is not yet). */
        private void openReloadOperation() {
            openTab("Operations");
            WebElement details = wait.until(ExpectedConditions.elementToBeClickable(RELOAD_DETAILS));
            if (driver.findElements(RELOAD_EXECUTE).stream().noneMatch(WebElement::isDisplayed)) {
                details.click();
            }
        }

        private void click(By target) {
            try {
                wait.until(ExpectedConditions.elementToBeClickable(target)).click();
            } catch (TimeoutException e) {
                throw new AssertionError("not clickable: " + target + "; page: " + driver.getPageSource(), e);
            }
        }

        private void screenshot(String name) throws IOException {
            // Into the build directory: a test run must not rewrite the repository; the README's copies are in docs/.
            Path dir = Path.of("target", "screenshots");
            Files.createDirectories(dir);
            Files.write(dir.resolve(name), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        }
    }

    /** The console port is taken: the console is down and says why, everything else works. */
    @Nested
    class ConsolePortTaken {
        @Test
        void consoleIsDownNamingThePortWhileTheGodStillAnswers() throws Exception {
            try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 TestDaemon daemon = TestDaemon.start(TestDaemon.Options.defaults()
                         .withConsoleOnPort(taken.getLocalPort()))) {
                int port = taken.getLocalPort();

                String status = daemon.awaitConsoleSettled();

                assertThat(status).isEqualTo("down: console port " + port + " on 127.0.0.1 is already in use");
                assertThat(daemon.godBean().getConsoleStatus()).isEqualTo(status);
                daemon.godBean().start(Fixtures.appsFile(daemon.home().resolve("apps"), Fixtures.app("worker"))
                        .toString());
                await().atMost(Duration.ofSeconds(60)).until(() -> daemon.list().stream()
                        .anyMatch(p -> p.getName().equals("worker") && p.getStatus().equals("online")));
                Http.Response god = Http.get(daemon.jolokiaUrl() + "/read/supervisor:type=God/ConsoleStatus",
                        daemon.user(), daemon.password());
                assertThat(god.status()).isEqualTo(200);
                assertThat(god.body()).contains("already in use");
                assertThat(daemon.godBean().list()).extracting(ProcessInfo::getName).containsExactly("worker");
            }
        }
    }
}
