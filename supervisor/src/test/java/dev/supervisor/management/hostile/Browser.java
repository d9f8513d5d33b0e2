package dev.supervisor.management.hostile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Headless Debian chromium, driven the way ConsoleOnRealDaemonTest drives it. */
final class Browser implements AutoCloseable {
    private final ChromeDriverService service;
    private final WebDriver driver;
    private final WebDriverWait wait;

    Browser(Path chromium, Path chromedriver, Path home) throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1200,900",
                "--user-data-dir=" + Files.createTempDirectory(home, "chromium-profile"));
        service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(60));
    }

    /** Through hawtio's own login form: its scripts post the credentials as JSON from the console's origin. */
    void logInToConsole(String consoleBase, String user, String password) {
        driver.get(consoleBase + "/login");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("pf-login-username-id"))).sendKeys(user);
        driver.findElement(By.id("pf-login-password-id")).sendKeys(password);
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));
    }

    Cookie cookie(String name) {
        return driver.manage().getCookieNamed(name);
    }

    void open(String url) {
        driver.get(url);
    }

    void awaitUrlStartsWith(String prefix) {
        wait.until(d -> d.getCurrentUrl().startsWith(prefix)
                && "complete".equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    void awaitTitle(String title) {
        wait.until(ExpectedConditions.titleIs(title));
    }

    String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    @Override
    public void close() {
        driver.quit();
        service.stop();
    }
}
