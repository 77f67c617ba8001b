package org.recurrent4j.examples.timeseries;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.datavec.api.split.FileSplit;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.SplitTestAndTrain;
import org.recurrent4j.datasets.UciSyntheticControl;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.synthetic.SyntheticControlCharts;
import org.recurrent4j.text.Utf8Text;
import org.recurrent4j.timeseries.RowPerSeriesRecordReader;

/**
 * The labelled series of {@code timeseries classify}: generated control charts, the UCI control
 * charts, or the user's CSV files of one series per row. Features {@code [N, 1, T]}, labels {@code
 * [N, C]} one-hot (one class per series).
 */
final class ClassificationData {

    /** The data set's name for {@code --dataset}. */
    static final String UCI = "uci-synthetic-control";

    /** Training and test series, and the class names in label order. */
    record Split(String name, DataSet train, DataSet test, List<String> classes) {}

    private ClassificationData() {}

    static Split load(ClassifyCommand o) throws UsageException {
        if ((o.train == null) != (o.test == null)) {
            throw new UsageException("--train and --test go together: give both, or neither to use generated data");
        }
        if (o.train != null && o.dataset != null) {
            throw new UsageException("--train/--test and --dataset both name the data: give one of them");
        }
        if (o.train != null) {
            return csv(o.train, o.test, o.labelColumn);
        }
        if (o.dataset == null) {
            long seed = o.seed.seed();
            // The test series come from another seed: none of them is a training series.
            DataSet train = new SyntheticControlCharts(o.length, o.trainSeries, 1, seed).next();
            DataSet test = new SyntheticControlCharts(o.length, o.testSeries, 1, seed + 1).next();
            return new Split("generated control charts", train, test, List.of(SyntheticControlCharts.CLASSES));
        }
        if (!o.dataset.equals(UCI)) {
            throw new UsageException("unknown data set \"" + o.dataset + "\" (known: " + UCI
                    + "; without --dataset, generated control charts)");
        }
        try {
            RowPerSeriesRecordReader reader = UciSyntheticControl.reader();
            reader.initialize(new FileSplit(new UciSyntheticControl().data().toFile()));
            DataSet all = oneLabelPerSeries(reader.iterator(reader.sequences()).next());
            all.shuffle(o.seed.seed());
            SplitTestAndTrain split = all.splitTestAndTrain(0.8);
            return new Split("UCI synthetic control", split.getTrain(), split.getTest(), UciSyntheticControl.CLASSES);
        } catch (IOException e) {
            throw new UsageException("--dataset " + UCI + ": " + e.getMessage());
        }
    }

    private static Split csv(Path train, Path test, int labelColumn) throws UsageException {
        List<String> classes = classes(existing(train, "--train"), labelColumn);
        if (classes.size() < 2) {
            throw new UsageException(train.toAbsolutePath() + ": column " + labelColumn + " holds "
                    + (classes.isEmpty() ? "no class" : "one class only, " + classes)
                    + "; a classifier needs at least two (--label-column names the class column)");
        }
        return new Split(
                train + " and " + test,
                rows(train, labelColumn, classes),
                rows(existing(test, "--test"), labelColumn, classes),
                classes);
    }

    /**
     * The classes in a training file's label column: numerically ordered when they are all numbers,
     * else alphabetically. Rows too short to have the column are left for the reader to report.
     */
    private static List<String> classes(Path file, int labelColumn) throws UsageException {
        String text;
        try {
            text = Utf8Text.decode(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
        Set<String> seen = new LinkedHashSet<>();
        text.lines().filter(line -> !line.isBlank()).forEach(line -> {
            String[] fields = line.strip().split(",", -1);
            if (labelColumn < fields.length) {
                seen.add(fields[labelColumn].trim());
            }
        });
        List<String> classes = new ArrayList<>(seen);
        boolean numbers = classes.stream().allMatch(c -> c.matches("[-+]?[0-9]+(\\.[0-9]+)?"));
        classes.sort(numbers ? Comparator.comparingDouble(Double::parseDouble) : Comparator.naturalOrder());
        return classes;
    }

    private static DataSet rows(Path file, int labelColumn, List<String> classes) throws UsageException {
        RowPerSeriesRecordReader reader = new RowPerSeriesRecordReader.Builder()
                .labelColumn(labelColumn, classes.toArray(String[]::new))
                .build();
        try {
            reader.initialize(new FileSplit(file.toFile()));
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        }
        return oneLabelPerSeries(reader.iterator(reader.sequences()).next());
    }

    /**
     * The reader's series with their class as one row each, {@code [N, C]}: its iterator puts the
     * class at each series' last step ({@code [N, C, T]}, zero elsewhere), which summing over the
     * steps turns into the classifier's label.
     */
    private static DataSet oneLabelPerSeries(DataSet d) {
        return new DataSet(d.getFeatures(), d.getLabels().sum(2), d.getFeaturesMaskArray(), null);
    }

    private static Path existing(Path file, String option) throws UsageException {
        if (!Files.isRegularFile(file)) {
            throw new UsageException(option + ": no such file: " + file.toAbsolutePath());
        }
        return file;
    }
}
