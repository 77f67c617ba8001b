package org.recurrent4j.interop;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model file that cannot be imported: damaged, of another format, inconsistent with itself, or
 * using a layer or option recurrent4j does not map. The message names the file, the place in it
 * (layer, tensor, field) and what was expected against what was found, e.g.
 *
 * <pre>
 * model.pt: tensor lstm.weight_hh_l0: shape [32, 7], expected [32, 8] (4·hidden, hidden)
 * </pre>
 */
public class InteropException extends IOException {

    private static final long serialVersionUID = 1L;

    public InteropException(String message) {
        super(message);
    }

    public InteropException(String message, Throwable cause) {
        super(message, cause);
    }

    /** An error at {@code where} (a layer, tensor or field) of {@code file}. */
    public static InteropException at(Path file, String where, String problem) {
        return new InteropException(file + ": " + where + ": " + problem);
    }

    /** An error in {@code file} as a whole (its format or its framing). */
    public static InteropException in(Path file, String problem) {
        return new InteropException(file + ": " + problem);
    }
}
