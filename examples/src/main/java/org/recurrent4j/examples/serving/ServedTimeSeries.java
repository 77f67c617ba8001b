package org.recurrent4j.examples.serving;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.recurrent4j.examples.timeseries.TimeSeriesModel;
import org.recurrent4j.serving.ApiError;
import org.recurrent4j.serving.BatchQueue;
import org.recurrent4j.serving.Endpoint;
import org.recurrent4j.serving.JsonRequest;
import org.recurrent4j.serving.JsonSchema;
import org.recurrent4j.serving.ModelContext;
import org.recurrent4j.serving.PageForm;
import org.recurrent4j.serving.Reply;
import org.recurrent4j.serving.ServedModel;
import org.recurrent4j.serving.ServerLimits;

/**
 * A time-series model saved by {@code timeseries classify} or {@code timeseries forecast} (see
 * {@link TimeSeriesModel}), served: {@code POST classify} answers a series' class and the
 * probability of each, {@code POST forecast} the next {@code horizon} values. Either way the values
 * go through the normalizer fitted in training first (and a forecast comes back in the series'
 * units). Concurrent series are joined into one pass, padded to the longest with a mask, each read
 * at its own last value.
 */
final class ServedTimeSeries implements ServedModel {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final TimeSeriesModel model;
    private final boolean classifier;
    private final List<String> classes;
    private final int horizon;
    private final ServerLimits limits;
    private final BatchQueue<double[], double[]> queue;

    private ServedTimeSeries(TimeSeriesModel model, ModelContext context) throws IOException {
        this.model = model;
        String task = model.settings().getProperty("task", "");
        this.classifier = task.equals("classify");
        if (!classifier && !task.equals("forecast")) {
            throw new IOException(
                    TimeSeriesModel.SETTINGS_FILE + " names task '" + task + "', expected classify or forecast");
        }
        String features = model.settings().getProperty("features", "1").strip();
        if (!features.equals("1")) {
            throw new IOException("the model reads " + features + " values per step; the server takes series of one"
                    + " value per step");
        }
        this.classes = classifier
                ? Arrays.asList(model.settings().getProperty("classes", "").split(","))
                : List.of();
        long outputs = ((BaseOutputLayer) model.net().getOutputLayer(0).conf().getLayer()).getNOut();
        if (classifier && outputs != classes.size()) {
            throw new IOException("the network has " + outputs + " outputs, its settings name " + classes.size()
                    + " classes: the files are not of one model");
        }
        this.horizon = classifier
                ? 0
                : Integer.parseInt(model.settings().getProperty("horizon", "1").strip());
        this.limits = context.limits();
        this.queue = new BatchQueue<>(
                context,
                task,
                limits.maxBatch(),
                Replicas.of(model.net(), limits.workers(), ComputationGraph::clone, net -> batch -> run(net, batch)));
    }

    static ServedTimeSeries open(Path dir, ModelContext context) throws IOException {
        return new ServedTimeSeries(TimeSeriesModel.load(dir), context);
    }

    /** Each series' class probabilities, or its forecast in its units. */
    private List<double[]> run(ComputationGraph net, List<double[]> series) {
        int steps = series.stream().mapToInt(s -> s.length).max().orElseThrow();
        INDArray features = Nd4j.zeros(DataType.FLOAT, series.size(), 1, steps);
        INDArray mask = Nd4j.zeros(DataType.FLOAT, series.size(), steps);
        for (int b = 0; b < series.size(); b++) {
            double[] values = series.get(b);
            for (int t = 0; t < values.length; t++) {
                features.putScalar(b, 0, t, values[t]);
                mask.putScalar(b, t, 1.0);
            }
        }
        model.normalizer().transform(features);
        features.muli(mask.reshape(series.size(), 1, steps));
        INDArray out = net.output(false, new INDArray[] {features}, new INDArray[] {mask})[0];
        List<double[]> answers = new ArrayList<>(series.size());
        double mean = model.normalizer().getMean().getDouble(0);
        double std = model.normalizer().getStd().getDouble(0);
        for (int b = 0; b < series.size(); b++) {
            if (classifier) {
                answers.add(out.getRow(b).toDoubleVector());
            } else {
                int last = series.get(b).length - 1;
                double[] forecast = out.get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.point(last))
                        .toDoubleVector();
                for (int h = 0; h < forecast.length; h++) {
                    forecast[h] = forecast[h] * std + mean;
                }
                answers.add(forecast);
            }
        }
        return answers;
    }

    @Override
    public String kind() {
        return classifier ? "timeseries-classify" : "timeseries-forecast";
    }

    @Override
    public String description() {
        return classifier
                ? String.format(
                        "time-series classifier of %d classes, %,d parameters",
                        classes.size(), model.net().numParams())
                : String.format(
                        "time-series forecaster of the next %d value(s), trained on windows of %s steps, %,d"
                                + " parameters",
                        horizon,
                        model.settings().getProperty("window", "?"),
                        model.net().numParams());
    }

    @Override
    public ObjectNode info() {
        ObjectNode info = NODES.objectNode();
        if (classifier) {
            ArrayNode names = info.putArray("classes");
            classes.forEach(names::add);
        } else {
            info.put("horizon", horizon);
            info.put("window", model.settings().getProperty("window", ""));
        }
        return info;
    }

    @Override
    public List<Endpoint> endpoints() {
        ObjectNode request = JsonSchema.object("a series, one value per step, oldest first");
        JsonSchema.property(
                request,
                "values",
                JsonSchema.array("the series", JsonSchema.number("a value"), limits.maxSeriesLength()),
                true);
        ObjectNode answer;
        if (classifier) {
            answer = JsonSchema.object("the series' class");
            JsonSchema.property(answer, "label", JsonSchema.string("the most probable class"), true);
            JsonSchema.property(
                    answer, "probabilities", JsonSchema.map("probability of each class", JsonSchema.number("p")), true);
        } else {
            answer = JsonSchema.object("the forecast");
            JsonSchema.property(
                    answer,
                    "forecast",
                    JsonSchema.array("the next values, 1 to horizon steps ahead", JsonSchema.number("a value")),
                    true);
        }
        return List.of(new Endpoint(
                classifier ? "classify" : "forecast",
                classifier ? "The class of a series, with the probability of each" : "The next values of a series",
                PageForm.SERIES,
                request,
                answer,
                false,
                this::answer));
    }

    private Reply answer(JsonRequest request) throws ApiError, InterruptedException {
        double[] out = queue.compute(request.numbers("values"));
        ObjectNode answer = NODES.objectNode();
        if (classifier) {
            int best = 0;
            ObjectNode probabilities = NODES.objectNode();
            for (int c = 0; c < out.length; c++) {
                probabilities.put(classes.get(c), out[c]);
                if (out[c] > out[best]) {
                    best = c;
                }
            }
            answer.put("label", classes.get(best));
            answer.set("probabilities", probabilities);
        } else {
            ArrayNode forecast = answer.putArray("forecast");
            for (double v : out) {
                forecast.add(v);
            }
        }
        return Reply.json(answer);
    }

    @Override
    public void close() {
        queue.close();
    }
}
