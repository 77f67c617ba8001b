package org.recurrent4j.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.junit.jupiter.api.DynamicTest;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.opentest4j.TestAbortedException;
import org.recurrent4j.conf.CellType;

/**
 * recurrent4j's own battery of checks, for a cell of your own: everything the project proves of
 * its built-in cells, in a few lines of JUnit 5.
 *
 * <pre>{@code
 * class MguTest {
 *     static final CellType MGU = CellType.of("mgu", (nIn, nOut) -> new Mgu.Builder().nIn(nIn).nOut(nOut).build());
 *
 *     @TestFactory
 *     Stream<DynamicTest> theKit() {
 *         return CellTestKit.forCell(MGU).withReference(new MguReference()).tests();
 *     }
 * }
 * }</pre>
 *
 * <p>or, in one test method, {@code CellTestKit.forCell(MGU).withReference(new MguReference()).run()},
 * which runs every case and throws one {@link AssertionError} listing those that failed.
 *
 * <p>What runs ({@link CellCheck}), in float64 with the project's settings (3 inputs, 4 units, 3
 * sequences of 5 steps unless a check says otherwise; DL4J's {@code GradientCheckUtil} with ε =
 * 1e-6, relative error at most 1e-5, absolute errors below 1e-9 ignored; every constant-initialized
 * parameter randomized first):
 *
 * <ul>
 *   <li>gradient checks in a {@code MultiLayerNetwork} and a {@code ComputationGraph}, without a
 *       mask and with padding at either end; inside {@code Bidirectional} and {@code
 *       LastTimeStep}; in NWC; through an initial state given by other vertices;
 *   <li>padding leaves no trace (either end, both directions, {@code MaskZeroLayer});
 *   <li>{@code rnnTimeStep} against the full pass; truncated BPTT; the state-gradient record;
 *   <li>the whole-sequence path against the step path (for {@code Cell.WholeSequenceSteps});
 *       the portable kernels against the direct ones, and a gradient check on them; float32
 *       against float64;
 *   <li>JSON and {@code ModelSerializer} round trips; dropout and weight noise in training only;
 *   <li>with {@link #withReference}, outputs and final states against your plain-Java step at
 *       1e-10.
 * </ul>
 *
 * <p>A failure says which check, which case and by how much: for a gradient check, the parameters
 * whose backprop and finite-difference gradients differ most. The cell type's layers must extend
 * {@link org.recurrent4j.conf.RecurrentCellLayer}. A kit is immutable: each option returns a new
 * one. The checks set ND4J's default data types to float64 while they run and restore them after,
 * and leave the {@link org.recurrent4j.kernel.KernelPath} as they found it.
 */
public final class CellTestKit {

    private final CellType cell;
    private final ReferenceStep reference;
    private final Set<CellCheck> checks;
    private final Bidirectional.Mode bidirectionalMode;
    private final Masking bidirectionalMasking;

    private CellTestKit(
            CellType cell,
            ReferenceStep reference,
            Set<CellCheck> checks,
            Bidirectional.Mode bidirectionalMode,
            Masking bidirectionalMasking) {
        this.cell = cell;
        this.reference = reference;
        this.checks = checks;
        this.bidirectionalMode = bidirectionalMode;
        this.bidirectionalMasking = bidirectionalMasking;
    }

    /** The kit for the layers {@code cell} makes, with every check. */
    public static CellTestKit forCell(CellType cell) {
        Objects.requireNonNull(cell, "cell");
        return new CellTestKit(
                cell, null, EnumSet.allOf(CellCheck.class), Bidirectional.Mode.CONCAT, Masking.PADDING_AT_START);
    }

    /** Adds the comparison with {@code reference}, your cell's equations in plain Java ({@link CellCheck#REFERENCE}). */
    public CellTestKit withReference(ReferenceStep reference) {
        return new CellTestKit(
                cell, Objects.requireNonNull(reference, "reference"), checks, bidirectionalMode, bidirectionalMasking);
    }

