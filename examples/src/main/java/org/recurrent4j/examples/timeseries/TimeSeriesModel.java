package org.recurrent4j.examples.timeseries;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.recurrent4j.io.AtomicFile;
import org.recurrent4j.io.ModelFile;
import org.recurrent4j.timeseries.SeriesNormalization;

/**
 * A time-series model directory: {@value #MODEL_FILE} (the network), {@value #NORMALIZER_FILE}
 * (the standardizer fitted on the training data, which every later input must go through) and
 * {@value #SETTINGS_FILE} (what the network was trained for: the task, the classes or the window and
 * horizon), each written atomically, beside the training curves.
 *
 * <pre>{@code
 * TimeSeriesModel saved = TimeSeriesModel.load(Path.of("runs/timeseries-classify"));
 * saved.normalizer().transform(features);
 * INDArray p = saved.net().outputSingle(features);
 * }</pre>
 *
 * @param net the trained network
 * @param normalizer the standardizer of the inputs, fitted on the training data only
 * @param settings the task's settings ({@code task=classify} or {@code task=forecast}, ...)
 */
public record TimeSeriesModel(ComputationGraph net, NormalizerStandardize normalizer, Properties settings) {

    /** The network in a model directory. */
    public static final String MODEL_FILE = "model.zip";
    /** The normalizer in a model directory. */
    public static final String NORMALIZER_FILE = "normalizer.bin";
    /** The settings in a model directory. */
    public static final String SETTINGS_FILE = "timeseries.properties";

    /** Writes the three files into {@code dir} (created if needed), each atomically; returns the model file. */
    public Path save(Path dir) throws IOException {
        Path model = dir.resolve(MODEL_FILE);
        ModelFile.save(net, model, true);
        SeriesNormalization.save(normalizer, dir.resolve(NORMALIZER_FILE));
        AtomicFile.writeStream(dir.resolve(SETTINGS_FILE), stream -> {
            Writer writer = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
            settings.store(writer, "recurrent4j timeseries");
            writer.flush();
        });
        return model;
    }

    /** Reads a model directory written by {@link #save}. */
    public static TimeSeriesModel load(Path dir) throws IOException {
        Properties settings = new Properties();
        try (Reader reader = Files.newBufferedReader(dir.resolve(SETTINGS_FILE), StandardCharsets.UTF_8)) {
            settings.load(reader);
        }
        NormalizerStandardize normalizer = SeriesNormalization.load(dir.resolve(NORMALIZER_FILE));
        ComputationGraph net = ModelFile.loadComputationGraph(dir.resolve(MODEL_FILE), false);
        return new TimeSeriesModel(net, normalizer, settings);
    }
}
