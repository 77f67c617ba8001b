// structures.jsh: the four classic shapes of a recurrent network, each built in a few lines with
// org.recurrent4j.arch, trained briefly on a synthetic task, and checked to have learned.
//
//   ./recurrent4j jshell structures
//
// Parameters: none. The networks are small and trained briefly: about 90 seconds on 2 cores shared
// with other jobs, the encoder-decoder half of it. The last cells check the results and throw if one
// is wrong.
//
//   N→N  SequenceLabeler     an output at every input step          (tagging, language models)
//   N→1  SequenceClassifier  one output for the whole sequence      (sentiment, time-series class)
//   1→N  OneToMany           a sequence out of one vector           (captioning, generation)
//   N→M  EncoderDecoder      a sequence in, another of its own length out   (translation)
//
// Each builder returns a plain DL4J ComputationGraphConfiguration. Every task is measured on data
// drawn with another seed than the training data, before and after training: the bound each check
// uses is one an untrained (or memoryless) model cannot reach.

import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.arch.EncoderDecoder;
import org.recurrent4j.arch.OneToMany;
import org.recurrent4j.arch.SequenceClassifier;
import org.recurrent4j.arch.SequenceLabeler;
import org.recurrent4j.decode.SequenceDecoder;
import org.recurrent4j.synthetic.CountUp;
import org.recurrent4j.synthetic.DelayedRecall;
import org.recurrent4j.seq2seq.HeldOutSplit;
import org.recurrent4j.synthetic.PairTask;
import org.recurrent4j.seq2seq.SequencePair;
import org.recurrent4j.seq2seq.SequencePairIterator;
import org.recurrent4j.synthetic.SyntheticControlCharts;
import org.recurrent4j.seq2seq.TokenEncoding;

// A failed check stops the notebook: the runner reports the exception and exits with status 1.
void check(boolean ok, String what) {
    if (!ok) {
        throw new AssertionError("CHECK FAILED: " + what);
    }
    System.out.println("ok: " + what);
}

// Fraction of the (unmasked) steps or examples whose most probable class is the label's class.
// Outputs and labels are [batch, classes] or [batch, classes, T]: argmax over dimension 1.
double accuracy(INDArray output, INDArray labels, INDArray labelMask) {
    INDArray hits = output.argMax(1).eq(labels.argMax(1)).castTo(DataType.DOUBLE);
    if (labelMask == null) {
        return hits.meanNumber().doubleValue();
    }
    INDArray mask = labelMask.castTo(DataType.DOUBLE);
    return hits.mul(mask).sumNumber().doubleValue() / mask.sumNumber().doubleValue();
}

long started = System.nanoTime();
double seconds() {
    return (System.nanoTime() - started) / 1e9;
}

// ---------------------------------------------------------------------------------------------
// 1. N→N: SequenceLabeler on delayed recall.
//
// Input: a random symbol (one of 4, one-hot) at each of 12 steps. Target at step t: the symbol seen
// at step t − 2. The symbols are independent, so without memory the best is chance, 1/4; the
// network must hold the last two symbols in its state h_t and read the older one out through its
// softmax, y_t = softmax(W h_t + b).

ComputationGraph labeler = new ComputationGraph(new SequenceLabeler()
        .features(4).cell(CellTypes.GRU).hidden(24).classes(4)
        .updater(new Adam(0.02)).seed(5)
        .build());
labeler.init();
DataSet recallTest = new DelayedRecall(4, 12, 2, 300, 1, 99).next();
double labelerBefore = accuracy(labeler.outputSingle(recallTest.getFeatures()), recallTest.getLabels(), recallTest.getLabelsMaskArray());
labeler.fit(new DelayedRecall(4, 12, 2, 32, 80, 1));
double labelerAfter = accuracy(labeler.outputSingle(recallTest.getFeatures()), recallTest.getLabels(), recallTest.getLabelsMaskArray());
System.out.printf("N→N delayed recall (GRU 24): %.1f%% -> %.1f%% of steps (chance 25%%)   [%.0f s]%n",
        100 * labelerBefore, 100 * labelerAfter, seconds());

