package org.recurrent4j.examples.serving;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.examples.sentiment.SentimentCommand;
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
 * A sentence classifier saved by {@code sentiment} (see {@link SentimentCommand}), served: {@code
 * POST classify} with {@code {"text": ...}} or {@code {"texts": [...]}} answers each text's label
 * and class probabilities. Concurrent requests are joined into one forward pass: the texts of a
 * batch, padded to the longest, with a mask over their real tokens, so that each text's answer is
 * the one it gets alone.
 *
 * <pre>
 *   tokens_i = vocabulary(text_i)[: maxLength]       i = 1..B (B ≤ maxBatch)
 *   x [B, 1, T_max], mask [B, T_max] (1 on text i's first |tokens_i| steps)
 *   p = softmax(...)  [B, 2]                          the classifier reads each row at its last real token
 * </pre>
 */
final class ServedSentiment implements ServedModel {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SentimentCommand.Saved saved;
    private final ServerLimits limits;
    private final BatchQueue<int[], double[]> queue;
    private final int classes;

    private ServedSentiment(SentimentCommand.Saved saved, ModelContext context) {
        this.saved = saved;
        this.classes = (int)
                saved.net().outputSingle(Nd4j.zeros(DataType.FLOAT, 1, 1, 1)).size(1);
        this.limits = context.limits();
        this.queue = new BatchQueue<>(
                context,
                "classify",
                context.limits().maxBatch(),
                Replicas.of(
                        saved.net(),
                        context.limits().workers(),
                        ComputationGraph::clone,
                        net -> batch -> classify(net, batch)));
    }

    static ServedSentiment open(Path dir, ModelContext context) throws IOException {
        return new ServedSentiment(SentimentCommand.Saved.read(dir), context);
    }

    /** Class probabilities of each token sequence, in one pass. */
    static List<double[]> classify(ComputationGraph net, List<int[]> texts) {
        int steps = texts.stream().mapToInt(t -> t.length).max().orElseThrow();
        INDArray features = Nd4j.zeros(DataType.FLOAT, texts.size(), 1, steps);
        INDArray mask = Nd4j.zeros(DataType.FLOAT, texts.size(), steps);
        for (int b = 0; b < texts.size(); b++) {
            int[] tokens = texts.get(b);
            for (int t = 0; t < tokens.length; t++) {
                features.putScalar(b, 0, t, tokens[t]);
                mask.putScalar(b, t, 1.0);
            }
        }
        INDArray p = net.output(false, new INDArray[] {features}, new INDArray[] {mask})[0];
        List<double[]> out = new ArrayList<>(texts.size());
        for (int b = 0; b < texts.size(); b++) {
            out.add(p.getRow(b).toDoubleVector());
        }
        return out;
    }

    @Override
    public String kind() {
        return "sentiment";
    }

    @Override
    public String description() {
        return String.format(
                "sentence classifier: %,d words, reads up to %d tokens per text, %,d parameters",
                saved.vocabulary().size(), saved.maxLength(), saved.net().numParams());
    }

    @Override
    public ObjectNode info() {
        ObjectNode info = NODES.objectNode();
        ArrayNode labels = info.putArray("labels");
        labels().forEach(labels::add);
        info.put("vocabulary", saved.vocabulary().size());
        info.put("max_tokens", saved.maxLength());
        return info;
    }

    private List<String> labels() {
        return classes == SentimentCommand.LABELS.size()
                ? SentimentCommand.LABELS
                : IntStream.range(0, classes).mapToObj(Integer::toString).toList();
    }

    @Override
    public List<Endpoint> endpoints() {
        ObjectNode request = JsonSchema.object("one text, or a batch of texts (give one of the two)");
        JsonSchema.property(request, "text", JsonSchema.string("a sentence", limits.maxTextLength()), false);
        JsonSchema.property(
                request,
                "texts",
                JsonSchema.array(
                        "sentences", JsonSchema.string("a sentence", limits.maxTextLength()), limits.maxTexts()),
                false);
        ObjectNode one = JsonSchema.object("a text's sentiment");
        JsonSchema.property(one, "label", JsonSchema.string("the most probable label"), true);
        JsonSchema.property(
                one, "probabilities", JsonSchema.map("probability of each label", JsonSchema.number("p")), true);
        JsonSchema.property(one, "tokens", JsonSchema.integer("tokens read", 1, saved.maxLength()), true);
        ObjectNode answer = one.deepCopy();
        answer.put("description", "for 'text': one result; for 'texts': {results: [...]}, in order");
        JsonSchema.property(answer, "results", JsonSchema.array("one result per text", one), false);
        answer.remove("required");
        return List.of(new Endpoint(
                "classify",
                "The sentiment of a text (or of each of a batch of texts), with the probability of each label",
                PageForm.TEXT_CLASSIFICATION,
                request,
                answer,
                false,
                this::classify));
    }

    private Reply classify(JsonRequest request) throws ApiError, InterruptedException {
        if (request.has("text") == request.has("texts")) {
            throw ApiError.badRequest(
                    request.has("text") ? "texts" : "text", "give either 'text' (one text) or 'texts' (a batch)");
        }
        if (request.has("text")) {
            return Reply.json(result(request.text("text"), "text"));
        }
        List<String> texts = request.texts("texts");
        List<int[]> tokens = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            tokens.add(tokens(texts.get(i), "texts[" + i + "]"));
        }
        List<double[]> probabilities = queue.computeAll(tokens);
        ObjectNode answer = NODES.objectNode();
        ArrayNode results = answer.putArray("results");
        for (int i = 0; i < texts.size(); i++) {
            results.add(result(probabilities.get(i), tokens.get(i).length));
        }
        return Reply.json(answer);
    }

    private ObjectNode result(String text, String field) throws ApiError, InterruptedException {
        int[] tokens = tokens(text, field);
        return result(queue.compute(tokens), tokens.length);
    }

    private ObjectNode result(double[] p, int tokens) {
        List<String> labels = labels();
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        ObjectNode result = NODES.objectNode();
        result.put("label", labels.get(best));
        ObjectNode probabilities = result.putObject("probabilities");
        for (int c = 0; c < p.length; c++) {
            probabilities.put(labels.get(c), p[c]);
        }
        result.put("tokens", tokens);
        return result;
    }

    private int[] tokens(String text, String field) throws ApiError {
        int[] tokens = saved.vocabulary().encode(text);
        if (tokens.length == 0) {
            throw ApiError.badRequest(field, field + " has no words to classify");
        }
        return tokens.length > saved.maxLength() ? Arrays.copyOf(tokens, saved.maxLength()) : tokens;
    }

    @Override
    public void close() {
        queue.close();
    }
}
