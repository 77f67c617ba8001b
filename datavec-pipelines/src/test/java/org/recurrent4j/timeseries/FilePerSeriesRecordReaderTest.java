package org.recurrent4j.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.datavec.api.split.CollectionInputSplit;
import org.datavec.api.split.FileSplit;
import org.datavec.api.split.NumberedFileInputSplit;
import org.deeplearning4j.datasets.datavec.SequenceRecordReaderDataSetIterator;
import org.deeplearning4j.datasets.datavec.SequenceRecordReaderDataSetIterator.AlignmentMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

class FilePerSeriesRecordReaderTest {

    @TempDir
    Path dir;

    private IOException failure(FilePerSeriesRecordReader reader, Path file) {
        return assertThrows(IOException.class, () -> reader.initialize(new FileSplit(file.toFile())));
    }

    @Test
    void readsStepsAsRowsWithTargetsAndInFileOrder() throws Exception {
        SeriesFiles.write(dir, "s_0.csv", "a,b,y\n1,2,10\n3,4,20\n");
        SeriesFiles.write(dir, "s_1.csv", "a,b,y\n5,6,30\n");
        FilePerSeriesRecordReader reader = new FilePerSeriesRecordReader.Builder()
                .skipLines(1)
                .targetColumns(2)
                .build();
        reader.initialize(new NumberedFileInputSplit(dir + "/s_%d.csv", 0, 1));

        assertEquals(2, reader.sequences());
        assertArrayEquals(new double[][] {{1, 2}, {3, 4}}, reader.series(0).values());
        assertArrayEquals(new double[][] {{10}, {20}}, reader.series(0).targets());
        assertEquals(dir.resolve("s_1.csv").toString(), reader.series(1).source());
        assertEquals(3.0, reader.sequenceRecord().get(1).get(0).toDouble());
        assertNull(reader.getLabels());
    }

    // found by SeriesFilesFuzzTest: files with other numbers of columns were read together, to
    // fail later in DataVec's iterator with an error that named no file
    @Test
    void filesWithOtherColumnsAreNamed() throws IOException {
        Path two = SeriesFiles.write(dir, "a.csv", "1,2\n3,4\n");
        Path three = SeriesFiles.write(dir, "b.csv", "1,2,3\n");
        FilePerSeriesRecordReader reader = new FilePerSeriesRecordReader.Builder().build();
        IOException e = assertThrows(
                IOException.class,
                () -> reader.initialize(new CollectionInputSplit(List.of(two.toUri(), three.toUri()))));
        assertEquals(
                three + ": 3 input feature(s) per step, but " + two + " has 2; every series needs the same columns",
                e.getMessage());
    }

    @Test
    void raggedRowsNameTheLineAndTheExpectedColumnCount() throws IOException {
        Path file = SeriesFiles.write(dir, "r.csv", "1,2,3\n4,5,6\n7,8\n");
        assertEquals(
                file + ":3: 2 column(s), expected 3 as in the first row (line 1)",
                failure(new FilePerSeriesRecordReader.Builder().build(), file).getMessage());
    }

    @Test
    void nanInfinityAndTextAreErrorsWithLineAndColumn() throws IOException {
        FilePerSeriesRecordReader reader = new FilePerSeriesRecordReader.Builder().build();
        Path nan = SeriesFiles.write(dir, "nan.csv", "1,2\n3,NaN\n");
        assertEquals(
                nan + ":2: column 1 is NaN; fill in missing or infinite values (or remove the rows) before training",
                failure(reader, nan).getMessage());
        Path inf = SeriesFiles.write(dir, "inf.csv", "-Infinity,2\n");
        assertTrue(failure(reader, inf).getMessage().startsWith(inf + ":1: column 0 is -Infinity"));
        Path text = SeriesFiles.write(dir, "text.csv", "1,2\n3,n/a\n");
        assertEquals(
                text + ":2: column 1 is \"n/a\", not a number",
                failure(reader, text).getMessage());
    }

