package org.recurrent4j.examples.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToLongFunction;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.recurrent4j.checkpoint.Checkpoint;
import org.recurrent4j.checkpoint.CheckpointException;
import org.recurrent4j.checkpoint.CheckpointStore;
import org.recurrent4j.examples.cli.RunFailedException;
import org.recurrent4j.examples.cli.TrainingProgress;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.diagnostics.TrainingCurves;
import org.recurrent4j.training.DivergenceGuard;
import org.recurrent4j.training.TrainingDivergedException;

/**
 * The training loop of the commands that train in epochs ({@code sentiment}, {@code timeseries
 * classify|forecast}, {@code seq2seq}): mini-batches fitted one by one with a progress bar, a
 * measurement after every epoch (on the whole held-out part, by the caller) that goes into the
 * learning curves, checkpoints every few minutes and at the end, and a run resumed from a
 * checkpoint that continues bit for bit.
 *
 * <p>Exact resumption rests on one contract: {@link Epochs#epoch} gives the same batches for an
 * epoch whenever the epochs before it were asked for in order (a reader reshuffled at each reset, a
 * generator seeded once: both qualify). A resumed run asks for the epochs it already did and reads
 * through them without fitting, skips the batches of the current epoch that were fitted, and then
 * restores ND4J's random state (dropout masks) from the checkpoint; the network and its optimizer
 * state come from the checkpoint too. (So the data may not draw from ND4J's random generator:
 * {@code java.util.Random} with a seed, as every reader of the project does.)
 *
 * <pre>{@code
 * RunSettings settings = RunSettings.of(commandSpec, RunSettings.sha256(trainingTexts));
 * EpochTrainer.Start start = resume.isPresent()
 *         ? EpochTrainer.resume(resume.get(), settings, epochs)      // checks options, data and budget
 *         : EpochTrainer.fresh("dev_accuracy");
 * EpochTrainer<DataSet> trainer = EpochTrainer.of(net, start)
 *         .progress("sentiment", "texts", showBar)
 *         .checkpoints(store, Duration.ofMinutes(10), settings.properties(), Map.of());
 * trainer.train(epochs, batchesPerEpoch, epoch -> batchesOf(epoch), (epoch, step, loss, took) -> accuracy(net));
 * }</pre>
 */
public final class EpochTrainer<B> {

    /** The curves' file inside every checkpoint. */
    public static final String CURVES_FILE = "curves.csv";

    private static final String EPOCH = "run.epoch";
    private static final String BATCHES = "run.epoch.batches";
    private static final String LOSS_SUM = "run.epoch.loss.sum";
    private static final String EXAMPLES = "run.epoch.examples";
    private static final String BUDGET_USED = "run.budget.used";
    private static final String LEARNING_RATE = "run.learning.rate";

    /** The batches of each epoch. */
    @FunctionalInterface
    public interface Epochs<B> {
        /** The batches of {@code epoch} (1-based); called for epoch 1, 2, … in order. */
        Iterator<B> epoch(int epoch);
    }

    /** What is measured after each epoch. */
    @FunctionalInterface
    public interface Measure {
        /**
         * @param trainingLoss the mean training loss over the epoch's batches
         * @param elapsed the time since this run started training
         * @return the held-out value written into the curves beside the training loss
         */
        double afterEpoch(int epoch, long step, double trainingLoss, Duration elapsed);
    }

    /**
     * Where training stands: in {@code epoch} (1-based), {@code batches} of it fitted, {@code step}
     * batches in all, the sum of the losses of the epoch's fitted batches and the examples they
     * held, and the share of the training budget used (what a learning-rate schedule follows; NaN
     * when a checkpoint did not record it).
     */
    public record Position(int epoch, long batches, long step, double lossSum, long examples, double budgetUsed) {
        static final Position FRESH = new Position(1, 0, 0, 0, 0, 0);
    }

    /**
     * Where a run starts: its position, the curves so far, and the checkpoint it resumes with the
     * learning rate that run was given (null and NaN for a fresh run; NaN for a checkpoint that did
     * not record it).
     */
    public record Start(Position position, TrainingCurves curves, Checkpoint checkpoint, double learningRate) {}

    private final Model net;
    private final Consumer<B> fit;
    private final ToLongFunction<B> examplesOf;
    private final Start start;
    private String task = "training";
    private String unit = "examples";
    private boolean progressBar;
    private CheckpointStore store;
    private long checkpointEveryNanos;
    private Map<String, String> properties = Map.of();
    private Map<String, CheckpointStore.Extra> extras = Map.of();
    private double learningRate = Double.NaN;
    private RateSchedule schedule = new RateSchedule(LearningRateDecay.NONE, Double.NaN);
    private Path lastCheckpoint;

