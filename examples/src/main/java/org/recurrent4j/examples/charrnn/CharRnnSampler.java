package org.recurrent4j.examples.charrnn;

import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.recurrent4j.decode.LanguageModelSampler;
import org.recurrent4j.decode.TokenSampler;
import org.recurrent4j.text.CharacterVocabulary;

/**
 * Generates text from a trained char-RNN one character at a time, with the library's {@link
 * LanguageModelSampler} (stateful {@code rnnTimeStep}: each character costs one step) and a {@link
 * TokenSampler} (temperature, top-k, top-p).
 */
public final class CharRnnSampler {

    private CharRnnSampler() {}

    /**
     * @param prime text to start from (every character must be in the vocabulary)
     * @return {@code prime} followed by {@code length} generated characters
     */
    public static String sample(
            MultiLayerNetwork net,
            CharacterVocabulary vocabulary,
            String prime,
            int length,
            TokenSampler sampler,
            Random random) {
        if (prime.isEmpty()) {
            throw new IllegalArgumentException("the prime text must not be empty");
        }
        int[] generated = LanguageModelSampler.oneHot(net)
                .generate(vocabulary.encode(prime, "prime text"), length, sampler, random);
        StringBuilder text = new StringBuilder(prime);
        for (int token : generated) {
            text.appendCodePoint(vocabulary.codePoint(token));
        }
        return text.toString();
    }

    /** {@link #sample(MultiLayerNetwork, CharacterVocabulary, String, int, TokenSampler, Random)} at a temperature. */
    public static String sample(
            MultiLayerNetwork net,
            CharacterVocabulary vocabulary,
            String prime,
            int length,
            double temperature,
            Random random) {
        return sample(net, vocabulary, prime, length, TokenSampler.withTemperature(temperature), random);
    }
}
