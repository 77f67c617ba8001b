// training-run.jsh: the library's training run (org.recurrent4j.training.TrainingRun) trains a
// sequence classifier, is stopped in the middle of an epoch, resumes from its last checkpoint, and
// ends bit for bit where a run without a stop ends.
//
//   ./recurrent4j jshell training-run
//
// Parameters: none. About 30 seconds on 2 cores. The last cells check the results and throw if one
// is wrong.
//
// The task: the six control-chart patterns (normal, cyclic, trends, shifts), 60 steps each, classed
// by a GRU read at its last step. The run has what a long training run needs: a budget in epochs,
// a learning rate that falls along a cosine, the held-out loss and accuracy after every epoch,
// checkpoints (here after every step, to have one right before the stop), dropout (so the random
// generator's state matters), and the fingerprint of the training data.

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.arch.SequenceClassifier;
import org.recurrent4j.checkpoint.Checkpoint;
import org.recurrent4j.checkpoint.CheckpointStore;
import org.recurrent4j.synthetic.SyntheticControlCharts;
import org.recurrent4j.training.DataFingerprint;
import org.recurrent4j.training.Interval;
import org.recurrent4j.training.Metrics;
import org.recurrent4j.training.RateSchedule;
import org.recurrent4j.training.RunListener;
import org.recurrent4j.training.RunResult;
import org.recurrent4j.training.TrainingRun;

// A failed check stops the notebook: the runner reports the exception and exits with status 1.
void check(boolean ok, String what) {
    if (!ok) {
        throw new AssertionError("CHECK FAILED: " + what);
    }
    System.out.println("ok: " + what);
}

// 360 training and 120 held-out series, each class equally often; centred and scaled (the
// generator's values lie within about 30 ± 30), as a recurrent layer's saturating gates want.
DataSet train = new SyntheticControlCharts(60, 360, 1, 1).next();
DataSet heldOut = new SyntheticControlCharts(60, 120, 1, 2).next();
train.getFeatures().subi(30).divi(10);
heldOut.getFeatures().subi(30).divi(10);
String fingerprint = DataFingerprint.sha256(train.getFeatures().ravel().toDoubleVector());

// A fresh network: one GRU layer of 24 units read at the last step, dropout on its input.
ComputationGraph network() {
    ComputationGraph net = new ComputationGraph(new SequenceClassifier()
            .features(1)
            .cell(CellTypes.GRU)
            .hidden(24)
            .inputDropout(0.1)
            .classes(6)
            .updater(new Adam(0.01))
            .seed(7)
            .build());
    net.init();
    return net;
}

// The run's configuration, the same for every part of it: 5 epochs of 12 batches of 30, the rate
// falling from 0.01 to 0.001, the held-out loss and accuracy after every epoch. A stop is simulated
// by a listener that throws once the checkpoint of a given step is written, as if the process were
// killed there.
TrainingRun.Builder configured(TrainingRun.Builder builder, CheckpointStore store, long stopAfter) {
    return builder
            // One list element per batch (without the 1, ListDataSetIterator merges 5 into one).
            .data(new ListDataSetIterator<>(train.batchBy(30), 1))
            .epochs(5)
            .batchesPerEpoch(12)
            .learningRate(RateSchedule.cosine(0.01, 0.001))
            .evaluate(Interval.epochs(1), Metrics.loss(new ListDataSetIterator<>(heldOut.batchBy(60), 1)),
                    Metrics.accuracy(new ListDataSetIterator<>(heldOut.batchBy(60), 1)))
            .checkpoints(store, Interval.steps(1))
            .dataFingerprint(fingerprint)
            .listener(new RunListener() {
                public void checkpointWritten(Path checkpoint, long step) {
                    if (step == stopAfter) {
                        throw new IllegalStateException("stopped after step " + stopAfter);
                    }
                }

                public void measured(Measurement m) {
                    System.out.printf("step %2d: held-out loss %.3f, accuracy %.3f%n",
                            m.step(), m.values().get("heldout_loss"), m.values().get("heldout_accuracy"));
                }
            });
}

Path dir = Files.createTempDirectory("training-run-notebook");

// 1. The run without a stop.
System.out.println("-- without a stop --");
ComputationGraph wholeNet = network();
RunResult whole = configured(TrainingRun.of(wholeNet), new CheckpointStore(dir.resolve("whole"), 1), -1)
        .build().train();

// 2. The same run, stopped after step 20 (the 8th batch of epoch 2)...
System.out.println("-- stopped after step 20 --");
CheckpointStore store = new CheckpointStore(dir.resolve("stopped"), 2);
try {
    configured(TrainingRun.of(network()), store, 20).build().train();
} catch (IllegalStateException e) {
    System.out.println(e.getMessage());
}
Checkpoint last = store.newest().orElseThrow();
System.out.println("newest checkpoint: " + last.directory().getFileName() + " (step " + last.step() + ")");

// 3. ...and resumed from its newest checkpoint: the network, Adam's moments, the random state, the
// data position (epoch 2, batch 8), the schedule and the curves all come from the checkpoint.
System.out.println("-- resumed --");
TrainingRun resumed = configured(TrainingRun.resuming(last), store, -1).build();
RunResult rest = resumed.train();
ComputationGraph resumedNet = resumed.computationGraph();

// The curves without their times (the only thing that differs between the runs).
String rows(RunResult result) {
    StringBuilder text = new StringBuilder();
    for (var row : result.curves().rows()) {
        text.append(row.step()).append(' ').append(row.trainLoss()).append(' ')
                .append(Arrays.toString(row.metrics())).append('\n');
    }
    return text.toString();
}

check(last.step() == 20, "the newest checkpoint is the one after step 20");
check(rest.steps() == 60 && resumed.startStep() == 20, "the resumed run trained steps 21 to 60");
check(Arrays.equals(wholeNet.params().toFloatVector(), resumedNet.params().toFloatVector()),
        "the parameters equal the run's without a stop, bit for bit");
check(Arrays.equals(wholeNet.getUpdater().getStateViewArray().toFloatVector(),
                resumedNet.getUpdater().getStateViewArray().toFloatVector()),
        "so do Adam's moments");
check(rows(whole).equals(rows(rest)), "and the learning curves");
double accuracy = whole.lastMeasurement().get("heldout_accuracy");
check(accuracy > 0.8, "the classifier learned: held-out accuracy " + accuracy + " (chance 1/6)");
