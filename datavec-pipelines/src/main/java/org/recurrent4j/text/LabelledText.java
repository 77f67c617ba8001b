package org.recurrent4j.text;

/**
 * One example of a text classification corpus.
 *
 * @param text the text
 * @param label the label's index in the corpus' label list
 * @param source where the example was read, as {@code file:line} or the file, for errors
 */
public record LabelledText(String text, int label, String source) {}