    private EpochTrainer(Model net, Consumer<B> fit, ToLongFunction<B> examplesOf, Start start) {
        this.net = net;
        this.fit = fit;
        this.examplesOf = examplesOf;
        this.start = start;
    }

    public static EpochTrainer<DataSet> of(MultiLayerNetwork net, Start start) {
        return new EpochTrainer<>(net, net::fit, DataSet::numExamples, start);
    }

    public static EpochTrainer<DataSet> of(ComputationGraph net, Start start) {
        return new EpochTrainer<>(net, net::fit, DataSet::numExamples, start);
    }

    /** A trainer of a graph with several inputs or outputs, fed {@link MultiDataSet}s. */
    public static EpochTrainer<MultiDataSet> ofMultiDataSets(ComputationGraph net, Start start) {
        return new EpochTrainer<>(net, net::fit, batch -> batch.getFeatures(0).size(0), start);
    }

    /** A run from the first batch, with empty curves whose held-out column is {@code validation}. */
    public static Start fresh(String validation) {
        return new Start(Position.FRESH, new TrainingCurves(validation), null, Double.NaN);
    }

    /**
     * Where the run saved in {@code checkpoint} stood: its position and curves.
     *
     * @throws CheckpointException if the checkpoint is not one of an epoch-trained run
     */
    public static Start start(Checkpoint checkpoint) throws IOException {
        Position position;
        double learningRate;
        try {
            position = new Position(
                    Integer.parseInt(checkpoint.property(EPOCH)),
                    Long.parseLong(checkpoint.property(BATCHES)),
                    checkpoint.step(),
                    Double.parseDouble(checkpoint.property(LOSS_SUM)),
                    Long.parseLong(checkpoint.property(EXAMPLES)),
                    checkpoint.properties().containsKey(BUDGET_USED)
                            ? Double.parseDouble(checkpoint.property(BUDGET_USED))
                            : Double.NaN);
            learningRate = checkpoint.properties().containsKey(LEARNING_RATE)
                    ? Double.parseDouble(checkpoint.property(LEARNING_RATE))
                    : Double.NaN;
        } catch (NumberFormatException e) {
            throw new CheckpointException(
                    "checkpoint " + checkpoint.directory() + " has a malformed training position: " + e.getMessage(),
                    e);
        }
        Path curves = checkpoint.file(CURVES_FILE);
        return new Start(
                position,
                TrainingCurves.parse(Files.readString(curves, StandardCharsets.UTF_8), curves.toString()),
                checkpoint,
                learningRate);
    }

    /**
     * Where a resumed run starts: {@code checkpoint}'s position and curves, after checking that the
     * run continues the checkpoint's ({@code settings}) and that {@code epochs} leaves something to
     * train.
     *
     * @throws UsageException naming what differs, or the epochs done already
     */
    public static Start resume(Checkpoint checkpoint, RunSettings settings, int epochs) throws UsageException {
        return resume(checkpoint, settings, epochs, Long.MAX_VALUE);
    }

    /**
     * Where a resumed run with a budget of {@code epochs} and {@code maxSteps} starts (see {@link
     * #resume(Checkpoint, RunSettings, int)}).
     *
     * @throws UsageException naming what differs, or the epochs or steps done already
     */
    public static Start resume(Checkpoint checkpoint, RunSettings settings, int epochs, long maxSteps)
            throws UsageException {
        settings.check(checkpoint);
        Start start;
        try {
            start = start(checkpoint);
        } catch (IOException e) {
            throw new UsageException("--resume: " + e.getMessage());
        }
        if (start.position().step() >= maxSteps) {
            throw new UsageException("--steps " + maxSteps + ": " + checkpoint.directory() + " has trained "
                    + start.position().step() + " steps already: give more --steps to continue it");
        }
        if (epochs < start.position().epoch()) {
            throw new UsageException("--epochs " + epochs + ": " + checkpoint.directory() + " has trained "
                    + (start.position().epoch() - 1) + " epoch(s) already: give more --epochs to continue it");
        }
        return start;
    }

    /** A progress bar on standard error named {@code task}, its throughput counted in {@code unit}. */
    public EpochTrainer<B> progress(String task, String unit, boolean enabled) {
        this.task = task;
        this.unit = unit;
        this.progressBar = enabled;
        return this;
    }

