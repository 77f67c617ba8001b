package org.recurrent4j.examples.charrnn;

import org.recurrent4j.decode.TokenSampler;
import org.recurrent4j.examples.cli.Range;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.text.CharacterVocabulary;
import picocli.CommandLine.Option;

/** How {@code char-rnn} and {@code char-rnn sample} generate text. */
public final class SamplingOptions {

    @Option(
            names = {"--length", "--sample-length"},
            paramLabel = "N",
            description = "characters to generate (default: ${DEFAULT-VALUE})")
    @Range(min = 0, max = 1_000_000)
    private int length = 600;

    @Option(names = "--temperature", paramLabel = "T", description = "sampling temperature (default: ${DEFAULT-VALUE})")
    @Range(min = 0.01, max = 10)
    private double temperature = 0.8;

    @Option(
            names = "--top-k",
            paramLabel = "K",
            description = "sample among the K most probable characters only (default: ${DEFAULT-VALUE}, all)")
    @Range(min = 0)
    private int topK;

    @Option(
            names = "--top-p",
            paramLabel = "P",
            description = "sample among the most probable characters whose mass reaches P (default: ${DEFAULT-VALUE},"
                    + " all)")
    @Range(min = 1e-6, max = 1)
    private double topP = 1;

    @Option(
            names = "--prime",
            paramLabel = "TEXT",
            description = "text to start from (default: a line break, or the first character of the vocabulary)")
    private String prime;

    public int length() {
        return length;
    }

    public TokenSampler sampler() {
        return TokenSampler.withTemperature(temperature).topK(topK).topP(topP);
    }

    /**
     * The text to start from, in {@code vocabulary}.
     *
     * @throws UsageException for a {@code --prime} with a character the model does not know
     */
    public String prime(CharacterVocabulary vocabulary) throws UsageException {
        if (prime == null) {
            return vocabulary.contains('\n') ? "\n" : vocabulary.character(0);
        }
        if (prime.isEmpty()) {
            throw new UsageException("--prime must not be empty");
        }
        try {
            vocabulary.encode(prime, "--prime");
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return prime;
    }
}
