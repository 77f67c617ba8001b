package org.recurrent4j.serving;

/** How the server's web page offers an {@link Endpoint} to a person. */
public enum PageForm {
    /** A text box; the answer's {@code label} and {@code probabilities} shown as bars. */
    TEXT_CLASSIFICATION,
    /** A prime and sampling settings; the generated text streamed in as it is sampled. */
    TEXT_GENERATION,
    /** A source text; the decoded output shown beside it. */
    TEXT_TO_TEXT,
    /** Comma-separated values; the answer shown as JSON. */
    SERIES,
    /** Not shown on the page (the API only). */
    NONE
}
