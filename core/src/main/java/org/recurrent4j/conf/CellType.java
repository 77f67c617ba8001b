package org.recurrent4j.conf;

import java.util.function.BiFunction;
import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * A type of recurrent cell, by name: it makes the layer configuration of that cell for {@code nIn}
 * inputs and {@code nOut} units. The structure builders ({@link org.recurrent4j.arch}), the
 * command line's {@code --cell}, the benchmarks and the test kit all take one, so a cell of your
 * own works everywhere the built-in ones do.
 *
 * <p>The built-in types and every registered one are in {@link CellTypes}: {@code
 * CellTypes.named("gru")}, {@code CellTypes.GRU}. A type of your own is one line:
 *
 * <pre>{@code
 * CellType mgu = CellType.of("mgu", (nIn, nOut) -> new Mgu.Builder().nIn(nIn).nOut(nOut).build());
 * ComputationGraph net = new ComputationGraph(new SequenceClassifier()
 *         .features(8).cell(mgu).hidden(64).classes(3).build());
 * CellTypes.register(mgu);                        // now also CellTypes.named("mgu") and --cell mgu
 * }</pre>
 *
 * <p>or a class implementing this interface with a public no-argument constructor, named in a
 * file {@code META-INF/services/org.recurrent4j.conf.CellType} on the class path (Java's {@link
 * java.util.ServiceLoader}), which {@link CellTypes} finds by itself.
 *
 * <p>A type always makes a new layer, with its stated defaults (its initialization included), so
 * a given name builds the same layer wherever it is used.
 */
public interface CellType {

    /**
     * The name in options, messages, file names and tables, e.g. {@code gru}: letters, digits,
     * {@code _}, {@code -} and {@code .}, matched without regard to case.
     */
    String id();

    /**
     * A new layer configuration of this cell with {@code nIn} inputs and {@code nOut} units ({@code
     * nOut} is the hidden size {@code H}), with the type's defaults. A recurrent layer: input
     * {@code [batch, nIn, time]}, output {@code [batch, nOut, time]}.
     */
    Layer layer(int nIn, int nOut);

    /**
     * Whether its layer can start from an initial state given by other vertices of a graph
     * ({@link RecurrentWithInitialState}), which the encoder–decoder's and the one-to-many
     * network's {@code INITIAL_STATE} need. True for every layer built on {@link
     * RecurrentCellLayer} (the default); a type whose layer is one of DL4J's own recurrent layers
     * returns false.
     */
    default boolean takesInitialState() {
        return true;
    }

    /**
     * A cell type named {@code id} whose layers {@code layer} makes; its layers must be {@link
     * RecurrentCellLayer}s (it {@linkplain #takesInitialState() takes an initial state}).
     *
     * @throws IllegalArgumentException for a name that is empty or has characters other than
     *     letters, digits, {@code _}, {@code -} and {@code .}
     */
    static CellType of(String id, BiFunction<Integer, Integer, ? extends Layer> layer) {
        return new NamedCellType(id, layer, true);
    }
}