    /**
     * The learning rate training runs at (or a {@link #decay} starts from): a resumed run's network
     * takes it when it was {@code given} on the command line, else the run goes on at the rate its
     * checkpoint recorded; a tenth of it is the advice if training diverges.
     */
    public EpochTrainer<B> learningRate(double learningRate, boolean given) {
        boolean resumed = start.checkpoint() != null;
        if (resumed && given) {
            LearningRate.set(net, learningRate);
        }
        this.learningRate =
                resumed && !given && !Double.isNaN(start.learningRate()) ? start.learningRate() : learningRate;
        return this;
    }

    /**
     * A learning rate that falls from {@link #learningRate}'s along {@code schedule} over the
     * budget of {@link #train}: set before every step, for the share of the budget used. A resumed
     * run carries on from the share its checkpoint recorded, over what is left of its (possibly
     * larger) budget, so the rate never jumps; with the same budget it is the uninterrupted run's.
     */
    public EpochTrainer<B> decay(RateSchedule schedule, boolean finalRateGiven) throws UsageException {
        if (Double.isNaN(learningRate)) {
            throw new IllegalStateException("a decaying rate needs the rate it starts at: call learningRate first");
        }
        this.schedule = schedule.checked(learningRate, finalRateGiven);
        return this;
    }

    /**
     * Checkpoints into {@code store}: one after the first batch that ends {@code every} after the
     * previous one (never, for zero), and one at the end. Each holds the network with its
     * optimizer state, ND4J's random state, the position, the curves, {@code properties} (the
     * run's settings, for the caller to check on resume) and {@code extras} (its vocabulary or
     * normalizer).
     */
    public EpochTrainer<B> checkpoints(
            CheckpointStore store,
            Duration every,
            Map<String, String> properties,
            Map<String, CheckpointStore.Extra> extras) {
        this.store = store;
        this.checkpointEveryNanos = every.toNanos();
        this.properties = Map.copyOf(properties);
        this.extras = Map.copyOf(extras);
        return this;
    }

    /**
     * Trains up to the end of epoch {@code epochs}.
     *
     * @param batchesPerEpoch how many batches an epoch has (for the progress bar and the budget of a {@link #decay})
     * @return the position at the end
     * @throws RunFailedException if training diverged (the message names the last good checkpoint
     *     and how to continue from it) or a checkpoint could not be written
     */
    public Position train(int epochs, long batchesPerEpoch, Epochs<B> data, Measure measure) throws RunFailedException {
        return train(epochs, batchesPerEpoch, Long.MAX_VALUE, data, measure);
    }

