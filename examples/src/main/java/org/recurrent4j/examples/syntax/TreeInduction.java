package org.recurrent4j.examples.syntax;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.recurrent4j.conf.OnLstm;
import org.recurrent4j.conf.RnnOutput;
import org.recurrent4j.syntax.ParseTree;
import org.recurrent4j.syntax.SyntacticDistance;
import org.recurrent4j.synthetic.NestedBracketText;
import org.recurrent4j.training.RunListener;
import org.recurrent4j.training.TrainingRun;

/**
 * Unsupervised tree induction with an ON-LSTM, as in Shen et al. (2019), section 6.2, on generated
 * text whose true trees are known ({@link NestedBracketText}): train a language model (embedding →
 * {@link OnLstm} → softmax over the next token), read the syntactic distance of every step ({@link
 * SyntacticDistance}), turn the distances at the word boundaries into a binary tree over the words
 * ({@link ParseTree#fromDistances}) and score it against the true brackets with unlabeled F1,
 * beside the right-branching and random trees and the same model before training.
 *
 * <p>The sentences carry their brackets, so the model sees the structure as tokens; the question is
 * whether its master forget gate turns that into a hierarchy: whether the amount of memory erased
 * before a word grows with the number of constituents that close there. The boundary before word
 * {@code i} gets the largest distance of the steps that lead to it, from the step after word {@code
 * i − 1} to word {@code i} itself ({@link #wordBoundaries}).
 *
 * <pre>{@code
 * TreeInduction.Scores s = new TreeInduction(TreeInduction.Settings.defaults()).run(step -> {});
 * s.onLstm();   // mean sentence F1 of the induced trees
 * }</pre>
 */
public final class TreeInduction {

    /**
     * @param vocabulary words in the generated language
     * @param minWords fewest words in a sentence
     * @param maxWords most words in a sentence
     * @param embedding token embedding size
     * @param hidden ON-LSTM units
     * @param chunk ON-LSTM chunk size (divides {@code hidden})
     * @param steps training steps (mini-batches)
     * @param batch sentences per mini-batch
     * @param testSentences held-out sentences the F1 is averaged over
     * @param learningRate Adam learning rate
     * @param seed seeds the data, the weights and the random baseline
     */
    public record Settings(
            int vocabulary,
            int minWords,
            int maxWords,
            int embedding,
            int hidden,
            int chunk,
            int steps,
            int batch,
            int testSentences,
            double learningRate,
            long seed) {

        public static Settings defaults() {
            return new Settings(20, 4, 12, 32, 64, 8, 1500, 32, 500, 0.01, 7);
        }
    }

    /**
     * Mean sentence-level unlabeled F1 over the held-out sentences.
     *
     * @param untrained the ON-LSTM's trees before training
     * @param onLstm the ON-LSTM's trees after training
     * @param rightBranching the right-branching baseline
     * @param random the random-split baseline
     * @param untrainedLoss held-out next-token cross-entropy (nats per token) before training
     * @param loss the same after training
     */
    public record Scores(
            double untrained, double onLstm, double rightBranching, double random, double untrainedLoss, double loss) {}

    private final Settings settings;
    private final NestedBracketText text;

    public TreeInduction(Settings settings) {
        this.settings = settings;
        this.text = new NestedBracketText(settings.vocabulary(), settings.minWords(), settings.maxWords());
    }

