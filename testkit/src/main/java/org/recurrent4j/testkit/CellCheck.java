package org.recurrent4j.testkit;

/**
 * The checks {@link CellTestKit} runs, each a group of cases. All run by default ({@link
 * #REFERENCE} when a reference step is given); {@link CellTestKit#only} and {@link
 * CellTestKit#skip} choose.
 */
public enum CellCheck {
    /** DL4J's gradient check in float64 in a {@code MultiLayerNetwork}, without a mask and with padding at either end. */
    GRADIENT_MULTI_LAYER("gradient check, MultiLayerNetwork"),
    /** The same in a {@code ComputationGraph}. */
    GRADIENT_GRAPH("gradient check, ComputationGraph"),
    /** The gradient check inside {@code Bidirectional} (the kit's merge mode and padding). */
    GRADIENT_BIDIRECTIONAL("gradient check, Bidirectional"),
    /** The gradient check inside {@code LastTimeStep}, without a mask and with padding at the end. */
    GRADIENT_LAST_TIME_STEP("gradient check, LastTimeStep"),
    /** The gradient check with input and output in NWC ({@code [batch, time, features]}), padded at the start. */
    GRADIENT_NWC("gradient check, NWC"),
    /**
     * An encoder's final state as the cell's initial state ({@code RecurrentWithInitialState}): the
     * gradient check through the initial state, and the graph's output equal to the layer started
     * from the same state.
     */
    INITIAL_STATE("initial state from other vertices"),
    /**
     * Padding leaves no trace: on real steps a padded batch gives what each sequence gives alone,
     * zeros on padded steps, at either end, in both directions of {@code Bidirectional}, and
     * DL4J's {@code MaskZeroLayer} equals an explicit mask.
     */
    PADDING("padding"),
    /** {@code rnnTimeStep} step by step, in chunks and from a saved state equals the full pass. */
    RNN_TIME_STEP("rnnTimeStep"),
    /**
     * Truncated BPTT: the gradient reaches back exactly its length, over the whole length it is
     * plain BPTT, and a backward pass that must redo its forward pass starts from the carried
     * state.
     */
    TRUNCATED_BPTT("truncated BPTT"),
    /** A cell with a whole-sequence path computes on it what its step path computes (skipped for a cell without one). */
    WHOLE_SEQUENCE_PATH("whole-sequence path"),
    /** The portable kernels compute what the direct ones compute, and pass the gradient check. */
    KERNEL_PATHS("portable kernel path"),
    /** float32 computes what float64 computes, to float rounding. */
    FLOAT32("float32 against float64"),
    /** The configuration survives JSON, the network {@code ModelSerializer}, with the same outputs. */
    SERIALIZATION("JSON and ModelSerializer"),
    /** Input dropout and weight noise act in training only. */
    NOISE("dropout and weight noise"),
    /** The recorded state-gradient norms are the gradients with respect to the state after each step. */
    STATE_GRADIENT_NORMS("state-gradient norms"),
    /** Outputs and final states equal a plain-Java reference of the cell's equations, at 1e-10 (float64). */
    REFERENCE("reference parity");

    private final String title;

    CellCheck(String title) {
        this.title = title;
    }

    /** How the check's cases are named in reports. */
    public String title() {
        return title;
    }
}
