package org.recurrent4j.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerMinMaxScaler;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;

class SeriesNormalizationTest {

    @TempDir
    Path dir;

    private static double[] values(int n, double offset, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = offset + scale * Math.sin(i);
        }
        return v;
    }

    private static ForecastWindows windows(double[] series) {
        return ForecastWindows.Builder.of(series)
                .window(5)
                .horizon(1)
                .batchSize(8)
                .build();
    }

    @Test
    void statisticsComeFromTheTrainingDataOnly() {
        double[] train = values(200, 10, 2);
        NormalizerStandardize normalizer = SeriesNormalization.standardize(windows(train), true);
        assertEquals(10, normalizer.getMean().getDouble(0), 0.2, "the training mean, not the test mean (50)");

        DataSet test = windows(values(50, 50, 2)).next();
        normalizer.preProcess(test);
        assertTrue(test.getFeatures().meanNumber().doubleValue() > 10, "test data is far from the training mean");

        ForecastWindows again = windows(train);
        again.setPreProcessor(normalizer);
        double mean = 0;
        int n = 0;
        while (again.hasNext()) {
            mean += again.next().getFeatures().sumNumber().doubleValue();
            n += 5 * 8;
        }
        assertEquals(0, mean / n, 0.05, "training features standardized to mean 0");
    }

    @Test
    void savesAtomicallyAndRestoresTheSameTransform() throws IOException {
        NormalizerStandardize standardize = SeriesNormalization.standardize(windows(values(100, 3, 5)), true);
        NormalizerMinMaxScaler minMax = SeriesNormalization.minMax(windows(values(100, 3, 5)), -1, 1, false);
        Path file = dir.resolve("model/normalizer.bin");
        Path other = dir.resolve("model/minmax.bin");
        SeriesNormalization.save(standardize, file);
        SeriesNormalization.save(minMax, other);
        try (var files = Files.list(file.getParent())) {
            assertEquals(2, files.count(), "no temporary file left");
        }

        NormalizerStandardize loaded = SeriesNormalization.load(file);
        NormalizerMinMaxScaler loadedMinMax = SeriesNormalization.load(other);
        DataSet a = windows(values(60, 7, 1)).next();
        DataSet b = a.copy();
        DataSet c = a.copy();
        standardize.preProcess(a);
        loaded.preProcess(b);
        assertArrayEquals(
                a.getFeatures().dup().data().asFloat(),
                b.getFeatures().dup().data().asFloat());
        assertArrayEquals(
                a.getLabels().dup().data().asFloat(), b.getLabels().dup().data().asFloat());
        minMax.preProcess(c);
        DataSet d = windows(values(60, 7, 1)).next();
        loadedMinMax.preProcess(d);
        assertArrayEquals(
                c.getFeatures().dup().data().asFloat(),
                d.getFeatures().dup().data().asFloat());
    }

    @Test
    void aMissingOrDamagedFileIsAClearError() throws IOException {
        Path missing = dir.resolve("none.bin");
        IOException e = assertThrows(IOException.class, () -> SeriesNormalization.load(missing));
        assertTrue(e.getMessage().startsWith(missing + ": normalizer file not found"), e.getMessage());
        Path damaged = Files.writeString(dir.resolve("damaged.bin"), "not a normalizer");
        e = assertThrows(IOException.class, () -> SeriesNormalization.load(damaged));
        assertEquals(
                damaged + ": not a recurrent4j normalizer file (expected the first line \"recurrent4j-normalizer 1\");"
                        + " save the normalizer with SeriesNormalization.save",
                e.getMessage());
    }

    // found by SeriesNormalizationFuzzTest: ND4J's reader trusts the shapes in the file, and a file
    // with a few bytes changed crashed the JVM in native code (SIGSEGV in execScalar)
    @Test
    void aChangedByteIsFoundBeforeNd4jReadsTheFile() throws IOException {
        Path file = dir.resolve("normalizer.bin");
        SeriesNormalization.save(SeriesNormalization.standardize(windows(values(50, 0, 1)), true), file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 0x40;
        Files.write(file, bytes);
        IOException e = assertThrows(IOException.class, () -> SeriesNormalization.load(file));
        assertEquals(
                file + ": damaged: the content's SHA-256 is not the one in the header; save the normalizer again from"
                        + " the training data",
                e.getMessage());

        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        e = assertThrows(IOException.class, () -> SeriesNormalization.load(file));
        assertTrue(e.getMessage().startsWith(file + ": damaged: the content has "), e.getMessage());
    }

    @Test
    void refusesToFitOnAlreadyNormalizedData() {
        ForecastWindows train = windows(values(50, 0, 1));
        train.setPreProcessor(new NormalizerStandardize());
        assertThrows(IllegalArgumentException.class, () -> SeriesNormalization.standardize(train, false));
    }
}
