package org.recurrent4j.examples.serving;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.recurrent4j.decode.LanguageModelSampler;
import org.recurrent4j.decode.TokenSampler;
import org.recurrent4j.examples.charrnn.CharRnnCommand;
import org.recurrent4j.io.ModelFile;
import org.recurrent4j.serving.ApiError;
import org.recurrent4j.serving.BatchQueue;
import org.recurrent4j.serving.Endpoint;
import org.recurrent4j.serving.EventStream;
import org.recurrent4j.serving.JsonRequest;
import org.recurrent4j.serving.JsonSchema;
import org.recurrent4j.serving.ModelContext;
import org.recurrent4j.serving.PageForm;
import org.recurrent4j.serving.Reply;
import org.recurrent4j.serving.ServedModel;
import org.recurrent4j.serving.ServerLimits;
import org.recurrent4j.text.CharacterVocabulary;

/**
 * A character-level language model saved by {@code char-rnn} (see {@link CharRnnCommand}), served:
 * {@code POST generate} with a prime and the sampling settings (temperature, top-k, top-p, a seed)
 * generates text with the library's {@link LanguageModelSampler} ({@code rnnTimeStep}: one step per
 * character) and a {@link TokenSampler}; with {@code "stream": true} each character is sent as a
 * server-sent event as soon as it is sampled.
 *
 * <p>A generation holds its network's recurrent state from the prime to its last character, so
 * generations are not batched: each worker (a copy of the network) generates one text at a time,
 * and the requests beyond the workers wait in the model's bounded queue.
 */
final class ServedCharRnn implements ServedModel {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A generation to run: the prime's tokens, how many to draw, how, and where the tokens go. */
    private record Generation(int[] prime, int length, TokenSampler sampler, long seed, EventStream events) {}

    private final MultiLayerNetwork net;
    private final CharacterVocabulary vocabulary;
    private final ServerLimits limits;
    private final BatchQueue<Generation, String> queue;

    private ServedCharRnn(MultiLayerNetwork net, CharacterVocabulary vocabulary, ModelContext context) {
        this.net = net;
        this.vocabulary = vocabulary;
        // Checks now that the network can generate step by step (no Bidirectional, a softmax last).
        LanguageModelSampler.oneHot(net);
        this.limits = context.limits();
        this.queue = new BatchQueue<>(
                context, "generate", 1, Replicas.of(net, context.limits().workers(), MultiLayerNetwork::clone, copy -> {
                    LanguageModelSampler sampler = LanguageModelSampler.oneHot(copy);
                    return jobs -> List.of(generate(sampler, jobs.get(0)));
                }));
    }

    static ServedCharRnn open(Path dir, ModelContext context) throws IOException {
        CharacterVocabulary vocabulary = CharacterVocabulary.load(dir.resolve(CharRnnCommand.VOCABULARY_FILE));
        MultiLayerNetwork net = ModelFile.loadMultiLayerNetwork(dir.resolve(CharRnnCommand.MODEL_FILE), false);
        int outputs = LanguageModelSampler.oneHot(net).vocabulary();
        if (outputs != vocabulary.size()) {
            throw new IOException("the network predicts " + outputs + " characters, its vocabulary file holds "
                    + vocabulary.size() + ": the two files are not of one model");
        }
        return new ServedCharRnn(net, vocabulary, context);
    }

    private String generate(LanguageModelSampler lm, Generation job) {
        StringBuilder text = new StringBuilder();
        lm.generate(job.prime(), job.length(), job.sampler(), new Random(job.seed()), token -> {
            String character = vocabulary.character(token);
            text.append(character);
            ObjectNode event = NODES.objectNode();
            event.put("text", character);
            return job.events() == null || job.events().emit("token", event);
        });
        if (job.events() != null) {
            job.events().finish(answer(text.toString(), job));
        }
        return text.toString();
    }

