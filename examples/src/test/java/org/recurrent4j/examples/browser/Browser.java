package org.recurrent4j.examples.browser;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium for the browser tests, driven through Selenium with Debian's {@code chromium}
 * and {@code chromedriver} (or those named by the {@code CHROMIUM} and {@code CHROMEDRIVER}
 * environment variables). Without them a test fails with one line saying what to install: CI
 * ({@code .ci/run}) installs them, and a browser test never passes by being skipped.
 *
 * <p>Chromium starts with a fresh profile and without its background networking (updates, sync,
 * component downloads), which a machine without internet access would refuse anyway.
 */
public final class Browser implements AutoCloseable {

    private final WebDriver driver;
    private final Path profile;

    private Browser(WebDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts headless Chromium. */
    public static Browser start() throws IOException {
        Path chromium = executable("CHROMIUM", "/usr/bin/chromium");
        Path chromedriver = executable("CHROMEDRIVER", "/usr/bin/chromedriver");
        Path profile = Files.createTempDirectory("recurrent4j-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1200,1600",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .build();
        return new Browser(new ChromeDriver(service, options), profile);
    }

    private static Path executable(String variable, String fallback) {
        String named = System.getenv(variable);
        Path path = Path.of(named == null || named.isBlank() ? fallback : named);
        if (!Files.isExecutable(path)) {
            throw new AssertionError("the browser tests need headless Chromium and its driver: no " + path
                    + (named == null ? "" : " (from $" + variable + ")")
                    + "; install Debian's packages as root: apt-get install -y chromium chromium-driver"
                    + " (.ci/run does), or set CHROMIUM and CHROMEDRIVER");
        }
        return path;
    }

    public WebDriver driver() {
        return driver;
    }

    /** Waits up to {@code timeout} for {@code condition} to give a non-null, non-false value. */
    public <T> T await(Duration timeout, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(20)).until(condition::apply);
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .map(Path::toFile)
                        .forEach(File::delete);
            }
        }
    }
}