// ---------------------------------------------------------------------------------------------
// 2. N→1: SequenceClassifier on synthetic control charts.
//
// Input: a series of 40 values from one of six processes (normal, cyclic, increasing trend,
// decreasing trend, upward shift, downward shift). Target: which process. The recurrent layer reads
// the series; MEAN pooling averages h_t over the steps into one vector, and a softmax classifies it.
// The generator's values lie around 30 ± 30: centre and scale them, as any input to a tanh network.

ComputationGraph classifier = new ComputationGraph(new SequenceClassifier()
        .features(1).cell(CellTypes.LSTM).hidden(24)
        .pooling(SequenceClassifier.Pooling.MEAN).classes(6)
        .updater(new Adam(0.02)).seed(5)
        .build());
classifier.init();
DataSet chartsTest = new SyntheticControlCharts(40, 300, 1, 99).next();
chartsTest.getFeatures().subi(30).divi(10);
double classifierBefore = accuracy(classifier.outputSingle(chartsTest.getFeatures()), chartsTest.getLabels(), null);
SyntheticControlCharts chartsTrain = new SyntheticControlCharts(40, 32, 80, 1);
chartsTrain.setPreProcessor(d -> d.getFeatures().subi(30).divi(10));
classifier.fit(chartsTrain);
double classifierAfter = accuracy(classifier.outputSingle(chartsTest.getFeatures()), chartsTest.getLabels(), null);
System.out.printf("N→1 control charts (LSTM 24, mean pooling): %.1f%% -> %.1f%% of series (chance 16.7%%)   [%.0f s]%n",
        100 * classifierBefore, 100 * classifierAfter, seconds());

// ---------------------------------------------------------------------------------------------
// 3. 1→N: OneToMany counting up.
//
// Input: one vector, the one-hot start s (of 10 values) and stride k (1 to 3). Target: the count
// y_t = (s + k·t) mod 10 for t = 0 … 5. With INITIAL_STATE the vector becomes the recurrent layer's
// starting state, h_0 = tanh(W v + b); the layer then runs 6 steps on a constant input, and
// everything it writes must come from h_0. Without the vector each value is uniform: 10%.

ComputationGraph counter = new ComputationGraph(new OneToMany()
        .vectorSize(13).features(1).cell(CellTypes.GRU).hidden(32)
        .feed(OneToMany.Feed.INITIAL_STATE).classes(10)
        .updater(new Adam(0.02)).seed(5)
        .build());
counter.init();

// The step input: a constant 1 at every output step (the count is not fed back). Its length sets T.
INDArray steps(DataSet d) {
    return Nd4j.ones(d.getFeatures().dataType(), d.getFeatures().size(0), 1, d.getLabels().size(2));
}

DataSet countTest = new CountUp(10, 3, 6, 300, 1, 99).next();
double counterBefore = accuracy(counter.output(countTest.getFeatures(), steps(countTest))[0], countTest.getLabels(), null);
CountUp countTrain = new CountUp(10, 3, 6, 32, 120, 1);
while (countTrain.hasNext()) {
    DataSet d = countTrain.next();
    counter.fit(new INDArray[] {d.getFeatures(), steps(d)}, new INDArray[] {d.getLabels()});
}
double counterAfter = accuracy(counter.output(countTest.getFeatures(), steps(countTest))[0], countTest.getLabels(), null);
System.out.printf("1→N count up (GRU 32, initial state): %.1f%% -> %.1f%% of steps (chance 10%%)   [%.0f s]%n",
        100 * counterBefore, 100 * counterAfter, seconds());