    private ObjectNode answer(String text, Generation job) {
        ObjectNode answer = NODES.objectNode();
        answer.put("text", text);
        answer.put("characters", text.codePointCount(0, text.length()));
        answer.put("seed", job.seed());
        answer.put("sampler", job.sampler().toString());
        return answer;
    }

    @Override
    public String kind() {
        return "char-rnn";
    }

    @Override
    public String description() {
        return String.format(
                "character-level language model: %d characters, %d layers, %,d parameters",
                vocabulary.size(), net.getnLayers(), net.numParams());
    }

    @Override
    public ObjectNode info() {
        ObjectNode info = NODES.objectNode();
        info.put("vocabulary", vocabulary.size());
        info.put("characters", vocabulary.fileText());
        return info;
    }

    @Override
    public List<Endpoint> endpoints() {
        int maxTokens = limits.maxTokens();
        ObjectNode request = JsonSchema.object("a prime and how to sample");
        JsonSchema.property(
                request,
                "prime",
                JsonSchema.string(
                        "text to start from; every character must be in the model's vocabulary (default:"
                                + " a line break, or the vocabulary's first character)",
                        limits.maxTextLength()),
                false);
        JsonSchema.property(
                request, "length", JsonSchema.integer("characters to generate (default 200)", 1, maxTokens), false);
        JsonSchema.property(
                request, "temperature", JsonSchema.number("sampling temperature (default 0.8)", 0, true, 10), false);
        JsonSchema.property(
                request,
                "top_k",
                JsonSchema.integer(
                        "sample among the k most probable characters; 0 for all (default)", 0, vocabulary.size()),
                false);
        JsonSchema.property(
                request,
                "top_p",
                JsonSchema.number(
                        "sample among the most probable characters whose mass reaches p (default 1: all)", 0, true, 1),
                false);
        JsonSchema.property(
                request,
                "seed",
                JsonSchema.integer("random seed (default: a random one, returned)", Long.MIN_VALUE, Long.MAX_VALUE),
                false);
        JsonSchema.property(
                request, "stream", JsonSchema.bool("send each character as an event as it is sampled"), false);
        ObjectNode answer = JsonSchema.object("the generated text (after the prime)");
        JsonSchema.property(answer, "text", JsonSchema.string("the characters generated"), true);
        JsonSchema.property(answer, "characters", JsonSchema.integer("how many", 0, maxTokens), true);
        JsonSchema.property(answer, "seed", JsonSchema.integer("the seed used", Long.MIN_VALUE, Long.MAX_VALUE), true);
        JsonSchema.property(answer, "sampler", JsonSchema.string("the sampling settings"), true);
        return List.of(new Endpoint(
                "generate",
                "Text generated from a prime, character by character (streamed with \"stream\": true)",
                PageForm.TEXT_GENERATION,
                request,
                answer,
                true,
                this::generate));
    }

    private Reply generate(JsonRequest request) throws ApiError, InterruptedException {
        String prime = request.has("prime")
                ? request.text("prime")
                : vocabulary.contains('\n') ? "\n" : vocabulary.character(0);
        int[] tokens;
        try {
            tokens = vocabulary.encode(prime, "prime");
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("prime", e.getMessage());
        }
        int length = request.integer("length", 200, 1, request.limits().maxTokens());
        double temperature = request.number("temperature", 0.8, 0, false, 10);
        int topK = request.integer("top_k", 0, 0, vocabulary.size());
        double topP = request.number("top_p", 1, 0, false, 1);
        long seed = request.longInteger("seed", ThreadLocalRandom.current().nextLong());
        TokenSampler sampler =
                TokenSampler.withTemperature(temperature).topK(topK).topP(topP);
        if (!request.bool("stream", false)) {
            Generation job = new Generation(tokens, length, sampler, seed, null);
            return Reply.json(answer(queue.compute(job), job));
        }
        EventStream events = new EventStream(length + 2);
        events.follow(queue.submit(new Generation(tokens, length, sampler, seed, events)));
        return Reply.stream(events);
    }

    @Override
    public void close() {
        queue.close();
    }
}
