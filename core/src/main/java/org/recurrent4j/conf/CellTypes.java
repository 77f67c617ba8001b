package org.recurrent4j.conf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.nd4j.linalg.activations.Activation;
import org.recurrent4j.cell.QrnnCell;
import org.recurrent4j.init.OrthogonalInit;

/**
 * The cell types known by name: the built-in ones, those listed in {@code
 * META-INF/services/org.recurrent4j.conf.CellType} files on the class path, and those given to
 * {@link #register}. One list for the structure builders, the command line ({@code --cell NAME}),
 * the benchmarks and the tests.
 *
 * <p>The built-in types, each with one stated default (a name builds the same layer everywhere):
 *
 * <table>
 *   <caption>Built-in cell types</caption>
 *   <tr><th>name</th><th>layer</th><th>defaults</th></tr>
 *   <tr><td>{@code rnn}</td><td>{@link Rnn}</td><td>tanh, orthogonal {@code W_hh}</td></tr>
 *   <tr><td>{@code lstm}</td><td>{@link Lstm}</td><td>forget-gate bias 1, orthogonal {@code W_hh}</td></tr>
 *   <tr><td>{@code gru}</td><td>{@link Gru}</td><td>reset gate after the product (PyTorch), orthogonal
 *       {@code W_hh}</td></tr>
 *   <tr><td>{@code qrnn}</td><td>{@link Qrnn}</td><td>window 2, fo-pooling</td></tr>
 *   <tr><td>{@code sru}</td><td>{@link Sru}</td><td>the textbook form (highway projected when nIn ≠
 *       nOut)</td></tr>
 *   <tr><td>{@code onlstm}</td><td>{@link OnLstm}</td><td>chunk size 16 (or the largest power of two
 *       below it that divides nOut), orthogonal {@code W_hh}</td></tr>
 *   <tr><td>{@code dl4j_lstm}</td><td>DL4J's {@code LSTM}</td><td>tanh, DL4J's initialization; no
 *       initial state</td></tr>
 *   <tr><td>{@code dl4j_simple_rnn}</td><td>DL4J's {@code SimpleRnn}</td><td>tanh, DL4J's
 *       initialization; no initial state</td></tr>
 * </table>
 *
 * <p>Orthogonal recurrent weights ({@link OrthogonalInit}, one orthogonal {@code [H, H]} block per
 * gate) are the default of every built-in cell of this project with a recurrent matrix: they keep
 * the recurrent product norm-preserving at the start, which lets gradients reach back over long
 * sequences. The input weights and biases follow the network's {@code weightInit} and {@code
 * biasInit}. QRNN and SRU have no recurrent matrix.
 *
 * <pre>{@code
 * CellType gru = CellTypes.named("gru");           // any case; unknown names list the known ones
 * Layer layer = CellTypes.LSTM.layer(64, 128);
 * CellTypes.register(CellType.of("mgu", (nIn, nOut) -> new Mgu.Builder().nIn(nIn).nOut(nOut).build()));
 * }</pre>
 *
 * <p>Thread-safe. The class path's service files are read once, at the first look-up or
 * registration.
 */
public final class CellTypes {

