package org.recurrent4j.examples.cli;

/**
 * A mistake of the person at the command line that a command finds after parsing (a missing file,
 * options that contradict each other): reported as one line, without a stack trace, with exit code
 * 2 (see {@link CommandLines}).
 */
public class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
