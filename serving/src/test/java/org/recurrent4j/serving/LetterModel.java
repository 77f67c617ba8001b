package org.recurrent4j.serving;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model without a network, for the server's tests: {@code classify} gives the share of vowels
 * and of other letters of a text (batched, each batch taking {@code batchMillis}); {@code generate}
 * streams the prime's characters again and again, one every {@code tokenMillis}.
 */
final class LetterModel implements ServedModel {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final BatchQueue<String, double[]> classifier;
    private final BatchQueue<Generation, Integer> generator;
    private final int tokenMillis;
    final AtomicInteger largestBatch = new AtomicInteger();

    record Generation(String prime, int length, EventStream events) {}

    LetterModel(ModelContext context, int batchMillis, int tokenMillis) {
        this.tokenMillis = tokenMillis;
        this.classifier = new BatchQueue<>(context, "classify", context.limits().maxBatch(), List.of(texts -> {
            largestBatch.accumulateAndGet(texts.size(), Math::max);
            Thread.sleep(batchMillis);
            List<double[]> out = new ArrayList<>();
            for (String text : texts) {
                long vowels = text.chars().filter(c -> "aeiou".indexOf(c) >= 0).count();
                double p = (vowels + 1.0) / (text.length() + 2.0);
                out.add(new double[] {p, 1 - p});
            }
            return out;
        }));
        this.generator = new BatchQueue<>(context, "generate", 1, List.of(jobs -> List.of(generate(jobs.get(0)))));
    }

    private Integer generate(Generation job) throws InterruptedException {
        int n = 0;
        for (; n < job.length(); n++) {
            Thread.sleep(tokenMillis);
            ObjectNode token = NODES.objectNode();
            token.put("text", String.valueOf(job.prime().charAt(n % job.prime().length())));
            if (!job.events().emit("token", token)) {
                break;
            }
        }
        ObjectNode done = NODES.objectNode();
        done.put("tokens", n);
        job.events().finish(done);
        return n;
    }

    @Override
    public String kind() {
        return "letters";
    }

    @Override
    public String description() {
        return "vowels and consonants, for tests";
    }

    @Override
    public ObjectNode info() {
        ObjectNode info = NODES.objectNode();
        info.putArray("labels").add("vowel").add("other");
        return info;
    }

    @Override
    public List<Endpoint> endpoints() {
        ObjectNode classifyRequest =
                JsonSchema.property(JsonSchema.object("a text"), "text", JsonSchema.string("the text", 2000), true);
        ObjectNode classifyAnswer = JsonSchema.object("the shares");
        JsonSchema.property(classifyAnswer, "label", JsonSchema.string("vowel or other"), true);
        ObjectNode generateRequest = JsonSchema.object("a prime");
        JsonSchema.property(generateRequest, "prime", JsonSchema.string("the prime", 2000), true);
        JsonSchema.property(generateRequest, "length", JsonSchema.integer("tokens", 1, 2000), false);
        JsonSchema.property(generateRequest, "stream", JsonSchema.bool("stream the tokens"), false);
        return List.of(
                new Endpoint(
                        "classify",
                        "vowel share",
                        PageForm.TEXT_CLASSIFICATION,
                        classifyRequest,
                        classifyAnswer,
                        false,
                        request -> {
                            double[] p = classifier.compute(request.text("text"));
                            ObjectNode answer = NODES.objectNode();
                            answer.put("label", p[0] > p[1] ? "vowel" : "other");
                            ObjectNode probabilities = answer.putObject("probabilities");
                            probabilities.put("vowel", p[0]);
                            probabilities.put("other", p[1]);
                            return Reply.json(answer);
                        }),
                new Endpoint(
                        "generate",
                        "the prime again",
                        PageForm.TEXT_GENERATION,
                        generateRequest,
                        JsonSchema.object("the tokens"),
                        true,
                        request -> {
                            String prime = request.text("prime");
                            int length = request.integer(
                                    "length", 10, 1, request.limits().maxTokens());
                            EventStream events = new EventStream(length + 2);
                            Generation job = new Generation(prime, length, events);
                            if (!request.bool("stream", false)) {
                                ObjectNode answer = NODES.objectNode();
                                answer.put("tokens", generator.compute(job));
                                return Reply.json(answer);
                            }
                            events.follow(generator.submit(job));
                            return Reply.stream(events);
                        }));
    }

    @Override
    public void close() {
        classifier.close();
        generator.close();
    }
}
