package org.recurrent4j.io;

import java.io.IOException;

/**
 * A file that users keep (a model, a vocabulary) that cannot be used as it is: cut short, edited,
 * or not the kind of file expected. The message names the file and the part that is wrong.
 */
public class DamagedFileException extends IOException {

    private static final long serialVersionUID = 1L;

    public DamagedFileException(String message) {
        super(message);
    }

    public DamagedFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
