package org.recurrent4j.timeseries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;
import org.nd4j.linalg.dataset.api.preprocessor.Normalizer;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerMinMaxScaler;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.recurrent4j.fuzz.Fuzz;
import org.recurrent4j.fuzz.Mutation;

/**
 * Fuzzes the normalizer files of {@link SeriesNormalization}: a saved standardizer or min-max
 * scaler with bytes flipped, cut, inserted or replaced loads as the same normalizer (when the
 * change missed its content) or fails with an error naming the file — never a hang, an
 * out-of-memory error or an exception of ND4J's own.
 */
class SeriesNormalizationFuzzTest {

    private Path dir;

    @BeforeTry
    void createFolder() {
        dir = Fuzz.temporaryFolder("normalizer");
    }

    @AfterTry
    void deleteFolder() {
        Fuzz.delete(dir);
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return Mutation.some();
    }

    @Property(tries = 200)
    void aNormalizerFileLoadsAsSavedOrIsNamed(
            @ForAll("mutations") List<Mutation> mutations, @ForAll boolean standardize, @ForAll boolean labelsToo)
            throws IOException {
        ForecastWindows windows = ForecastWindows.Builder.of(
                        new double[] {1, 2, 3, 4, 5, 6, 7, 8}, new double[] {2, 4, 6, 8, 10, 12, 14, 16})
                .window(3)
                .horizon(2)
                .batchSize(4)
                .build();
        Normalizer<?> saved = standardize
                ? SeriesNormalization.standardize(windows, labelsToo)
                : SeriesNormalization.minMax(windows, -1, 1, labelsToo);
        Path file = dir.resolve("normalizer.bin");
        SeriesNormalization.save(saved, file);
        byte[] valid = Files.readAllBytes(file);
        byte[] bytes = Mutation.applyAll(mutations, valid);
        Files.write(file, bytes);
        Fuzz.Outcome<Normalizer<?>> outcome = Fuzz.run(file.toString(), () -> SeriesNormalization.load(file));
        Fuzz.count(outcome, 5);
        if (!outcome.succeeded()) {
            assertTrue(!java.util.Arrays.equals(valid, bytes), "a saved normalizer was refused: " + outcome.error());
            return;
        }
        if (java.util.Arrays.equals(valid, bytes)) {
            assertEquals(saved.getClass(), outcome.value().getClass());
            if (saved instanceof NormalizerStandardize s) {
                assertEquals(s.getMean(), ((NormalizerStandardize) outcome.value()).getMean());
            } else {
                assertEquals(
                        ((NormalizerMinMaxScaler) saved).getMin(), ((NormalizerMinMaxScaler) outcome.value()).getMin());
            }
        }
    }
}
