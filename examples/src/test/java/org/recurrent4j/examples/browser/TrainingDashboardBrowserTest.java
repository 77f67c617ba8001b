package org.recurrent4j.examples.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.ui.api.UIServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.recurrent4j.examples.Recurrent4jCli;

/**
 * {@code --ui}: DL4J's training dashboard, opened in a real browser (headless Chromium) while a
 * training command runs; the score chart's data is read from the page, and the model page's graph
 * names recurrent4j's layers. The dashboard's page error on DL4J 1.0.0-M2.1 with Vert.x 3.9.0 (a
 * NullPointerException in the router, deeplearning4j #9428) would leave the chart empty.
 */
class TrainingDashboardBrowserTest {

    @AfterEach
    void stopTheDashboard() throws Exception {
        UIServer.stopInstance();
    }

    @Test
    void theDashboardShowsTheScoreChartOfATrainingWhileItRuns(@TempDir Path out) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        Path text = out.resolve("text.txt");
        Files.writeString(text, "the quick brown fox jumps over the lazy dog.\n".repeat(400), StandardCharsets.UTF_8);
        // A time budget, so the run lasts as long on a busy machine as on a quiet one: long enough to look.
        String[] args = {
            "char-rnn",
            "train",
            "--ui",
            "--ui-port",
            Integer.toString(port),
            "--out",
            out.resolve("run").toString(),
            "--text",
            text.toString(),
            "--layers",
            "1",
            "--hidden",
            "32",
            "--seq-length",
            "40",
            "--tbptt",
            "20",
            "--batch",
            "16",
            "--minutes",
            "0.5",
            "--checkpoint-every",
            "0",
            "--quiet"
        };
        CompletableFuture<Integer> training = CompletableFuture.supplyAsync(() -> Recurrent4jCli.run(
                args,
                new PrintStream(printed, true, StandardCharsets.UTF_8),
                new PrintStream(errors, true, StandardCharsets.UTF_8)));
        URI overview = URI.create("http://localhost:" + port + "/train/overview");
        awaitAnswer(overview, training);
        try (Browser browser = Browser.start()) {
            WebDriver page = browser.driver();
            page.get(overview.toString());
            JavascriptExecutor js = (JavascriptExecutor) page;
            // The page draws the chart from /train/overview/data (a point every 10 iterations, DL4J's default)
            // and redraws it as training goes on.
            List<?> points = browser.await(Duration.ofSeconds(60), d -> {
                Object data = js.executeScript("var plot = window.$ && $('#scoreiterchart').data('plot');"
                        + " return plot ? plot.getData()[0].data : null;");
                return data instanceof List<?> list && list.size() >= 2 ? list : null;
            });
            assertTrue(!training.isDone(), "the training had ended before the chart was read");
            for (Object point : points) {
                List<?> xy = (List<?>) point;
                double score = ((Number) xy.get(1)).doubleValue();
                assertTrue(Double.isFinite(score) && score > 0, "score " + score);
            }
            // The model page's graph lists the network's layers, recurrent4j's LSTM among them.
            Object graph = js.executeAsyncScript("var done = arguments[arguments.length - 1];"
                    + " fetch('/train/model/graph').then(r => r.text()).then(done, e => done('failed: ' + e));");
            assertTrue(graph.toString().contains("Lstm"), graph.toString());
        }
        assertEquals(0, training.get(5, TimeUnit.MINUTES), errors.toString(StandardCharsets.UTF_8));
        assertTrue(
                printed.toString(StandardCharsets.UTF_8).contains("training dashboard: " + overview),
                printed.toString());
    }

    private static void awaitAnswer(URI uri, CompletableFuture<Integer> training) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            if (training.isDone()) {
                throw new AssertionError("the command ended before its dashboard answered: status " + training.get());
            }
            try {
                HttpResponse<String> response =
                        client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the dashboard did not answer at " + uri + " within 120 s");
            }
            Thread.sleep(100);
        }
    }
}
