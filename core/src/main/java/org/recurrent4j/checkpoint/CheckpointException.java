package org.recurrent4j.checkpoint;

import java.io.IOException;

/**
 * A checkpoint that cannot be used: missing, incomplete, damaged (a file whose size or SHA-256
 * differs from its manifest) or foreign (not a recurrent4j checkpoint, or of another kind of
 * model). The message names the directory and the file, and says what to do.
 */
public class CheckpointException extends IOException {

    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
