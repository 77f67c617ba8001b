// sample-char-rnn.jsh: load a saved char-RNN and generate text from it, one character at a time.
//
//   ./recurrent4j char-rnn                                        # trains one into runs/char-rnn
//   RECURRENT4J_MODEL=runs/char-rnn ./recurrent4j jshell sample-char-rnn
//   ./recurrent4j jshell sample-char-rnn                          # no model: trains a tiny one first
//
// Parameters (environment variables):
//   RECURRENT4J_MODEL          a model directory as `recurrent4j char-rnn` writes it (model.zip and
//                              vocabulary.txt). Unset: a tiny model is trained here for a few
//                              seconds on the project's own sources and saved to a new temporary
//                              directory, which this notebook then loads like any other.
//   RECURRENT4J_SAMPLE_LENGTH  characters to generate (default 200)
//   RECURRENT4J_TEMPERATURE    sampling temperature (default 0.8)
// The last cells check the sample and throw if it is wrong.
//
// A character-level language model reads text one character at a time and outputs, at every step,
// a probability for each character of its vocabulary to come next:
//
//     p(x_{t+1} | x_1 ... x_t) = softmax(W h_t + b),   h_t = LSTM(x_t, h_{t-1}, c_{t-1})
//
// Generating is the same loop run on its own output: feed a prime, draw the next character from
// the predicted distribution, feed that character back, and so on. The network's state (h, c) is
// what carries the text so far; rnnTimeStep keeps it between calls, so each new character costs
// one step, not a rerun of the whole prefix.

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.recurrent4j.io.ModelFile;
import org.recurrent4j.training.RunResult;
import org.recurrent4j.training.TrainingRun;
import org.recurrent4j.decode.LanguageModelSampler;
import org.recurrent4j.decode.TokenSampler;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.examples.charrnn.CharRnnCommand;
import org.recurrent4j.examples.charrnn.CharRnnModel;
import org.recurrent4j.examples.charrnn.TextCorpus;
import org.recurrent4j.text.CharacterSequenceRecordReader;
import org.recurrent4j.text.CharacterVocabulary;

// A failed check stops the notebook: the runner reports the exception and exits with status 1.
void check(boolean ok, String what) {
    if (!ok) {
        throw new AssertionError("CHECK FAILED: " + what);
    }
    System.out.println("ok: " + what);
}

String setting(String name, String otherwise) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? otherwise : value;
}

int sampleLength = Integer.parseInt(setting("RECURRENT4J_SAMPLE_LENGTH", "200"));
double temperature = Double.parseDouble(setting("RECURRENT4J_TEMPERATURE", "0.8"));

// ---------------------------------------------------------------------------------------------
// 1. A model directory: the one given, or a tiny model trained and saved here.
//
// The tiny model: one LSTM layer of 48 units over the first 30,000 characters of the embedded
// corpus (recurrent4j's own Java sources), 60 steps of 16 windows of 32 characters, Adam 0.02 (about
// 15 seconds on 2 busy cores). It will not write good Java, but it learns the frequent characters
// and some spacing: its loss on fixed windows falls well below uniform guessing, ln(V) nats per
// character. A fixed number of steps, not a time budget, so that the result does not depend on how
// busy the machine is.

// Random windows of 32 characters, one-hot, 16 per batch, offsets drawn from the seed's generator.
CharacterSequenceRecordReader.Batches windows(String text, CharacterVocabulary vocab, long seed) throws IOException {
    CharacterSequenceRecordReader reader = new CharacterSequenceRecordReader.Builder(vocab)
            .length(32)
            .randomOffsets(seed)
            .features(CharacterSequenceRecordReader.Features.ONE_HOT)
            .build();
    reader.initialize(text, "corpus");
    return reader.batches(16);
}

// The mean loss per character of the next 2 batches (DL4J's score sums a window's 32 steps).
double windowLoss(MultiLayerNetwork net, CharacterSequenceRecordReader.Batches batches) {
    return (net.score(batches.nextContinuing()) + net.score(batches.nextContinuing())) / 2 / 32;
}