    /** Runs only these checks. */
    public CellTestKit only(CellCheck... only) {
        Set<CellCheck> chosen = EnumSet.noneOf(CellCheck.class);
        chosen.addAll(Arrays.asList(only));
        return new CellTestKit(cell, reference, chosen, bidirectionalMode, bidirectionalMasking);
    }

    /** Leaves these checks out. */
    public CellTestKit skip(CellCheck... skipped) {
        Set<CellCheck> chosen = EnumSet.copyOf(checks);
        Arrays.asList(skipped).forEach(chosen::remove);
        return new CellTestKit(cell, reference, chosen, bidirectionalMode, bidirectionalMasking);
    }

    /**
     * The merge mode and padding of the {@link CellCheck#GRADIENT_BIDIRECTIONAL} check (default
     * CONCAT with padding at the start, which the backward direction sees at its end).
     */
    public CellTestKit bidirectional(Bidirectional.Mode mode, Masking masking) {
        return new CellTestKit(
                cell,
                reference,
                checks,
                Objects.requireNonNull(mode, "mode"),
                Objects.requireNonNull(masking, "masking"));
    }

    /** The cases as JUnit dynamic tests, for a {@code @TestFactory} method; a case without its subject is skipped. */
    public Stream<DynamicTest> tests() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> inDoublePrecision(c)));
    }

    /**
     * Runs every case.
     *
     * @throws AssertionError listing every case that failed (with its message), if any did
     */
    public void run() {
        List<String> failures = new ArrayList<>();
        List<KitCase> cases = cases();
        AssertionError combined = null;
        for (KitCase c : cases) {
            try {
                inDoublePrecision(c);
            } catch (TestAbortedException skipped) {
                // The case does not apply to this cell (a whole-sequence path it does not have).
            } catch (Throwable t) {
                failures.add(c.name() + ": " + (t instanceof AssertionError ? t.getMessage() : t.toString()));
                if (combined == null) {
                    combined = new AssertionError("", t);
                }
            }
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError(failures.size() + " of " + cases.size()
                    + " checks failed for cell '" + cell.id() + "':\n - " + String.join("\n - ", failures));
            error.initCause(combined.getCause());
            throw error;
        }
    }

    /** The cases this kit runs, in order. */
    List<KitCase> cases() {
        List<KitCase> cases = new ArrayList<>();
        for (CellCheck check : checks) {
            cases.addAll(
                    switch (check) {
                        case GRADIENT_MULTI_LAYER -> GradientCases.multiLayer(cell);
                        case GRADIENT_GRAPH -> GradientCases.graph(cell);
                        case GRADIENT_BIDIRECTIONAL -> GradientCases.bidirectional(
                                cell, bidirectionalMode, bidirectionalMasking);
                        case GRADIENT_LAST_TIME_STEP -> GradientCases.lastTimeStep(cell);
                        case GRADIENT_NWC -> GradientCases.nwc(cell);
                        case INITIAL_STATE -> ModelCases.initialState(cell);
                        case PADDING -> SequenceCases.padding(cell);
                        case RNN_TIME_STEP -> SequenceCases.rnnTimeStep(cell);
                        case TRUNCATED_BPTT -> SequenceCases.truncatedBptt(cell);
                        case WHOLE_SEQUENCE_PATH -> PathCases.wholeSequence(cell);
                        case KERNEL_PATHS -> PathCases.kernelPaths(cell);
                        case FLOAT32 -> PathCases.float32(cell);
                        case SERIALIZATION -> ModelCases.serialization(cell);
                        case NOISE -> ModelCases.noise(cell);
                        case STATE_GRADIENT_NORMS -> SequenceCases.stateGradientNorms(cell);
                        case REFERENCE -> reference == null ? List.of() : ReferenceCase.of(cell, reference);
                    });
        }
        return cases;
    }

    private static void inDoublePrecision(KitCase c) throws Throwable {
        DataType data = Nd4j.dataType();
        DataType floating = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            c.body().execute();
        } finally {
            Nd4j.setDefaultDataTypes(data, floating);
        }
    }
}