    /**
     * Trains up to the end of epoch {@code epochs} or step {@code maxSteps}, whichever comes
     * first; a budget that ends inside an epoch measures there, and a run resumed from its last
     * checkpoint with a larger budget continues that epoch.
     */
    public Position train(int epochs, long batchesPerEpoch, long maxSteps, Epochs<B> data, Measure measure)
            throws RunFailedException {
        Position from = start.position();
        net.addListeners(new DivergenceGuard());
        long began = System.nanoTime();
        long nextCheckpoint = checkpointEveryNanos > 0 ? began + checkpointEveryNanos : Long.MAX_VALUE;
        long step = from.step();
        long examplesThisRun = 0;
        double total = Math.min((double) epochs * batchesPerEpoch, maxSteps);
        // A checkpoint from before the share was recorded: the share its steps make of this budget.
        BudgetShare budget = new BudgetShare(
                Double.isNaN(from.budgetUsed()) ? Math.min(1, from.step() / total) : from.budgetUsed(),
                from.step(),
                total);
        DoubleUnaryOperator rates = schedule.rates(learningRate);
        double rate = Double.NaN;
        Position end = null;
        try (TrainingProgress progress = TrainingProgress.start(task, unit, progressBar)) {
            for (int epoch = 1; epoch <= epochs; epoch++) {
                Iterator<B> batches = data.epoch(epoch);
                if (epoch < from.epoch()) {
                    skip(batches, Long.MAX_VALUE);
                    continue;
                }
                if (step >= maxSteps) {
                    break;
                }
                boolean resumedEpoch = epoch == from.epoch();
                long fitted = resumedEpoch ? skip(batches, from.batches()) : 0;
                double lossSum = resumedEpoch ? from.lossSum() : 0;
                long examples = resumedEpoch ? from.examples() : 0;
                if (resumedEpoch && start.checkpoint() != null) {
                    start.checkpoint().restoreRandomState();
                }
                while (step < maxSteps && batches.hasNext()) {
                    B batch = batches.next();
                    if (rates != null) {
                        double scheduled = rates.applyAsDouble(budget.at(step));
                        if (scheduled != rate) {
                            LearningRate.set(net, scheduled);
                            rate = scheduled;
                        }
                    }
                    try {
                        fit.accept(batch);
                    } catch (TrainingDivergedException e) {
                        throw new RunFailedException(diverged(step + 1, e), e);
                    }
                    step++;
                    fitted++;
                    lossSum += net.score();
                    long size = examplesOf.applyAsLong(batch);
                    examples += size;
                    examplesThisRun += size;
                    double seconds = (System.nanoTime() - began) / 1e9;
                    progress.update(step / total, step, lossSum / fitted, examplesThisRun / seconds);
                    if (System.nanoTime() >= nextCheckpoint) {
                        save(new Position(epoch, fitted, step, lossSum, examples, budget.at(step)));
                        nextCheckpoint = System.nanoTime() + checkpointEveryNanos;
                    }
                }
                double loss = fitted > 0 ? lossSum / fitted : Double.NaN;
                double value = measure.afterEpoch(epoch, step, loss, Duration.ofNanos(System.nanoTime() - began));
                start.curves().add(step, loss, value);
                if (batches.hasNext()) {
                    end = new Position(epoch, fitted, step, lossSum, examples, budget.at(step));
                    break;
                }
            }
        }
        if (end == null) {
            end = new Position(epochs + 1, 0, step, 0, 0, budget.at(step));
        }
        if (step > from.step() || from.epoch() <= epochs) {
            save(end);
        }
        return end;
    }

    /** Writes a file through {@code save} (an API that writes to a path) into a checkpoint. */
    public static CheckpointStore.Extra fileWrittenBy(PathWriter save) {
        return out -> {
            Path file = Files.createTempFile("recurrent4j-checkpoint-", ".part");
            try {
                save.writeTo(file);
                Files.copy(file, out);
            } finally {
                Files.deleteIfExists(file);
            }
        };
    }

    /** Something that writes a file at a path, e.g. {@code vocabulary::save}. */
    @FunctionalInterface
    public interface PathWriter {
        void writeTo(Path file) throws IOException;
    }

    /**
     * The line a command prints before training, e.g. "training: 2 epochs of batches of 64, learning
     * rate 0.005 falling to 1.0E-4 (cosine)".
     */
    public String plan(int epochs, int batch) {
        return "training: " + epochs + " epochs of batches of " + batch + ", learning rate " + learningRate
                + schedule.described();
    }

    /** The curves so far (the start's, with a row per epoch trained). */
    public TrainingCurves curves() {
        return start.curves();
    }

    /** The newest checkpoint this run wrote (the one at the end, after {@link #train}), or null. */
    public Path lastCheckpoint() {
        return lastCheckpoint;
    }

    private static long skip(Iterator<?> batches, long count) {
        long skipped = 0;
        while (skipped < count && batches.hasNext()) {
            batches.next();
            skipped++;
        }
        return skipped;
    }

    private void save(Position position) throws RunFailedException {
        if (store == null) {
            return;
        }
        Map<String, String> state = new LinkedHashMap<>(properties);
        state.put(EPOCH, Integer.toString(position.epoch()));
        state.put(BATCHES, Long.toString(position.batches()));
        state.put(LOSS_SUM, Double.toString(position.lossSum()));
        state.put(EXAMPLES, Long.toString(position.examples()));
        state.put(BUDGET_USED, Double.toString(position.budgetUsed()));
        if (!Double.isNaN(learningRate)) {
            state.put(LEARNING_RATE, Double.toString(learningRate));
        }
        Map<String, CheckpointStore.Extra> files = new LinkedHashMap<>(extras);
        byte[] curves = start.curves().csv().getBytes(StandardCharsets.UTF_8);
        files.put(CURVES_FILE, out -> out.write(curves));
        try {
            lastCheckpoint = store.save(position.step(), net, state, files);
        } catch (IOException | UncheckedIOException e) {
            throw new RunFailedException(
                    "cannot write the checkpoint of step " + position.step() + " into " + store.root() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private String diverged(long step, TrainingDivergedException e) {
        return Divergence.advice(store, step, e, learningRate);
    }
}
