package org.recurrent4j.examples.cli;

/**
 * A run that could not go on for a reason its message explains in full (training diverged, a
 * checkpoint could not be written): reported as one line, without a stack trace, with exit code 1
 * (see {@link CommandLines}).
 */
public class RunFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public RunFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
