package org.recurrent4j.training;

import java.util.List;
import java.util.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A regression iterator for training-run tests: each pass (after each reset) gives {@code batches}
 * batches of 8 examples drawn from a generator seeded by the pass number, so a resumed run that
 * asks for the passes in order gets what an uninterrupted one got. The {@code killAt}-th batch
 * handed out (over all passes) throws instead, as a killed process would stop.
 */
final class GeneratedBatches implements DataSetIterator {

    private static final long serialVersionUID = 1L;

    private final int batches;
    private final long killAt;
    private final int poisonedPass;
    private final int poisonedBatch;
    private int pass;
    private int given;
    private long handedOut;
    private Random random;

    GeneratedBatches(int batches, long killAt) {
        this(batches, killAt, -1, -1);
    }

    /** A NaN label in batch {@code poisonedBatch} (0-based) of pass {@code poisonedPass} (1-based). */
    GeneratedBatches(int batches, long killAt, int poisonedPass, int poisonedBatch) {
        this.batches = batches;
        this.killAt = killAt;
        this.poisonedPass = poisonedPass;
        this.poisonedBatch = poisonedBatch;
        reset();
    }

    static DataSet batch(Random random) {
        float[][] x = new float[8][4];
        float[][] y = new float[8][1];
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 4; j++) {
                x[i][j] = (float) random.nextGaussian();
                y[i][0] += x[i][j] * (j + 1);
            }
        }
        return new DataSet(Nd4j.create(x), Nd4j.create(y));
    }

    @Override
    public boolean hasNext() {
        return given < batches;
    }

    @Override
    public DataSet next() {
        if (++handedOut == killAt) {
            throw new IllegalStateException("killed");
        }
        DataSet d = batch(random);
        if (pass == poisonedPass && given == poisonedBatch) {
            d.getLabels().putScalar(0, 0, Float.NaN);
        }
        given++;
        return d;
    }

    @Override
    public DataSet next(int num) {
        return next();
    }

    @Override
    public void reset() {
        pass++;
        given = 0;
        random = new Random(1000 + pass);
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public int inputColumns() {
        return 4;
    }

    @Override
    public int totalOutcomes() {
        return 1;
    }

    @Override
    public int batch() {
        return 8;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        throw new UnsupportedOperationException();
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return null;
    }

    @Override
    public List<String> getLabels() {
        return null;
    }
}