// ---------------------------------------------------------------------------------------------
// 4. N→M: EncoderDecoder reversing a sequence.
//
// Source: 2 to 4 symbols of 5; target: the same symbols reversed, then END. The encoder reads the
// source into its final state c; the decoder starts from tanh(W c + b) (INITIAL_STATE) and, trained
// with teacher forcing, reads START y_1 … y_{M−1} and predicts y_1 … y_M END. At test time it must
// produce the target from START alone: SequenceDecoder feeds its own greedy choices back until END.
// The held-out sources are never seen in training; a match is the whole sequence, exactly.

PairTask reverse = PairTask.reverse(5, 2, 4);
ComputationGraph seq2seq = new ComputationGraph(new EncoderDecoder()
        .features(reverse.sourceAlphabet().size()).targetOneHot(reverse.targetAlphabet().size())
        .cell(CellTypes.LSTM).hidden(32)
        .context(EncoderDecoder.Context.INITIAL_STATE)
        .updater(new Adam(0.02)).seed(3)
        .build());
seq2seq.init();
SequencePairIterator pairsTrain = new SequencePairIterator.Builder(reverse)
        .batchSize(32).batches(160).seed(1)
        .part(HeldOutSplit.Part.TRAINING, 0.2).encoding(TokenEncoding.ONE_HOT).build();
SequencePairIterator pairsHeldOut = new SequencePairIterator.Builder(reverse)
        .batchSize(30).batches(1).seed(2)
        .part(HeldOutSplit.Part.HELD_OUT, 0.2).encoding(TokenEncoding.ONE_HOT).build();
List<SequencePair> heldOut = pairsHeldOut.nextPairs();
SequenceDecoder decoder = SequenceDecoder.oneHot(
        seq2seq, reverse.targetAlphabet().size(), reverse.targetAlphabet().start(), reverse.targetAlphabet().end());

// Greedy decoding stops at END (not returned) or after maxLength tokens: one more than the target's
// length is enough to tell a right answer from one that runs on.
double exactMatch() {
    int hits = 0;
    for (SequencePair pair : heldOut) {
        INDArray source = pairsHeldOut.encode(List.of(pair)).getFeatures(0);
        if (Arrays.equals(decoder.greedy(source, null, pair.targetLength() + 1), pair.target())) {
            hits++;
        }
    }
    return hits / (double) heldOut.size();
}

double seq2seqBefore = exactMatch();
seq2seq.fit(pairsTrain);
double seq2seqAfter = exactMatch();
// An example whose reversal differs from its source (not a palindrome).
SequencePair example = heldOut.stream().filter(p -> !Arrays.equals(p.source(), p.target())).findFirst().orElseThrow();
System.out.printf("N→M reversal (LSTM 32, initial state): %.1f%% -> %.1f%% exact match, held out   [%.0f s]%n",
        100 * seq2seqBefore, 100 * seq2seqAfter, seconds());
System.out.println("  e.g. source " + Arrays.toString(example.source()) + " -> decoded "
        + Arrays.toString(decoder.greedy(pairsHeldOut.encode(List.of(example)).getFeatures(0), null, 8))
        + " (target " + Arrays.toString(example.target()) + ")");

// ---------------------------------------------------------------------------------------------
// Checks: untrained below the bound, trained above it.

check(labelerBefore < 0.4 && labelerAfter >= 0.8, "N→N learned delayed recall: " + labelerBefore + " -> " + labelerAfter + " (bound 0.8)");
check(classifierBefore < 0.45 && classifierAfter >= 0.75, "N→1 learned the control charts: " + classifierBefore + " -> " + classifierAfter + " (bound 0.75)");
check(counterBefore < 0.25 && counterAfter >= 0.7, "1→N learned to count: " + counterBefore + " -> " + counterAfter + " (bound 0.7)");
check(seq2seqBefore < 0.1 && seq2seqAfter >= 0.6, "N→M learned to reverse held-out sources: " + seq2seqBefore + " -> " + seq2seqAfter + " (bound 0.6)");
