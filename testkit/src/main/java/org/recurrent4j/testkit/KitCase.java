package org.recurrent4j.testkit;

import org.junit.jupiter.api.function.Executable;

/** One case of a check: a name for the report and what it runs (throwing {@link AssertionError} when it fails). */
record KitCase(CellCheck check, String name, Executable body) {

    static KitCase of(CellCheck check, String detail, Executable body) {
        return new KitCase(check, detail.isEmpty() ? check.title() : check.title() + ", " + detail, body);
    }
}
