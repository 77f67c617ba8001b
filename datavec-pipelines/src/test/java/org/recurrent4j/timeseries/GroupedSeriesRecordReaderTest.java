package org.recurrent4j.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.datavec.api.split.FileSplit;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

class GroupedSeriesRecordReaderTest {

    @TempDir
    Path dir;

    private final GroupedSeriesRecordReader.Builder labelled =
            new GroupedSeriesRecordReader.Builder(0).skipLines(1).labelColumn(2, "down", "up");

    @Test
    void groupsRowsByIdInOrderOfFirstAppearance() throws Exception {
        Path file = SeriesFiles.write(dir, "g.csv", "id,x,label\nb,1,up\na,5,down\nb,2,up\nb,3,up\na,4,down\n");
        GroupedSeriesRecordReader reader = labelled.build();
        reader.initialize(new FileSplit(file.toFile()));
        assertEquals(2, reader.sequences());
        assertArrayEquals(new double[][] {{1}, {2}, {3}}, reader.series(0).values());
        assertEquals(1, reader.series(0).label());
        assertArrayEquals(new double[][] {{5}, {4}}, reader.series(1).values());
        assertEquals(file + ", series \"a\"", reader.series(1).source());
        assertEquals(0, reader.labelReader().sequence(1).get(0).get(0).toInt());
    }

    @Test
    void aLabelThatChangesWithinASeriesOrIsUnknownIsAnError() throws IOException {
        Path changing = SeriesFiles.write(dir, "c.csv", "id,x,label\na,1,up\na,2,down\n");
        IOException e =
                assertThrows(IOException.class, () -> labelled.build().initialize(new FileSplit(changing.toFile())));
        assertEquals(
                changing + ":3: label \"down\" differs from the series' label \"up\" (" + changing
                        + ":2); a series has one label",
                e.getMessage());
        Path unknown = SeriesFiles.write(dir, "u.csv", "id,x,label\na,1,sideways\n");
        e = assertThrows(IOException.class, () -> labelled.build().initialize(new FileSplit(unknown.toFile())));
        assertEquals(unknown + ":2: unknown label \"sideways\"; the labels are [down, up]", e.getMessage());
    }

    @Test
    void trainsAClassifierOnVariableLengthSeriesWithMasks() throws Exception {
        // "up" series drift upwards, "down" series downwards; lengths 5..14
        Random random = new Random(8);
        StringBuilder sb = new StringBuilder("id,x,label\n");
        for (int i = 0; i < 120; i++) {
            boolean up = random.nextBoolean();
            double x = random.nextGaussian();
            for (int t = 0; t < 5 + random.nextInt(10); t++) {
                x += (up ? 0.3 : -0.3) + 0.3 * random.nextGaussian();
                sb.append("s")
                        .append(i)
                        .append(',')
                        .append(x)
                        .append(',')
                        .append(up ? "up" : "down")
                        .append('\n');
            }
        }
        Path file = SeriesFiles.write(dir, "train.csv", sb.toString());
        GroupedSeriesRecordReader reader = labelled.build();
        reader.initialize(new FileSplit(file.toFile()));
        DataSetIterator it = reader.iterator(40);
        DataSet first = it.next();
        assertEquals(40, first.getLabelsMaskArray().sumNumber().intValue(), "one labelled step per series");
        assertArrayEquals(
                new long[] {40, 2, first.getFeatures().size(2)},
                first.getLabels().shape());

        MultiLayerNetwork net = SeriesFiles.recurrentNet(1, 2, true);
        double before = net.score(first);
        for (int epoch = 0; epoch < 20; epoch++) {
            it.reset();
            net.fit(it);
        }
        it.reset();
        Evaluation evaluation = net.evaluate(it);
        assertTrue(net.score(first) < 0.5 * before, "loss " + before + " -> " + net.score(first));
        assertEquals(120, evaluation.getNumRowCounter());
        assertTrue(evaluation.accuracy() > 0.85, "accuracy " + evaluation.accuracy() + " (chance 0.5)");
    }
}