    @Test
    void invalidUtf8NamesTheFileAndByteOffset() throws IOException {
        Path file = dir.resolve("latin1.csv");
        Files.write(file, new byte[] {'1', ',', '2', '\n', (byte) 0xB0, ',', '3', '\n'});
        assertEquals(
                file + ": not UTF-8 text: invalid bytes at byte offset 4; convert the file to UTF-8",
                failure(new FilePerSeriesRecordReader.Builder().build(), file).getMessage());
    }

    @Test
    void emptyFilesAndLinesAreErrorsUnlessSkippingIsAskedFor() throws Exception {
        Path empty = SeriesFiles.write(dir, "empty.csv", "");
        assertEquals(
                empty + ": no rows (the file is empty)",
                failure(new FilePerSeriesRecordReader.Builder().build(), empty).getMessage());
        Path gap = SeriesFiles.write(dir, "gap.csv", "1,2\n\n3,4\n");
        assertEquals(
                gap + ":2: empty line (skipEmptyLines(true) skips and counts empty lines)",
                failure(new FilePerSeriesRecordReader.Builder().build(), gap).getMessage());
        FilePerSeriesRecordReader lenient =
                new FilePerSeriesRecordReader.Builder().skipEmptyLines(true).build();
        lenient.initialize(new FileSplit(gap.toFile()));
        assertEquals(2, lenient.series(0).length());
        assertEquals(1, lenient.skipped());
    }

    @Test
    void labelFilesPairWithFeatureFilesAtTheLastStep() throws Exception {
        SeriesFiles.write(dir, "f/0.csv", "1\n2\n3\n");
        SeriesFiles.write(dir, "f/1.csv", "4\n5\n");
        SeriesFiles.write(dir, "l/0.csv", "1\n");
        SeriesFiles.write(dir, "l/1.csv", "0\n");
        FilePerSeriesRecordReader features = new FilePerSeriesRecordReader.Builder().build();
        features.initialize(new NumberedFileInputSplit(dir + "/f/%d.csv", 0, 1));
        FilePerSeriesRecordReader labels = new FilePerSeriesRecordReader.Builder().build();
        labels.initialize(new NumberedFileInputSplit(dir + "/l/%d.csv", 0, 1));
        DataSet batch =
                new SequenceRecordReaderDataSetIterator(features, labels, 2, 2, false, AlignmentMode.ALIGN_END).next();
        assertArrayEquals(new long[] {2, 1, 3}, batch.getFeatures().shape());
        assertArrayEquals(
                new double[][] {{1, 1, 1}, {1, 1, 0}},
                batch.getFeaturesMaskArray().toDoubleMatrix());
        assertArrayEquals(
                new double[][] {{0, 0, 1}, {0, 1, 0}},
                batch.getLabelsMaskArray().toDoubleMatrix());
        assertEquals(1.0, batch.getLabels().getDouble(0, 1, 2));
        assertEquals(1.0, batch.getLabels().getDouble(1, 0, 1));
    }

    @Test
    void trainsAPerStepRegressionThroughDataVecsIterator() throws Exception {
        // y_t = x_{t-1}: the network has to remember the previous input
        Random random = new Random(4);
        for (int i = 0; i < 64; i++) {
            StringBuilder sb = new StringBuilder();
            double previous = 0;
            for (int t = 0; t < 12 + random.nextInt(8); t++) {
                double x = random.nextDouble() * 2 - 1;
                sb.append(x).append(',').append(previous).append('\n');
                previous = x;
            }
            SeriesFiles.write(dir, "train/" + i + ".csv", sb.toString());
        }
        FilePerSeriesRecordReader reader =
                new FilePerSeriesRecordReader.Builder().targetColumns(1).build();
        reader.initialize(new NumberedFileInputSplit(dir + "/train/%d.csv", 0, 63));
        DataSetIterator it = reader.iterator(16);
        DataSet first = it.next();
        assertEquals(16, first.getFeatures().size(0));
        assertArrayEquals(
                first.getFeaturesMaskArray().shape(), first.getLabelsMaskArray().shape());

        MultiLayerNetwork net = SeriesFiles.recurrentNet(1, 1, false);
        double before = net.score(first);
        for (int epoch = 0; epoch < 15; epoch++) {
            it.reset();
            net.fit(it);
        }
        double after = net.score(first);
        assertTrue(after < 0.2 * before, "loss " + before + " -> " + after);
    }
}
