package org.recurrent4j.examples.serving;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.decode.SequenceDecoder;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.seq2seq.Seq2SeqCommand;
import org.recurrent4j.examples.seq2seq.TaskChoice;
import org.recurrent4j.io.ModelFile;
import org.recurrent4j.seq2seq.TokenEncoding;
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
import org.recurrent4j.synthetic.PairTask;

/**
 * An encoder–decoder saved by {@code seq2seq} (its task in {@value TaskChoice#FILE}), served:
 * {@code POST decode} with {@code {"source": "12+345", "beam": 4}} answers the decoded target
 * (greedy for a beam of 1, else beam search, with the library's {@link SequenceDecoder}) and, since
 * the tasks are synthetic, the right answer beside it. Each worker decodes one source at a time
 * with its own copy of the graph (a beam search batches its beams itself).
 */
final class ServedSeq2Seq implements ServedModel {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private record Decoding(int[] source, int beam) {}

    private final ComputationGraph net;
    private final PairTask task;
    private final ServerLimits limits;
    private final BatchQueue<Decoding, int[]> queue;

    private ServedSeq2Seq(ComputationGraph net, PairTask task, ModelContext context) {
        this.net = net;
        this.task = task;
        this.limits = context.limits();
        this.queue = new BatchQueue<>(
                context, "decode", 1, Replicas.of(net, limits.workers(), ComputationGraph::clone, copy -> {
                    SequenceDecoder decoder = SequenceDecoder.oneHot(
                            copy,
                            task.targetAlphabet().size(),
                            task.targetAlphabet().start(),
                            task.targetAlphabet().end());
                    return jobs -> List.of(decode(decoder, jobs.get(0)));
                }));
    }

    static ServedSeq2Seq open(Path dir, ModelContext context) throws IOException {
        PairTask task;
        try {
            task = TaskChoice.load(dir.resolve(TaskChoice.FILE)).task();
        } catch (UsageException e) {
            throw new IOException(dir.resolve(TaskChoice.FILE) + ": " + e.getMessage());
        }
        ComputationGraph net = ModelFile.loadComputationGraph(dir.resolve(Seq2SeqCommand.MODEL_FILE), false);
        return new ServedSeq2Seq(net, task, context);
    }

    private int[] decode(SequenceDecoder decoder, Decoding job) {
        // The longest target the task makes, and a few steps more for a model that overshoots.
        int maxLength = task.maxTargetLength() + 3;
        INDArray features = task.sourceAlphabet().array(TokenEncoding.ONE_HOT, job.source());
        return job.beam() == 1
                ? decoder.greedy(features, null, maxLength)
                : decoder.beam(features, null, job.beam(), maxLength).get(0).tokens();
    }

    @Override
    public String kind() {
        return "seq2seq";
    }

    @Override
    public String description() {
        return String.format("encoder-decoder for %s, %,d parameters", task, net.numParams());
    }

    @Override
    public ObjectNode info() {
        ObjectNode info = NODES.objectNode();
        info.put("task", task.toString());
        info.put("max_source_length", task.maxSourceLength());
        var symbols = info.putArray("source_symbols");
        task.sourceAlphabet().symbols().forEach(symbols::add);
        return info;
    }

    @Override
    public List<Endpoint> endpoints() {
        ObjectNode request = JsonSchema.object("a source in the task's notation");
        JsonSchema.property(
                request, "source", JsonSchema.string("e.g. 12+345 for addition", task.maxSourceLength()), true);
        JsonSchema.property(
                request,
                "beam",
                JsonSchema.integer("beam width; 1 decodes greedily (default)", 1, limits.maxBeam()),
                false);
        ObjectNode answer = JsonSchema.object("the decoded target");
        JsonSchema.property(answer, "source", JsonSchema.string("the source"), true);
        JsonSchema.property(answer, "output", JsonSchema.string("the model's target"), true);
        JsonSchema.property(answer, "expected", JsonSchema.string("the task's right target"), true);
        JsonSchema.property(answer, "correct", JsonSchema.bool("whether they are equal"), true);
        return List.of(new Endpoint(
                "decode",
                "The target the model writes for a source (greedy, or beam search)",
                PageForm.TEXT_TO_TEXT,
                request,
                answer,
                false,
                this::decode));
    }

    private Reply decode(JsonRequest request) throws ApiError, InterruptedException {
        String text = request.text("source");
        if (text.length() > task.maxSourceLength()) {
            throw ApiError.badRequest(
                    "source",
                    "source has " + text.length() + " symbols; the model reads at most " + task.maxSourceLength() + " ("
                            + task + ")");
        }
        int[] source;
        String expected;
        try {
            source = task.sourceAlphabet().encode(text);
            expected = task.targetAlphabet().decode(task.answer(source));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(
                    "source", "source \"" + text + "\" is not a source of " + task + ": " + e.getMessage());
        }
        int beam = request.integer("beam", 1, 1, limits.maxBeam());
        String output = task.targetAlphabet().decode(queue.compute(new Decoding(source, beam)));
        ObjectNode answer = NODES.objectNode();
        answer.put("source", text);
        answer.put("output", output);
        answer.put("expected", expected);
        answer.put("correct", output.equals(expected));
        return Reply.json(answer);
    }

    @Override
    public void close() {
        queue.close();
    }
}
