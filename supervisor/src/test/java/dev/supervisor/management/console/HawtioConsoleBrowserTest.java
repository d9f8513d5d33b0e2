package dev.supervisor.management.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.supervisor.config.DaemonSettings;
import dev.supervisor.management.DemoApp;
import dev.supervisor.management.TestHome;
import dev.supervisor.mbeans.ObjectNames;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A real (headless) browser drives hawtio: log in, find the app in the JMX tree, run reload(). */
class HawtioConsoleBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final By RELOAD_DETAILS =
            By.cssSelector("li[aria-labelledby='operation reload()'] button[aria-label='Details']");
    private static final By RELOAD_EXECUTE =
            By.xpath("//section[@id='operation-execute-reload()']//button[normalize-space()='Execute']");
    private static final By RELOAD_RESULT = By.cssSelector("section[id='operation-result-reload()'] pre");

    @TempDir
    static Path home;

    static HawtioConsole console;
    static DemoApp app;

    ChromeDriverService service;
    WebDriver driver;
    WebDriverWait wait;

    @BeforeAll
    static void startConsole() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "no browser: " + CHROMIUM + " is not installed");
        assumeTrue(Files.isExecutable(CHROMEDRIVER), "no driver: " + CHROMEDRIVER + " is not installed");
        app = registerApp();
        DaemonSettings settings = TestHome.create(home, 0);
        console = new HawtioConsole(settings, HawtioConsole.locateWar(settings.installDir()), null);
        console.startAsync().get(2, TimeUnit.MINUTES);
    }

    /** The MBeans the browser works on; to be replaced by a running daemon with a real app named demo. */
    static DemoApp registerApp() throws Exception {
        return DemoApp.register("demo");
    }

    @AfterAll
    static void stopConsole() throws Exception {
        if (console != null) {
            console.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @BeforeEach
    void openBrowser() throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1400,900",
                "--user-data-dir=" + Files.createTempDirectory(home, "chromium-profile"));
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(60));
    }

    @AfterEach
    void closeBrowser() {
        if (driver != null) {
            driver.quit();
        }
        if (service != null) {
            service.stop();
        }
    }

    @Test
    void adminReloadsTheAppFromTheOperationsTab() throws Exception {
        List<Long> before = pidsFromMBeanServer();

        logIn(TestHome.ADMIN, TestHome.ADMIN_PASSWORD);
        openDemoInJmxTree();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("jmx-content-main"),
                before.get(0).toString()));
        screenshot("hawtio-jmx-tree.png");

        openReloadOperation();
        click(RELOAD_EXECUTE);
        WebElement result = wait.until(ExpectedConditions.visibilityOfElementLocated(RELOAD_RESULT));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(RELOAD_RESULT, "\"outcome\": \"done\""));
        List<Long> after = pidsFromMBeanServer();
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", result);
        screenshot("hawtio-reload.png");

        assertThat(after).hasSize(before.size()).doesNotContainAnyElementsOf(before);
        assertThat(result.getText()).contains("\"replaced\": 2", "replaced " + before + " by " + after);
    }

    @Test
    void viewerSeesReloadLockedAndCannotRunIt() throws Exception {
        List<Long> before = pidsFromMBeanServer();

        logIn(TestHome.VIEWER, TestHome.VIEWER_PASSWORD);
        openDemoInJmxTree();
        openReloadOperation();
        WebElement execute = wait.until(ExpectedConditions.visibilityOfElementLocated(RELOAD_EXECUTE));
        screenshot("hawtio-viewer-read-only.png");

        assertThat(execute.isEnabled()).isFalse();
        assertThat(execute.getAttribute("aria-disabled")).isEqualTo("true");
        assertThat(pidsFromMBeanServer()).isEqualTo(before);
    }

    private void logIn(String user, String password) {
        driver.get(console.url());
        wait.until(ExpectedConditions.urlContains("/hawtio/login"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("pf-login-username-id"))).sendKeys(user);
        driver.findElement(By.id("pf-login-password-id")).sendKeys(password);
        click(By.cssSelector("button[type=submit]"));
        wait.until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));
    }

    private void openDemoInJmxTree() {
        click(By.xpath("//a[normalize-space()='JMX']"));
        click(By.cssSelector("#supervisor-folder .pf-v5-c-tree-view__node-toggle"));
        click(By.cssSelector("#supervisor-folder-App-folder .pf-v5-c-tree-view__node-toggle"));
        click(By.cssSelector("#supervisor-folder-App-folder-demo .pf-v5-c-tree-view__node-text"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("jmx-content-header"),
                "supervisor:type=App,name=demo"));
    }

    private void openReloadOperation() {
        click(By.xpath("//a[normalize-space()='Operations']"));
        click(RELOAD_DETAILS);
    }

    private void click(By target) {
        wait.until(ExpectedConditions.elementToBeClickable(target)).click();
    }

    private static List<Long> pidsFromMBeanServer() throws Exception {
        Object pids = ManagementFactory.getPlatformMBeanServer().getAttribute(ObjectNames.app("demo"), "Pids");
        return List.of((Long[]) pids);
    }

    private void screenshot(String name) throws IOException {
        Path dir = repositoryRoot().resolve("docs/screenshots");
        Files.createDirectories(dir);
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Surefire runs in the module directory; the screenshots belong to the repository's docs. */
    private static Path repositoryRoot() {
        Path module = Path.of("").toAbsolutePath();
        Path parent = module.getParent();
        return parent != null && Files.exists(parent.resolve("pom.xml")) ? parent : module;
    }
}
