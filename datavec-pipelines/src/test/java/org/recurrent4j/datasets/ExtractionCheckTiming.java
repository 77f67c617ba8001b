package org.recurrent4j.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures the checks of an extraction the size of IMDB's: 100,000 files of about 1.3 kB each (the
 * reviews' sizes), 130 MB. Run on demand, as it writes that much:
 * {@code ./mvnw -B -o -pl datavec-pipelines -am verify -Dtest=ExtractionCheckTiming
 * -Dsurefire.failIfNoSpecifiedTests=false -Drecurrent4j.timing=true}.
 */
@EnabledIfSystemProperty(named = "recurrent4j.timing", matches = "true")
class ExtractionCheckTiming {

    private static final int FILES = 100_000;

    @TempDir
    Path dir;

    @Test
    void checksOfAnImdbSizedExtraction() throws IOException {
        Path folder = dir.resolve("extracted");
        Random random = new Random(1);
        List<ExtractionManifest.Entry> entries = new ArrayList<>();
        byte[] words = "a great film with a dull plot and fine acting by everyone involved in it "
                .repeat(200)
                .getBytes(StandardCharsets.UTF_8);
        long write = System.nanoTime();
        for (int i = 0; i < FILES; i++) {
            String part = i < 50_000 ? (i < 25_000 ? "train" : "test") : "train/unsup";
            String path = "aclImdb/" + part + "/" + (i % 2 == 0 ? "pos" : "neg") + "/" + i + "_7.txt";
            int size = (int) Math.min(words.length - 50, Math.exp(6.9 + 0.6 * random.nextGaussian()));
            Path file = folder.resolve(path);
            Files.createDirectories(file.getParent());
            byte[] content = Arrays.copyOfRange(words, i % 50, i % 50 + size);
            Files.write(file, content);
            entries.add(new ExtractionManifest.Entry(
                    path,
                    content.length,
                    Files.getLastModifiedTime(file).toMillis(),
                    HexFormat.of().formatHex(Checksums.digest("SHA-256").digest(content))));
        }
        System.out.printf("wrote %,d files in %.1f s%n", FILES, (System.nanoTime() - write) / 1e9);
        ExtractionManifest manifest = new ExtractionManifest("0".repeat(64), entries);
        Path manifestFile = ExtractionManifest.fileOf(folder);
        long t = System.nanoTime();
        manifest.write(manifestFile);
        System.out.printf(
                "manifest: %,d bytes, written in %.2f s (%,d bytes of files)%n",
                Files.size(manifestFile), (System.nanoTime() - t) / 1e9, manifest.totalBytes());
        for (int round = 0; round < 3; round++) {
            t = System.nanoTime();
            ExtractionManifest read = ExtractionManifest.read(manifestFile);
            double readSeconds = (System.nanoTime() - t) / 1e9;
            t = System.nanoTime();
            ExtractionManifest.Check quick = read.verify(folder, false, manifestFile, "");
            double quickSeconds = (System.nanoTime() - t) / 1e9;
            t = System.nanoTime();
            ExtractionManifest.Check full = read.verify(folder, true, manifestFile, "");
            double fullSeconds = (System.nanoTime() - t) / 1e9;
            System.out.printf(
                    "round %d: read manifest %.2f s, quick check %.2f s (%d hashed), full check %.2f s (%d hashed)%n",
                    round, readSeconds, quickSeconds, quick.hashed(), fullSeconds, full.hashed());
            assertEquals(FILES, quick.files());
            assertEquals(0, quick.hashed());
            assertEquals(FILES, full.hashed());
            assertTrue(quickSeconds < fullSeconds, "the quick check hashes nothing");
        }
    }
}
