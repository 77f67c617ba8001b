package org.recurrent4j.cell;

/**
 * One named vector a cell carries from step to step, of {@code size} values per example.
 *
 * <p>In {@code rnnTimeStep}'s state map ({@code rnnGetPreviousState}/{@code
 * rnnSetPreviousState}) an entry is a {@code [batch, size]} array under its name. An entry marked
 * {@link #initialInput()} is also an input of {@link org.recurrent4j.conf.RecurrentWithInitialState}
 * (an initial state given by other graph vertices, with its gradient sent back); the input window
 * of a windowed projection is state but not such an input.
 *
 * @param name the key in the state map
 * @param size values per example
 * @param initialInput whether an external initial state may set it
 */
public record StateEntry(String name, int size, boolean initialInput) {

    /** The key of the hidden state (the output) {@code h}. */
    public static final String H = "h";

    /** The key of the memory cell {@code c}. */
    public static final String C = "c";

    /** The key of a windowed projection's last {@code k − 1} inputs. */
    public static final String INPUT_WINDOW = "x";

    public StateEntry {
        if (name == null || name.isEmpty() || size < 1) {
            throw new IllegalArgumentException(
                    "a state entry needs a name and a positive size, got '" + name + "' of " + size);
        }
    }

    /** The hidden state {@code h} of {@code hidden} values: the output, recurring. */
    public static StateEntry hidden(int hidden) {
        return new StateEntry(H, hidden, true);
    }

    /** The memory cell {@code c} of {@code hidden} values. */
    public static StateEntry memory(int hidden) {
        return new StateEntry(C, hidden, true);
    }
}
