package org.recurrent4j.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.datavec.api.split.FileSplit;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.recurrent4j.synthetic.SyntheticControlCharts;

class RowPerSeriesRecordReaderTest {

    private static final String[] CLASSES = {"normal", "cyclic", "increasing", "decreasing", "upward", "downward"};

    @TempDir
    Path dir;

    /** The UCI layout: rows by class, 20 per class, values separated by runs of spaces. */
    private Path controlCharts(String name, int length, long seed) throws IOException {
        DataSet data = new SyntheticControlCharts(length, 120, 1, seed).next();
        List<List<String>> byClass = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < 120; i++) {
            INDArray row = data.getFeatures().get(NDArrayIndex.point(i), NDArrayIndex.point(0), NDArrayIndex.all());
            StringBuilder sb = new StringBuilder();
            for (int t = 0; t < length; t++) {
                sb.append(String.format("  %.4f", row.getDouble(t)));
            }
            byClass.get(data.getLabels().getRow(i).argMax().getInt(0)).add(sb.toString());
        }
        StringBuilder file = new StringBuilder();
        byClass.forEach(rows -> rows.forEach(r -> file.append(r).append('\n')));
        return SeriesFiles.write(dir, name, file.toString());
    }

    private RowPerSeriesRecordReader uciReader() {
        return new RowPerSeriesRecordReader.Builder()
                .delimiter("\\s+")
                .labelOfRow(row -> CLASSES[row / 20], CLASSES)
                .build();
    }

    @Test
    void eachRowIsAUnivariateSeriesLabelledByItsPosition() throws Exception {
        Path file = SeriesFiles.write(dir, "rows.data", "  1.5  2.5 3\n4 5 6\n");
        RowPerSeriesRecordReader reader = new RowPerSeriesRecordReader.Builder()
                .delimiter("\\s+")
                .labelOfRow(row -> row == 0 ? "a" : "b", "a", "b")
                .build();
        reader.initialize(new FileSplit(file.toFile()));
        assertArrayEquals(new double[][] {{1.5}, {2.5}, {3}}, reader.series(0).values());
        assertEquals(1, reader.series(1).label());
        assertEquals(file + ":2", reader.series(1).source());
    }

    @Test
    void takesTheLabelFromAColumnAndAllowsVariableLengthOnlyWhenAsked() throws Exception {
        Path file = SeriesFiles.write(dir, "rows.csv", "b,1,2,3\na,4,5\n");
        IOException e = assertThrows(IOException.class, () -> new RowPerSeriesRecordReader.Builder()
                .labelColumn(0, "a", "b")
                .build()
                .initialize(new FileSplit(file.toFile())));
        assertEquals(file + ":2: 3 column(s), expected 4 as in the first row (line 1)", e.getMessage());

        RowPerSeriesRecordReader reader = new RowPerSeriesRecordReader.Builder()
                .labelColumn(0, "a", "b")
                .variableLength(true)
                .build();
        reader.initialize(new FileSplit(file.toFile()));
        assertArrayEquals(new double[][] {{4}, {5}}, reader.series(1).values());
        assertEquals(0, reader.series(1).label());
        DataSet batch = reader.iterator(2).next();
        assertArrayEquals(
                new double[][] {{0, 0, 1}, {0, 1, 0}},
                batch.getLabelsMaskArray().toDoubleMatrix());
    }

    @Test
    void aRowPositionOutsideTheLabelsIsAnError() throws IOException {
        Path file = controlCharts("c.data", 20, 1);
        RowPerSeriesRecordReader reader = new RowPerSeriesRecordReader.Builder()
                .delimiter("\\s+")
                .labelOfRow(row -> CLASSES[Math.min(row / 10, 5)].toUpperCase(), CLASSES)
                .build();
        IOException e = assertThrows(IOException.class, () -> reader.initialize(new FileSplit(file.toFile())));
        assertEquals(file + ":1 (row 0): unknown label \"NORMAL\"; the labels are " + List.of(CLASSES), e.getMessage());
    }

    @Test
    void trainsAControlChartClassifierFromTheUciLayout() throws Exception {
        Path file = controlCharts("synthetic_control.data", 30, 5);
        RowPerSeriesRecordReader reader = uciReader();
        reader.initialize(new FileSplit(file.toFile()));
        assertEquals(120, reader.sequences());
        DataSetIterator it = reader.iterator(120);
        DataSet all = it.next();
        assertArrayEquals(new long[] {120, 1, 30}, all.getFeatures().shape());
        assertArrayEquals(new long[] {120, 6, 30}, all.getLabels().shape());
        assertEquals(120, all.getLabelsMaskArray().getColumn(29).sumNumber().intValue(), "labels at the last step");

        NormalizerStandardize normalizer = SeriesNormalization.standardize(reader.iterator(40), false);
        DataSetIterator train = reader.iterator(20);
        train.setPreProcessor(normalizer);
        MultiLayerNetwork net = SeriesFiles.recurrentNet(1, 6, true);
        normalizer.preProcess(all);
        double before = net.score(all);
        for (int epoch = 0; epoch < 25; epoch++) {
            train.reset();
            net.fit(train);
        }
        train.reset();
        Evaluation evaluation = net.evaluate(train);
        assertTrue(net.score(all) < 0.5 * before, "loss " + before + " -> " + net.score(all));
        assertTrue(evaluation.accuracy() > 0.6, "accuracy " + evaluation.accuracy() + " (chance 1/6)");
    }

    // found while fuzzing the row layout: a row holding only its label became a series of no steps
    @Test
    void aRowWithOnlyItsLabelIsNamed() throws IOException {
        Path file = SeriesFiles.write(dir, "labels.data", "normal\ncyclic\n");
        RowPerSeriesRecordReader reader = new RowPerSeriesRecordReader.Builder()
                .labelColumn(0, "normal", "cyclic")
                .build();
        IOException e = assertThrows(IOException.class, () -> reader.initialize(new FileSplit(file.toFile())));
        assertEquals(file + ":1: the row has its label but no values", e.getMessage());
    }
}