Path modelDir;
double lossBefore = Double.NaN;
double lossAfter = Double.NaN;
String given = setting("RECURRENT4J_MODEL", "");
if (!given.isEmpty()) {
    modelDir = Path.of(given);
    if (!Files.isRegularFile(modelDir.resolve(CharRnnCommand.MODEL_FILE))) {
        throw new IllegalArgumentException("RECURRENT4J_MODEL=" + given + ": no " + CharRnnCommand.MODEL_FILE
                + " there (./recurrent4j char-rnn --out DIR writes one)");
    }
    System.out.println("model directory: " + modelDir.toAbsolutePath());
} else {
    String text = TextCorpus.embedded().text().substring(0, 30_000);
    CharacterVocabulary vocab = CharacterVocabulary.of(text);
    MultiLayerNetwork tiny = CharRnnModel.build(
            vocab.size(), new CharRnnModel.Settings(CellTypes.LSTM, 48, 1, 32, 0.02, 42));
    // Random windows of 32 characters, 16 per batch, from the project's CharacterSequenceRecordReader
    // (offsets drawn from a seeded generator). Mean loss in nats per character over the same 2 batches
    // (seed 1) before and after training on others (seed 42) with the library's training run.
    lossBefore = windowLoss(tiny, windows(text, vocab, 1));
    CharacterSequenceRecordReader.Batches training = windows(text, vocab, 42);
    RunResult result = TrainingRun.of(tiny).data(training::nextContinuing).steps(60).build().train();
    lossAfter = windowLoss(tiny, windows(text, vocab, 1));
    System.out.printf("trained a tiny model: %d steps in %.1f s, loss %.3f -> %.3f nats/char (uniform: %.3f)%n",
            result.steps(), result.elapsed().toMillis() / 1000.0, lossBefore, lossAfter, Math.log(vocab.size()));
    modelDir = Files.createTempDirectory("recurrent4j-char-rnn");
    CharRnnCommand.save(tiny, vocab, modelDir);
    System.out.println("saved it to " + modelDir);
}

// ---------------------------------------------------------------------------------------------
// 2. Load: the network (a ModelFile: checked against its integrity record, then read by DL4J's
// ModelSerializer) and the vocabulary that maps characters to the
// indices of its one-hot input and softmax output.

MultiLayerNetwork net = ModelFile.loadMultiLayerNetwork(modelDir.resolve(CharRnnCommand.MODEL_FILE), false);
CharacterVocabulary vocabulary = CharacterVocabulary.load(modelDir.resolve(CharRnnCommand.VOCABULARY_FILE));
System.out.printf("loaded: %d layers, %,d parameters, %d characters in the vocabulary%n",
        net.getnLayers(), net.numParams(), vocabulary.size());

// ---------------------------------------------------------------------------------------------
// 3. Sample. TokenSampler turns the predicted distribution p into the one we draw from:
//
//     temperature τ:  p_i^(1/τ) / Σ_j p_j^(1/τ)     τ < 1 sharpens (safer), τ > 1 flattens (wilder)
//     top-k:          keep the k most probable characters, renormalize
//
// LanguageModelSampler feeds the prime, then draws and feeds back one character per rnnTimeStep.

String prime = vocabulary.contains('\n') ? "\n" : vocabulary.character(0);
TokenSampler sampler = TokenSampler.withTemperature(temperature).topK(20);
int[] tokens = LanguageModelSampler.oneHot(net)
        .generate(vocabulary.encode(prime, "prime"), sampleLength, sampler, new Random(7));
String sample = vocabulary.decode(tokens);
System.out.println("---- sample (" + sampler + ") ----");
System.out.println(sample);
System.out.println("-----------------------------------");

// Greedy decoding (always the most probable character) is deterministic: the same prime gives the
// same text every time. A small model's greedy text soon repeats itself (often its most frequent
// character, a space, over and over): drawing at random is what lets the text move on.
TokenSampler greedy = TokenSampler.greedy();
String greedy1 = vocabulary.decode(LanguageModelSampler.oneHot(net).generate(vocabulary.encode(prime, "prime"), 80, greedy, new Random(1)));
String greedy2 = vocabulary.decode(LanguageModelSampler.oneHot(net).generate(vocabulary.encode(prime, "prime"), 80, greedy, new Random(2)));
System.out.println("greedy: " + greedy1.replace("\n", "\\n"));

// ---------------------------------------------------------------------------------------------
// Checks

check(tokens.length == sampleLength, "the sample has the requested " + sampleLength + " characters (" + tokens.length + ")");
check(sample.codePointCount(0, sample.length()) == sampleLength, "decoded, it is " + sampleLength + " characters long");
check(sample.codePoints().allMatch(vocabulary::contains), "every sampled character is in the vocabulary");
check(greedy1.equals(greedy2), "greedy decoding is deterministic");
if (!Double.isNaN(lossAfter)) {
    check(lossAfter < lossBefore - 0.8, "the tiny model learned: " + lossBefore + " -> " + lossAfter + " nats/char");
}
