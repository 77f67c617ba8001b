package org.recurrent4j.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.DoubleUnaryOperator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.recurrent4j.checkpoint.Checkpoint;
import org.recurrent4j.checkpoint.CheckpointException;
import org.recurrent4j.checkpoint.CheckpointStore;
import org.recurrent4j.io.ModelFile;

/**
 * A whole training run of a {@code MultiLayerNetwork} or a {@code ComputationGraph}: the budget
 * (epochs, steps, time: whichever ends first), the learning-rate schedule, held-out measurements,
 * early stopping, a guard against divergence, periodic checkpoints, exact resumption and events
 * to listeners. What a command line, a notebook or a service needs around DL4J's {@code fit}, in
 * one place.
 *
 * <pre>{@code
 * CheckpointStore store = new CheckpointStore(Path.of("runs/sentiment/checkpoints"), 2);
 * Optional<Checkpoint> last = store.newest();
 * TrainingRun run = (last.isPresent() ? TrainingRun.resuming(last.get()) : TrainingRun.of(buildNet()))
 *         .data(trainIterator)                          // reset at every epoch
 *         .epochs(10)
 *         .learningRate(RateSchedule.cosine(2e-3, 1e-4))
 *         .batchesPerEpoch(1_050)                       // what a decaying rate over epochs needs
 *         .evaluate(Interval.epochs(1), Metrics.loss(dev), Metrics.accuracy(dev))
 *         .earlyStopping(EarlyStopping.on("heldout_accuracy").patience(3).restoreBest(true))
 *         .checkpoints(store, Interval.time(Duration.ofMinutes(10)))
 *         .dataFingerprint(DataFingerprint.sha256(trainingLines))
 *         .build();
 * RunResult result = run.train();
 * Model trained = run.network();
 * }</pre>
 *
 * <h2>The budget and its share</h2>
 *
 * A run ends after {@code epochs} epochs, {@code steps} steps (counted over the whole run, resumed
 * parts included) or {@code time} of this process's training, whichever comes first, or early
 * (see {@link EarlyStopping}). The share {@code s} of the budget used, which a {@link
 * RateSchedule} and {@link Interval#shareOfBudget} follow, counts steps when the budget has a
 * step count or epochs of a known size ({@code total = min(steps, epochs · batchesPerEpoch)}),
 * else time; a resumed run goes on from the share its checkpoint recorded over what is left of
 * its budget ({@link BudgetShare}), so the rate never jumps back up and, with the same budget,
 * equals the uninterrupted run's. Counting steps keeps the schedule deterministic.
 *
 * <h2>Exact resumption</h2>
 *
 * A checkpoint holds the network with its updater state, ND4J's random state, the data position
 * (epoch and batches of it fitted, or steps of a {@link BatchSource}), the schedule and its
 * share, the curves, early stopping's counts, the data's fingerprint, the caller's properties and
 * extra files. {@link #resuming} loads it; the resumed run asks the data for the epochs already
 * done and reads through them without fitting (a reader reshuffled at each reset, or a generator
 * seeded once, then gives the same batches as before), skips the batches of the current epoch that
 * were fitted, restores ND4J's random state (dropout masks) and goes on: the result equals the
 * uninterrupted run's bit for bit. So the data must not draw from ND4J's random generator
 * ({@code java.util.Random} with a seed, as every reader of the project does).
 *
 * <h2>Events</h2>
 *
 * {@link RunListener}s hear the start, each step, each measurement, each checkpoint and the end.
 * The network's own DL4J {@code TrainingListener}s hear every iteration as with {@code fit}, and
 * {@code onEpochStart}/{@code onEpochEnd} at the run's epoch boundaries, whose count the network
 * keeps ({@code getEpochCount()}).
 */
public final class TrainingRun {

    /** The curves' file inside every checkpoint. */
    public static final String CURVES_FILE = LearningCurves.CSV_FILE;