    /** The language model: embedding, ON-LSTM (layer 1), softmax over the next token. */
    public MultiLayerNetwork model() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(settings.seed())
                .dataType(DataType.FLOAT)
                .updater(new Adam(settings.learningRate()))
                .list()
                .layer(new EmbeddingSequenceLayer.Builder()
                        .nIn(text.tokens())
                        .nOut(settings.embedding())
                        .build())
                .layer(new OnLstm.Builder()
                        .nIn(settings.embedding())
                        .nOut(settings.hidden())
                        .chunkSize(settings.chunk())
                        .build())
                .layer(new RnnOutput.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .dataFormat(RNNFormat.NCW)
                        .nIn(settings.hidden())
                        .nOut(text.tokens())
                        .build())
                .build());
        net.init();
        return net;
    }

    /**
     * Trains a fresh model and scores its trees before and after.
     *
     * @param progress called after each training step with the step number
     */
    public Scores run(IntConsumer progress) {
        Random data = new Random(settings.seed());
        List<NestedBracketText.Sentence> test = new ArrayList<>();
        for (int i = 0; i < settings.testSentences(); i++) {
            test.add(text.sentence(data));
        }
        DataSet testBatch = text.batch(test);
        MultiLayerNetwork net = model();
        double untrained = meanF1(net, test, testBatch);
        double untrainedLoss = tokenLoss(net, testBatch);
        try {
            TrainingRun.of(net)
                    .data(() -> {
                        List<NestedBracketText.Sentence> batch = new ArrayList<>();
                        for (int i = 0; i < settings.batch(); i++) {
                            batch.add(text.sentence(data));
                        }
                        return text.batch(batch);
                    })
                    .steps(settings.steps())
                    .listener(new RunListener() {
                        @Override
                        public void stepDone(Step step) {
                            progress.accept((int) step.step());
                        }
                    })
                    .build()
                    .train();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double trained = meanF1(net, test, testBatch);
        double loss = tokenLoss(net, testBatch);
        Random baseline = new Random(settings.seed() + 1);
        double right = 0;
        double random = 0;
        for (NestedBracketText.Sentence s : test) {
            ParseTree gold = gold(s);
            right += ParseTree.rightBranching(gold.tokens()).f1(gold);
            random += ParseTree.random(gold.tokens(), baseline).f1(gold);
        }
        return new Scores(untrained, trained, right / test.size(), random / test.size(), untrainedLoss, loss);
    }

    /** The mean F1 of the trees the model's distances induce over {@code sentences} (features: {@code batch}). */
    double meanF1(MultiLayerNetwork net, List<NestedBracketText.Sentence> sentences, DataSet batch) {
        double[][] distances = SyntacticDistance.of(net, 1, batch.getFeatures());
        double sum = 0;
        for (int i = 0; i < sentences.size(); i++) {
            NestedBracketText.Sentence s = sentences.get(i);
            ParseTree induced = ParseTree.fromDistances(wordBoundaries(distances[i], s.words()));
            sum += induced.f1(gold(s));
        }
        return sum / sentences.size();
    }

    /** Next-token cross-entropy in nats per real token. */
    static double tokenLoss(MultiLayerNetwork net, DataSet batch) {
        INDArray p = net.output(batch.getFeatures(), false, batch.getFeaturesMaskArray(), null);
        INDArray mask = batch.getLabelsMaskArray();
        INDArray picked = p.mul(batch.getLabels()).sum(1); // [B, T]: the probability of the true token
        INDArray logs = Transforms.log(picked.add(mask.rsub(1.0)), false).mul(mask);
        return -logs.sumNumber().doubleValue() / mask.sumNumber().doubleValue();
    }

    /**
     * The distance of the boundary before each word: the largest step distance from the step after
     * the previous word up to the word itself (the brackets between two words and the word); entry
     * 0, before the first word, is 0 (the tree builder never reads it).
     *
     * @param stepDistances the distance of each step of the sentence's tokens
     * @param words the token positions of the words, ascending
     */
    static double[] wordBoundaries(double[] stepDistances, int[] words) {
        double[] out = new double[words.length];
        for (int i = 1; i < words.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int t = words[i - 1] + 1; t <= words[i]; t++) {
                max = Math.max(max, stepDistances[t]);
            }
            out[i] = max;
        }
        return out;
    }

    private static ParseTree gold(NestedBracketText.Sentence s) {
        List<ParseTree.Span> spans = new ArrayList<>();
        for (int[] c : s.constituents()) {
            spans.add(new ParseTree.Span(c[0], c[1]));
        }
        return ParseTree.ofSpans(s.words().length, spans);
    }
}
