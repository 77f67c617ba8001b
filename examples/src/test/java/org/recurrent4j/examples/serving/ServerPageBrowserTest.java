package org.recurrent4j.examples.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.recurrent4j.examples.browser.Browser;
import org.recurrent4j.serving.ModelServer;

/**
 * The server's web page in a real browser (headless Chromium): a person types a sentence and sees
 * its sentiment with probabilities, types a prime and watches the generated text stream in, and
 * decodes a sum.
 */
class ServerPageBrowserTest {

    @Test
    void aPersonClassifiesASentenceWatchesTextStreamInAndDecodesASum(@TempDir Path runs) throws Exception {
        try (ModelServer server = ServeCommandTest.start(
                        "--port", "0",
                        "--model",
                                TinyModels.sentiment(runs.resolve("sentiment")).toString(),
                        "--model", TinyModels.charRnn(runs.resolve("char-rnn")).toString(),
                        "--model", TinyModels.seq2seq(runs.resolve("seq2seq")).toString());
                Browser browser = Browser.start()) {
            WebDriver page = browser.driver();
            page.get(server.uri().toString());
            browser.await(Duration.ofSeconds(30), d -> "ready"
                    .equals(d.findElement(By.id("models")).getAttribute("data-state")));
            assertEquals(3, page.findElements(By.cssSelector("section.card")).size());

            // Sentiment: a label and a probability bar per label, summing to 1.
            page.findElement(By.id("sentiment-classify-input")).sendKeys("a fine and moving film");
            page.findElement(By.id("sentiment-classify-run")).click();
            WebElement result = page.findElement(By.id("sentiment-classify-output"));
            browser.await(Duration.ofSeconds(30), d -> "done".equals(result.getAttribute("data-state")));
            List<WebElement> bars = result.findElements(By.cssSelector(".bar"));
            assertEquals(2, bars.size());
            double total = 0;
            for (WebElement bar : bars) {
                total += Double.parseDouble(bar.getAttribute("data-probability"));
            }
            assertEquals(1.0, total, 1e-4);
            String label = page.findElement(By.id("sentiment-classify-label")).getText();
            assertTrue(label.equals("label: negative") || label.equals("label: positive"), label);

            // Generation: the text grows while the stream runs, then holds the prime and every character.
            page.findElement(By.id("char-rnn-generate-input")).sendKeys("the ");
            WebElement length = page.findElement(By.id("char-rnn-generate-length"));
            length.clear();
            length.sendKeys("2000");
            page.findElement(By.id("char-rnn-generate-run")).click();
            WebElement text = page.findElement(By.id("char-rnn-generate-output"));
            int partial = browser.await(Duration.ofSeconds(60), d -> {
                int events = Integer.parseInt(text.getAttribute("data-events"));
                return events > 0 && events < 2000 && "running".equals(text.getAttribute("data-state")) ? events : null;
            });
            browser.await(Duration.ofSeconds(60), d -> "done".equals(text.getAttribute("data-state")));
            assertEquals("2000", text.getAttribute("data-events"));
            String generated = text.getAttribute("textContent");
            assertTrue(generated.startsWith("the "), generated);
            assertEquals(2004, generated.length());
            assertTrue(partial < 2000);

            // Decoding a sum: the model's answer beside the source.
            page.findElement(By.id("seq2seq-decode-input")).sendKeys("12+34");
            page.findElement(By.id("seq2seq-decode-run")).click();
            WebElement decoded = page.findElement(By.id("seq2seq-decode-output"));
            browser.await(Duration.ofSeconds(30), d -> "done".equals(decoded.getAttribute("data-state")));
            assertTrue(
                    page.findElement(By.id("seq2seq-decode-result")).getText().startsWith("12+34 → "));

            // A request the server refuses is shown with its reason.
            page.findElement(By.id("seq2seq-decode-input")).sendKeys("x");
            page.findElement(By.id("seq2seq-decode-run")).click();
            browser.await(Duration.ofSeconds(30), d -> "error".equals(decoded.getAttribute("data-state")));
            assertTrue(decoded.getText().contains("(field: source)"), decoded.getText());
        }
    }
}