    private final Model net;
    private final Checkpoint resumed;
    private final TrainingFeed feed;
    private final int maxEpochs;
    private final long maxSteps;
    private final Duration maxTime;
    private final long batchesPerEpoch;
    private final RateSchedule schedule;
    private final List<Metric> metrics;
    private final Interval evaluateEvery;
    private final boolean measureAtStart;
    private final EarlyStopping earlyStopping;
    private final CheckpointStore store;
    private final Interval checkpointEvery;
    private final Map<String, String> properties;
    private final Map<String, CheckpointStore.Extra> extras;
    private final String dataFingerprint;
    private final List<RunListener> listeners;
    private final boolean divergenceGuard;
    private final long lossEvery;
    private final DoubleUnaryOperator trainingLoss;

    private final RunState state;
    private final LearningCurves curves;
    private INDArray bestInMemory;
    private Path lastCheckpoint;
    private long checkpointedAt = -1;

    private TrainingRun(Builder b) throws CheckpointException {
        this.net = b.net;
        this.resumed = b.resumed;
        this.feed = b.feed;
        this.maxEpochs = b.epochs;
        this.maxSteps = b.steps;
        this.maxTime = b.time;
        this.batchesPerEpoch = b.batchesPerEpoch;
        this.metrics = List.copyOf(b.metrics);
        this.evaluateEvery = b.evaluateEvery;
        this.measureAtStart = b.measureAtStart;
        this.earlyStopping = b.earlyStopping;
        this.store = b.store;
        this.checkpointEvery = b.checkpointEvery;
        this.properties = Map.copyOf(b.properties);
        this.extras = new LinkedHashMap<>(b.extras);
        this.dataFingerprint = b.dataFingerprint;
        this.listeners = List.copyOf(b.listeners);
        this.divergenceGuard = b.divergenceGuard;
        this.lossEvery = b.lossEvery;
        this.trainingLoss = b.trainingLoss;
        if (resumed == null) {
            state = new RunState();
            state.dataFingerprint = dataFingerprint;
            curves = new LearningCurves(metrics.stream().map(Metric::name).toList());
            schedule = b.schedule;
        } else {
            state = RunState.of(resumed);
            if (!state.dataFingerprint.equals(dataFingerprint)) {
                throw new CheckpointException("checkpoint " + resumed.directory() + " continues a run on other"
                        + " training data (their fingerprints differ: " + shortened(state.dataFingerprint) + " there, "
                        + shortened(dataFingerprint) + " here): resume with the same data, or start a new run");
            }
            curves = resumedCurves(resumed);
            if (!curves.metrics().equals(metrics.stream().map(Metric::name).toList())) {
                throw new CheckpointException("checkpoint " + resumed.directory() + " measured " + curves.metrics()
                        + "; this run measures "
                        + metrics.stream().map(Metric::name).toList()
                        + ": resume with the same metrics");
            }
            schedule = b.schedule != null
                    ? b.schedule
                    : state.schedule.isEmpty() ? null : RateSchedule.parse(state.schedule);
        }
        state.schedule = schedule == null ? "" : schedule.text();
        if (resumed != null && !feed.endless() && maxEpochs > 0 && state.epoch > maxEpochs) {
            throw new SpentBudgetException(resumed.directory(), "epochs", state.epochsCompleted, maxEpochs);
        }
        if (resumed != null && maxSteps > 0 && state.step >= maxSteps) {
            throw new SpentBudgetException(resumed.directory(), "steps", state.step, maxSteps);
        }
    }

    /** A fresh run of {@code net}, to configure. */
    public static Builder of(MultiLayerNetwork net) {
        return new Builder(net, null);
    }

    /** A fresh run of {@code net}, to configure. */
    public static Builder of(ComputationGraph net) {
        return new Builder(net, null);
    }

    /**
     * A run that continues the one {@code checkpoint} was written by: its network (with its
     * updater state) comes from the checkpoint; configure the data, budget and the rest as the run
     * was configured (the budget may be larger; a schedule left out is the checkpoint's).
     *
     * @throws IOException if the checkpoint's network cannot be read
     */
    public static Builder resuming(Checkpoint checkpoint) throws IOException {
        Model net = checkpoint.holdsGraph() ? checkpoint.computationGraph() : checkpoint.multiLayerNetwork();
        return new Builder(net, checkpoint);
    }