    /** What an id may hold (checked first: the constants below are checked when made). */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]+");

    /** {@link Rnn}, tanh, orthogonal recurrent weights. */
    public static final CellType RNN = new NamedCellType(
            "rnn",
            (nIn, nOut) -> new Rnn.Builder()
                    .nIn(nIn)
                    .nOut(nOut)
                    .weightInitRecurrent(new OrthogonalInit())
                    .build(),
            true);

    /** {@link Lstm}, forget-gate bias 1, orthogonal recurrent weights. */
    public static final CellType LSTM = new NamedCellType(
            "lstm",
            (nIn, nOut) -> new Lstm.Builder()
                    .nIn(nIn)
                    .nOut(nOut)
                    .weightInitRecurrent(new OrthogonalInit())
                    .build(),
            true);

    /** {@link Gru}, reset gate after the recurrent product (PyTorch), orthogonal recurrent weights. */
    public static final CellType GRU = new NamedCellType(
            "gru",
            (nIn, nOut) -> new Gru.Builder()
                    .nIn(nIn)
                    .nOut(nOut)
                    .weightInitRecurrent(new OrthogonalInit())
                    .build(),
            true);

    /** {@link Qrnn}, convolution width 2, fo-pooling. */
    public static final CellType QRNN = new NamedCellType(
            "qrnn",
            (nIn, nOut) -> new Qrnn.Builder()
                    .nIn(nIn)
                    .nOut(nOut)
                    .window(2)
                    .pooling(QrnnCell.Pooling.FO)
                    .build(),
            true);

    /** {@link Sru}, the textbook form (highway projected when nIn ≠ nOut). */
    public static final CellType SRU = new NamedCellType(
            "sru", (nIn, nOut) -> new Sru.Builder().nIn(nIn).nOut(nOut).build(), true);

    /**
     * {@link OnLstm}, chunk size 16 (or the largest power of two below it that divides nOut),
     * orthogonal recurrent weights.
     */
    public static final CellType ONLSTM = new NamedCellType(
            "onlstm",
            (nIn, nOut) -> new OnLstm.Builder()
                    .nIn(nIn)
                    .nOut(nOut)
                    .chunkSize(Integer.lowestOneBit(nOut | 16))
                    .weightInitRecurrent(new OrthogonalInit())
                    .build(),
            true);

    /** DL4J's own {@code LSTM} (tanh, DL4J's initialization), which always starts from zeros. */
    public static final CellType DL4J_LSTM = new NamedCellType(
            "dl4j_lstm",
            (nIn, nOut) -> new LSTM.Builder()
                    .nIn(nIn)
                    .nOut(nOut)
                    .activation(Activation.TANH)
                    .build(),
            false);

    /** DL4J's own {@code SimpleRnn} (tanh, DL4J's initialization), which always starts from zeros. */
    public static final CellType DL4J_SIMPLE_RNN = new NamedCellType(
            "dl4j_simple_rnn",
            (nIn, nOut) -> new SimpleRnn.Builder()
                    .nIn(nIn)
                    .nOut(nOut)
                    .activation(Activation.TANH)
                    .build(),
            false);

    private static final List<CellType> BUILT_IN =
            List.of(RNN, LSTM, GRU, QRNN, SRU, ONLSTM, DL4J_LSTM, DL4J_SIMPLE_RNN);

    /** Every known type by its id in lower case, in order: built-in, service files, registered. */
    private static final Map<String, CellType> KNOWN = new LinkedHashMap<>();

    private static boolean servicesLoaded;

    private CellTypes() {}

    /**
     * The type of that name (any case, surrounding blanks ignored).
     *
     * @throws IllegalArgumentException for an unknown name; the message lists the known ones
     */
    public static CellType named(String name) {
        String key = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        synchronized (KNOWN) {
            CellType type = known().get(key);
            if (type != null) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown cell '" + name + "'; known cells: " + String.join(", ", names())
                + " (register one with CellTypes.register or a META-INF/services/" + CellType.class.getName()
                + " file)");
    }

    /** Every known type: the built-in ones, then those of service files, then registered ones. */
    public static List<CellType> all() {
        synchronized (KNOWN) {
            return List.copyOf(known().values());
        }
    }

    /** The {@link CellType#id()} of every known type, in the order of {@link #all()}. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (CellType type : all()) {
            names.add(type.id());
        }
        return Collections.unmodifiableList(names);
    }

    /**
     * The built-in types only: this project's cells and DL4J's own {@code LSTM} and {@code
     * SimpleRnn}.
     */
    public static List<CellType> builtIn() {
        return BUILT_IN;
    }

    /**
     * Makes {@code type} known by its {@link CellType#id()}. Registering the same instance again
     * does nothing.
     *
     * @throws IllegalArgumentException if another type has that name (in any case), or the name is
     *     not a valid id
     */
    public static void register(CellType type) {
        checkId(type.id());
        String key = type.id().toLowerCase(Locale.ROOT);
        synchronized (KNOWN) {
            CellType present = known().get(key);
            if (present == type) {
                return;
            }
            if (present != null) {
                throw new IllegalArgumentException("a cell named '" + present.id() + "' is already known ("
                        + present.getClass().getName() + "); give "
                        + type.getClass().getName()
                        + " another name");
            }
            KNOWN.put(key, type);
        }
    }

    static void checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a cell type's id must be letters, digits, '_', '-' or '.', got '" + id
                    + "' (it is an option value and part of file names)");
        }
    }

    /** The map, with the built-ins and the class path's service files read in on first use. */
    private static Map<String, CellType> known() {
        if (!servicesLoaded) {
            Map<String, CellType> found = new LinkedHashMap<>();
            for (CellType type : BUILT_IN) {
                found.put(type.id(), type);
            }
            try {
                for (CellType type : ServiceLoader.load(CellType.class)) {
                    checkId(type.id());
                    CellType present = found.putIfAbsent(type.id().toLowerCase(Locale.ROOT), type);
                    if (present != null) {
                        throw new IllegalStateException("two cell types are named '" + type.id() + "': "
                                + present.getClass().getName() + " and "
                                + type.getClass().getName()
                                + " (listed in a META-INF/services/" + CellType.class.getName()
                                + " file); rename one");
                    }
                }
            } catch (ServiceConfigurationError e) {
                throw new IllegalStateException(
                        "a cell type listed in a META-INF/services/" + CellType.class.getName()
                                + " file on the class path cannot be loaded: " + e.getMessage(),
                        e);
            }
            KNOWN.putAll(found);
            servicesLoaded = true;
        }
        return KNOWN;
    }
}
