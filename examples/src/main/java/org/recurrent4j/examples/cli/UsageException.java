package org.recurrent4j.examples.cli;

/**
 * A mistake of the person at the command line (a missing file, a bad option value): reported as
 * one line, without a stack trace, with exit code 2.
 */
public class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