    /** The network this run trains. */
    public Model network() {
        return net;
    }

    /** The network this run trains, if it is a {@code MultiLayerNetwork}. */
    public MultiLayerNetwork multiLayerNetwork() {
        if (net instanceof MultiLayerNetwork mln) {
            return mln;
        }
        throw new IllegalStateException("this run trains a ComputationGraph");
    }

    /** The network this run trains, if it is a {@code ComputationGraph}. */
    public ComputationGraph computationGraph() {
        if (net instanceof ComputationGraph graph) {
            return graph;
        }
        throw new IllegalStateException("this run trains a MultiLayerNetwork");
    }

    /** The steps done before this process's part of the run (0 for a fresh run). */
    public long startStep() {
        return resumed == null ? 0 : resumed.step();
    }

    /** The schedule the run follows, or null when it leaves the network's rate alone. */
    public RateSchedule schedule() {
        return schedule;
    }

    /** The curves so far (a resumed run's start with its checkpoint's). */
    public LearningCurves curves() {
        return curves;
    }

    /**
     * Trains until the budget is used or early stopping ends the run, measuring, checkpointing and
     * reporting on the way; writes a last checkpoint at the end.
     *
     * @throws TrainingDivergedException if the loss or a parameter became non-finite (naming the
     *     step and the last good checkpoint)
     * @throws IOException if a checkpoint or the best model could not be written
     */
    public RunResult train() throws IOException {
        if (divergenceGuard && dl4jListeners().stream().noneMatch(l -> l instanceof DivergenceGuard)) {
            net.addListeners(new DivergenceGuard());
        }
        long began = System.nanoTime();
        long startStep = state.step;
        double startShare = state.share;
        int resumeEpoch = state.epoch;
        ShareClock shares = new ShareClock(startShare, startStep, began);
        Timer measurements = new Timer(evaluateEvery, began, startStep, startShare);
        Timer checkpoints = new Timer(checkpointEvery, began, startStep, startShare);
        long examples = 0;
        double rate = Double.NaN;
        RunResult.Stop stop = RunResult.Stop.BUDGET_USED;
        listeners.forEach(l -> l.started(new RunListener.Started(
                state.step, state.epoch, resumed == null ? null : resumed.directory(), state.share)));
        if (resumed == null && measureAtStart && !metrics.isEmpty()) {
            measure(began);
        }
        try {
            epochs:
            for (int epoch = 1; ; epoch++) {
                if (!feed.endless() && maxEpochs > 0 && epoch > maxEpochs) {
                    break;
                }
                if (budgetUsed(began)) {
                    break;
                }
                Iterator<?> batches = feed.epoch(epoch);
                if (epoch < resumeEpoch) {
                    drain(batches, Long.MAX_VALUE);
                    continue;
                }
                if (epoch == resumeEpoch && resumed != null) {
                    if (feed.endless()) {
                        feed.skip(state.step);
                    } else if (drain(batches, state.batchesInEpoch) < state.batchesInEpoch) {
                        throw new CheckpointException("checkpoint " + resumed.directory() + " stands at batch "
                                + state.batchesInEpoch + " of epoch " + epoch + ", but the data's epoch " + epoch
                                + " is shorter: resume with the same data");
                    }
                    resumed.restoreRandomState();
                }
                if (state.batchesInEpoch == 0) {
                    dl4jListeners().forEach(l -> l.onEpochStart(net));
                }
                while (batches.hasNext()) {
                    if (budgetUsed(began)) {
                        break epochs;
                    }
                    Object batch = batches.next();
                    if (schedule != null) {
                        double scheduled = schedule.rate(state.share, state.step);
                        if (scheduled != rate) {
                            LearningRate.set(net, scheduled);
                            rate = scheduled;
                        }
                    }
                    try {
                        TrainingFeed.fit(net, batch);
                    } catch (TrainingDivergedException e) {
                        throw new TrainingDivergedException(
                                e, state.step + 1, lastGoodCheckpoint(), schedule == null ? Double.NaN : rate);
                    }
                    state.step++;
                    state.batchesInEpoch++;
                    long size = TrainingFeed.examples(batch);
                    examples += size;
                    double loss = trainingLoss.applyAsDouble(net.score());
                    state.lossSum += loss;
                    state.lossCount++;
                    state.share = shares.at(state.step);
                    if (state.step == 1 || state.step % lossEvery == 0) {
                        curveRow(began);
                    }
                    RunListener.Step event = new RunListener.Step(
                            state.step,
                            epoch,
                            loss,
                            size,
                            Duration.ofNanos(System.nanoTime() - began),
                            state.share,
                            rate);
                    listeners.forEach(l -> l.stepDone(event));
                    boolean measureNow = measurements.dueAfterStep(state.step, state.share);
                    if (measureNow && measure(began)) {
                        stop = RunResult.Stop.EARLY_STOPPED;
                        break epochs;
                    }
                    if (checkpoints.dueAfterStep(state.step, state.share)) {
                        checkpoint(began);
                    }
                }
                if (state.batchesInEpoch == 0) {
                    throw new IllegalStateException("the training data gave no batch in epoch " + epoch
                            + ": an iterator must give at least one batch after each reset");
                }
                state.epochsCompleted++;
                state.lastEpochBatches = state.batchesInEpoch;
                incrementEpochCount();
                dl4jListeners().forEach(l -> l.onEpochEnd(net));
                boolean stopNow = measurements.dueAfterEpoch(epoch) && measure(began);
                state.epoch = epoch + 1;
                state.batchesInEpoch = 0;
                if (stopNow) {
                    stop = RunResult.Stop.EARLY_STOPPED;
                    break;
                }
                if (checkpoints.dueAfterEpoch(epoch)) {
                    checkpoint(began);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        // The end of a budget is not a point of the curves' cadence: its row leaves the training-loss stretch open,
        // so a run resumed from here writes the rows the uninterrupted run writes.
        if (!metrics.isEmpty() && state.measuredAt != state.step && stop != RunResult.Stop.EARLY_STOPPED) {
            measure(began, false);
        } else if (state.lossCount > 0 && lastRowStep() != state.step) {
            curveRow(began, false);
        }
        if (checkpointedAt != state.step) {
            checkpoint(began);
        }
        Optional<RunResult.Best> best = Optional.empty();
        if (earlyStopping != null && state.bestStep >= 0) {
            Path bestFile = store == null ? null : bestModelFile();
            best = Optional.of(new RunResult.Best(earlyStopping.metric(), state.bestValue, state.bestStep, bestFile));
            if (earlyStopping.restoreBest()) {
                restoreBest(bestFile);
            }
        }
        RunResult result = new RunResult(
                stop,
                state.step,
                state.epochsCompleted,
                examples,
                Duration.ofNanos(System.nanoTime() - began),
                curves,
                lastMeasurement(),
                best,
                lastCheckpoint);
        listeners.forEach(l -> l.finished(result));
        return result;
    }

    private boolean budgetUsed(long began) {
        return (maxSteps > 0 && state.step >= maxSteps)
                || (maxTime != null && System.nanoTime() - began >= maxTime.toNanos());
    }

    /** Measures every metric, closing the training-loss stretch; true if early stopping ends the run. */
    private boolean measure(long began) throws IOException {
        return measure(began, true);
    }

    private boolean measure(long began, boolean closesStretch) throws IOException {
        Map<String, Double> values = new LinkedHashMap<>();
        double[] row = new double[metrics.size()];
        for (int i = 0; i < metrics.size(); i++) {
            row[i] = metrics.get(i).measure(net);
            values.put(metrics.get(i).name(), row[i]);
        }
        double trainLoss = state.lossCount > 0 ? state.lossSum / state.lossCount : Double.NaN;
        curves.addMeasurement(state.step, seconds(began), trainLoss, row);
        if (closesStretch) {
            state.lossSum = 0;
            state.lossCount = 0;
        }
        state.measuredAt = state.step;
        RunListener.Measurement m = new RunListener.Measurement(
                state.step, state.epoch, Map.copyOf(values), Duration.ofNanos(System.nanoTime() - began));
        listeners.forEach(l -> l.measured(m));
        if (earlyStopping == null) {
            return false;
        }
        Metric metric = metric(earlyStopping.metric());
        double value = values.get(metric.name());
        if (metric.goal().improves(value, state.bestValue, earlyStopping.minImprovement())) {
            state.bestValue = value;
            state.bestStep = state.step;
            state.sinceBest = 0;
            keepBest();
            return earlyStopping.reached(value, metric.goal());
        }
        state.sinceBest++;
        return state.sinceBest >= earlyStopping.patience();
    }

    private void curveRow(long began) {
        curveRow(began, true);
    }

    private void curveRow(long began, boolean closesStretch) {
        double[] nothing = new double[metrics.size()];
        Arrays.fill(nothing, Double.NaN);
        curves.add(state.step, seconds(began), state.lossSum / state.lossCount, nothing);
        if (closesStretch) {
            state.lossSum = 0;
            state.lossCount = 0;
        }
    }

    private long lastRowStep() {
        long[] steps = curves.steps();
        return steps.length == 0 ? -1 : steps[steps.length - 1];
    }

    private double seconds(long began) {
        return state.seconds + (System.nanoTime() - began) / 1e9;
    }

    private Map<String, Double> lastMeasurement() {
        Map<String, Double> last = new LinkedHashMap<>();
        for (String name : curves.metrics()) {
            curves.last(name).ifPresent(v -> last.put(name, v));
        }
        return last;
    }

    private Metric metric(String name) {
        return metrics.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    private void keepBest() throws IOException {
        if (store == null) {
            bestInMemory = net.params().dup();
        } else {
            ModelFile.save(net, bestModelFile(), false);
        }
    }

    private void restoreBest(Path bestFile) throws IOException {
        if (bestFile == null) {
            if (bestInMemory != null) {
                net.setParams(bestInMemory);
            }
            return;
        }
        Model best = ModelFile.load(bestFile, false);
        net.setParams(best.params());
    }

    private Path bestModelFile() {
        return store.root().resolve(EarlyStopping.BEST_MODEL_FILE);
    }

    private void checkpoint(long began) throws IOException {
        if (store == null) {
            return;
        }
        double seconds = seconds(began);
        double recorded = state.seconds;
        state.seconds = seconds;
        Map<String, String> all = new LinkedHashMap<>(properties);
        all.putAll(state.properties());
        state.seconds = recorded;
        Map<String, CheckpointStore.Extra> files = new LinkedHashMap<>(extras);
        byte[] csv = curves.csv().getBytes(StandardCharsets.UTF_8);
        files.put(CURVES_FILE, out -> out.write(csv));
        lastCheckpoint = store.save(state.step, net, all, files);
        checkpointedAt = state.step;
        Path written = lastCheckpoint;
        listeners.forEach(l -> l.checkpointWritten(written, state.step));
    }

    private Path lastGoodCheckpoint() {
        if (lastCheckpoint != null) {
            return lastCheckpoint;
        }
        return resumed == null ? null : resumed.directory();
    }

    private List<TrainingListener> dl4jListeners() {
        return new ArrayList<>(
                net instanceof MultiLayerNetwork mln ? mln.getListeners() : ((ComputationGraph) net).getListeners());
    }

    private void incrementEpochCount() {
        if (net instanceof MultiLayerNetwork mln) {
            mln.incrementEpochCount();
        } else {
            ((ComputationGraph) net).incrementEpochCount();
        }
    }

    private static long drain(Iterator<?> batches, long count) {
        long n = 0;
        while (n < count && batches.hasNext()) {
            batches.next();
            n++;
        }
        return n;
    }

    private static LearningCurves resumedCurves(Checkpoint c) throws CheckpointException {
        Path file = c.file(CURVES_FILE);
        try {
            return LearningCurves.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new CheckpointException("checkpoint " + c.directory() + ": " + e.getMessage(), e);
        }
    }

    private static String shortened(String fingerprint) {
        return fingerprint.isEmpty() ? "none" : fingerprint.substring(0, Math.min(12, fingerprint.length()));
    }

    /** The share of the budget used, by steps where the budget counts them, else by time. */
    private final class ShareClock {
        private final BudgetShare byProgress;
        private final boolean bySteps;
        private final long began;

        ShareClock(double startShare, long startStep, long began) {
            long total = totalSteps();
            this.bySteps = total > 0;
            this.began = began;
            // The same step budget as the checkpoint's: step / total exactly, as the uninterrupted run
            // computes it (the continuation's formula is the same number, but rounded differently).
            boolean sameBudget = bySteps && (startStep == 0 || state.budgetSteps == total);
            this.byProgress = bySteps
                    ? sameBudget ? new BudgetShare(0, 0, total) : new BudgetShare(startShare, startStep, total)
                    : new BudgetShare(startShare, 0, maxTime == null ? 0 : maxTime.toNanos());
            state.budgetSteps = total;
        }

        double at(long step) {
            if (bySteps) {
                return byProgress.at(step);
            }
            if (maxTime != null) {
                return byProgress.at(System.nanoTime() - began);
            }
            // Epochs of unknown size: the share of whole epochs done.
            return maxEpochs > 0 ? Math.min(1, state.epochsCompleted / (double) maxEpochs) : 0;
        }
    }

    /** The steps of the budget, or 0 if it does not count steps. */
    private long totalSteps() {
        long byEpochs = maxEpochs > 0 && batchesPerEpoch > 0 ? maxEpochs * batchesPerEpoch : 0;
        if (maxSteps > 0 && byEpochs > 0) {
            return Math.min(maxSteps, byEpochs);
        }
        return Math.max(maxSteps, byEpochs);
    }

    /** When an {@link Interval} is due. */
    private static final class Timer {
        private final Interval interval;
        private long nextNanos;
        private double lastShare;

        Timer(Interval interval, long began, long startStep, double startShare) {
            this.interval = interval;
            this.nextNanos =
                    interval instanceof Interval.Time t ? began + t.every().toNanos() : Long.MAX_VALUE;
            this.lastShare = startShare;
        }

        boolean dueAfterStep(long step, double share) {
            if (interval instanceof Interval.Steps s) {
                return step % s.n() == 0;
            }
            if (interval instanceof Interval.Time t) {
                long now = System.nanoTime();
                if (now >= nextNanos) {
                    nextNanos = now + t.every().toNanos();
                    return true;
                }
                return false;
            }
            if (interval instanceof Interval.ShareOfBudget s) {
                boolean crossed =
                        Math.floor(share / s.share() + 1e-9) > Math.floor(lastShare / s.share() + 1e-9) && share < 1;
                lastShare = share;
                return crossed;
            }
            return false;
        }

        boolean dueAfterEpoch(int epoch) {
            return interval instanceof Interval.Epochs e && epoch % e.n() == 0;
        }
    }

    /**
     * A resumed run whose budget its checkpoint has already used: nothing is left to train.
     */
    public static final class SpentBudgetException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        private final transient Path checkpoint;
        private final String unit;
        private final long done;
        private final long budget;

        SpentBudgetException(Path checkpoint, String unit, long done, long budget) {
            super("checkpoint " + checkpoint + " has trained " + done + " " + unit + " already, the budget is " + budget
                    + ": give a larger budget to continue it");
            this.checkpoint = checkpoint;
            this.unit = unit;
            this.done = done;
            this.budget = budget;
        }

        /** The checkpoint's directory. */
        public Path checkpoint() {
            return checkpoint;
        }

        /** {@code epochs} or {@code steps}. */
        public String unit() {
            return unit;
        }

        /** How many the checkpoint has done. */
        public long done() {
            return done;
        }

        /** The budget given. */
        public long budget() {
            return budget;
        }
    }

    /** Configures a {@link TrainingRun}. */
    public static final class Builder {
        private final Model net;
        private final Checkpoint resumed;
        private TrainingFeed feed;
        private int epochs;
        private long steps;
        private Duration time;
        private long batchesPerEpoch;
        private RateSchedule schedule;
        private final List<Metric> metrics = new ArrayList<>();
        private Interval evaluateEvery = Interval.never();
        private boolean measureAtStart = true;
        private EarlyStopping earlyStopping;
        private CheckpointStore store;
        private Interval checkpointEvery = Interval.never();
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final Map<String, CheckpointStore.Extra> extras = new LinkedHashMap<>();
        private String dataFingerprint = "";
        private final List<RunListener> listeners = new ArrayList<>();
        private boolean divergenceGuard = true;
        private long lossEvery = 10;
        private DoubleUnaryOperator trainingLoss = DoubleUnaryOperator.identity();

        private Builder(Model net, Checkpoint resumed) {
            this.net = Objects.requireNonNull(net, "net");
            this.resumed = resumed;
        }

        /** The network the run trains (the checkpoint's, for a resumed run). */
        public Model network() {
            return net;
        }

        /** Batches from a DL4J iterator, reset at the start of every epoch (when it supports reset). */
        public Builder data(DataSetIterator batches) {
            this.feed = new TrainingFeed.Iterated(batches);
            return this;
        }

        /** Batches from a DL4J iterator of {@code MultiDataSet}s, for a graph (reset at every epoch). */
        public Builder data(MultiDataSetIterator batches) {
            this.feed = new TrainingFeed.Iterated(batches);
            return this;
        }

        /** Each epoch's batches from {@code epochs}, asked for in order (see {@link EpochSource}). */
        public Builder data(EpochSource<?> epochs) {
            this.feed = new TrainingFeed.ByEpoch(epochs);
            return this;
        }

        /** Batches from an endless source; the budget is then steps or time. */
        public Builder data(BatchSource<?> batches) {
            this.feed = new TrainingFeed.Endless(batches);
            return this;
        }

        /** Ends the run after {@code epochs} epochs (0: no limit). */
        public Builder epochs(int epochs) {
            this.epochs = nonNegative(epochs, "epochs");
            return this;
        }

        /** Ends the run after {@code steps} steps in all (0: no limit). */
        public Builder steps(long steps) {
            this.steps = nonNegative(steps, "steps");
            return this;
        }

        /** Ends this process's training after {@code time} (null: no limit). */
        public Builder time(Duration time) {
            if (time != null && (time.isNegative() || time.isZero())) {
                throw new IllegalArgumentException("a run's time budget is positive, got " + time);
            }
            this.time = time;
            return this;
        }

        /** How many batches an epoch has: what a schedule over an epoch budget follows. */
        public Builder batchesPerEpoch(long batches) {
            this.batchesPerEpoch = nonNegative(batches, "batches per epoch");
            return this;
        }

        /** Sets the learning rate of every layer before every step (left alone when not given). */
        public Builder learningRate(RateSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /** Measures {@code metrics} at {@code every}, at the start of a fresh run and at the end. */
        public Builder evaluate(Interval every, Metric... metrics) {
            this.evaluateEvery = Objects.requireNonNull(every, "every");
            this.metrics.addAll(List.of(metrics));
            return this;
        }

        /** Whether a fresh run measures its untrained network too (default: yes, when it has metrics). */
        public Builder measureAtStart(boolean measure) {
            this.measureAtStart = measure;
            return this;
        }

        /** Ends the run when a metric stops improving; see {@link EarlyStopping}. */
        public Builder earlyStopping(EarlyStopping earlyStopping) {
            this.earlyStopping = earlyStopping;
            return this;
        }

        /** Checkpoints into {@code store} at {@code every} and at the end. */
        public Builder checkpoints(CheckpointStore store, Interval every) {
            this.store = Objects.requireNonNull(store, "store");
            this.checkpointEvery = Objects.requireNonNull(every, "every");
            return this;
        }

        /** The caller's properties, recorded in every checkpoint (the run's own start with {@code run.}). */
        public Builder properties(Map<String, String> properties) {
            for (String key : properties.keySet()) {
                if (RunState.isRunProperty(key)) {
                    throw new IllegalArgumentException(
                            "property '" + key + "': names starting with 'run.' are the" + " training run's own");
                }
            }
            this.properties.putAll(properties);
            return this;
        }

        /** An extra file in every checkpoint (a vocabulary, a normalizer). */
        public Builder checkpointFile(String name, CheckpointStore.Extra content) {
            if (name.equals(CURVES_FILE)) {
                throw new IllegalArgumentException("'" + CURVES_FILE + "' is the run's own checkpoint file");
            }
            this.extras.put(name, content);
            return this;
        }

        /**
         * The training data's fingerprint (e.g. {@link DataFingerprint#sha256}), recorded in
         * checkpoints; resuming on data with another fingerprint is refused.
         */
        public Builder dataFingerprint(String fingerprint) {
            this.dataFingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
            return this;
        }

        public Builder listener(RunListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Whether to stop with a {@link TrainingDivergedException} on a non-finite loss (default: yes). */
        public Builder divergenceGuard(boolean guard) {
            this.divergenceGuard = guard;
            return this;
        }

        /** A row of training loss in the curves every {@code steps} steps (default 10), besides each measurement. */
        public Builder lossEvery(long steps) {
            if (steps < 1) {
                throw new IllegalArgumentException("lossEvery is at least 1 step, got " + steps);
            }
            this.lossEvery = steps;
            return this;
        }

        /**
         * How a step's training loss is read from DL4J's score after {@code fit} (default: the score
         * itself), e.g. divided by the steps of a sequence to give a loss per step.
         */
        public Builder trainingLoss(DoubleUnaryOperator fromScore) {
            this.trainingLoss = Objects.requireNonNull(fromScore, "fromScore");
            return this;
        }

        /**
         * The configured run.
         *
         * @throws IllegalArgumentException for a configuration that cannot run (no data, no
         *     budget, epochs of an endless source, a schedule over epochs of unknown size, an
         *     early-stopping metric that is not measured)
         * @throws CheckpointException if a resumed run's checkpoint is not one of a training run,
         *     or continues a run on other data or metrics
         */
        public TrainingRun build() throws CheckpointException {
            if (feed == null) {
                throw new IllegalArgumentException("a training run needs data: data(iterator) or data(batchSource)");
            }
            if (feed.endless() && epochs > 0) {
                throw new IllegalArgumentException(
                        "a batch source is endless: give the run steps or a time, not epochs");
            }
            if (epochs == 0 && steps == 0 && time == null) {
                throw new IllegalArgumentException("a training run needs a budget: epochs, steps or a time");
            }
            if (feed instanceof TrainingFeed.Iterated it && !it.resettable() && epochs != 1) {
                throw new IllegalArgumentException("the iterator does not support reset, so it gives one epoch:"
                        + " give epochs(1), or an iterator that resets");
            }
            boolean sharedByTime = steps == 0 && (epochs == 0 || batchesPerEpoch == 0);
            if (schedule != null && !schedule.isConstant() && sharedByTime && time == null) {
                throw new IllegalArgumentException("a decaying learning rate follows the share of the budget used:"
                        + " give steps, a time, or batchesPerEpoch with the epochs");
            }
            if (earlyStopping != null
                    && metrics.stream().noneMatch(m -> m.name().equals(earlyStopping.metric()))) {
                throw new IllegalArgumentException("early stopping watches '" + earlyStopping.metric()
                        + "', which the run does not measure (it measures "
                        + metrics.stream().map(Metric::name).toList() + ")");
            }
            List<String> names = metrics.stream().map(Metric::name).toList();
            if (names.stream().distinct().count() != names.size()) {
                throw new IllegalArgumentException("two metrics share a name: " + names + " (rename one with named())");
            }
            return new TrainingRun(this);
        }

        private static <N extends Number> N nonNegative(N n, String what) {
            if (n.longValue() < 0) {
                throw new IllegalArgumentException(what + " must be ≥ 0, got " + n);
            }
            return n;
        }
    }
}
