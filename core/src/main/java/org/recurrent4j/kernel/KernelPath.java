package org.recurrent4j.kernel;

import java.util.Locale;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which kernels the recurrent layers run on.
 *
 * <ul>
 *   <li>{@link #DIRECT}: element access through NIO views of host memory and OpenBLAS called
 *       directly at pointers into it. Fast (see docs/benchmarks.md), and possible only with ND4J's
 *       CPU backend ({@code nd4j-native}), whose buffers live in host memory and which brings
 *       OpenBLAS.
 *   <li>{@link #PORTABLE}: element access through ND4J's backend-neutral {@link
 *       org.nd4j.linalg.api.buffer.DataBuffer} API and matrix products through ND4J's own {@code
 *       Nd4j.gemm}, with the memory location managed around them; runs on any ND4J backend (CUDA
 *       included), correct but slower (docs/layers.md gives the measured cost).
 * </ul>
 *
 * <p>Chosen automatically when first needed: {@code DIRECT} on the CPU backend with OpenBLAS's Java
 * classes present, {@code PORTABLE} otherwise. The system property {@code recurrent4j.kernels}
 * ({@code direct}, {@code portable} or {@code auto}) forces a choice at start-up, and {@link
 * #use} switches at run time (for tests and measurements: both paths compute the same numbers up
 * to rounding). No class of the portable path names OpenBLAS: its classes are loaded only when the
 * direct path is chosen.
 *
 * <pre>{@code
 * KernelPath.use(KernelPath.PORTABLE);        // or -Drecurrent4j.kernels=portable
 * }</pre>
 */
public enum KernelPath {
    /** OpenBLAS and NIO views of host memory: ND4J's CPU backend only. */
    DIRECT,
    /** ND4J's DataBuffer element access and {@code Nd4j.gemm}: any backend. */
    PORTABLE;

    /** The system property that forces a path: {@code direct}, {@code portable} or {@code auto}. */
    public static final String PROPERTY = "recurrent4j.kernels";

    private static final String OPENBLAS = "org.bytedeco.openblas.global.openblas_nolapack";

    private static volatile KernelPath active;
    private static volatile GemmKernel gemm;

    /** The path the layers run on now. */
    public static KernelPath active() {
        KernelPath path = active;
        if (path == null) {
            synchronized (KernelPath.class) {
                if (active == null) {
                    set(fromProperty());
                }
                path = active;
            }
        }
        return path;
    }

    /**
     * Switches the layers to {@code path} from their next pass on (a pass under way finishes on
     * its path).
     *
     * @throws IllegalStateException for {@link #DIRECT} where it cannot run (a backend other than
     *     ND4J's CPU backend, or no OpenBLAS classes)
     */
    public static synchronized void use(KernelPath path) {
        set(path);
    }

    /** Whether the direct path can run here: ND4J's CPU backend, with OpenBLAS's classes present. */
    public static boolean directAvailable() {
        if (!Nd4j.getEnvironment().isCPU()) {
            return false;
        }
        try {
            Class.forName(OPENBLAS, false, KernelPath.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The path chosen without a property: direct where it can run, portable elsewhere. */
    public static KernelPath automatic() {
        return directAvailable() ? DIRECT : PORTABLE;
    }

    /** The matrix product of the active path. */
    static GemmKernel gemm() {
        GemmKernel kernel = gemm;
        if (kernel == null) {
            active();
            kernel = gemm;
        }
        return kernel;
    }

    private static KernelPath fromProperty() {
        String value = System.getProperty(PROPERTY, "auto").strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "auto", "" -> automatic();
            case "direct" -> DIRECT;
            case "portable" -> PORTABLE;
            default -> throw new IllegalStateException(
                    "system property " + PROPERTY + " must be direct, portable or auto, got '" + value + "'");
        };
    }

    private static void set(KernelPath path) {
        if (path == DIRECT && !directAvailable()) {
            throw new IllegalStateException("the direct kernels need ND4J's CPU backend (nd4j-native) and OpenBLAS;"
                    + " this process runs " + Nd4j.getBackend().getClass().getName()
                    + ": use KernelPath.PORTABLE (or leave " + PROPERTY + " unset to choose automatically)");
        }
        // The direct kernel's class is named only here, on the direct branch: loaded lazily.
        gemm = path == DIRECT ? new OpenBlasGemm() : new Nd4jGemm();
        active = path;
    }
}
