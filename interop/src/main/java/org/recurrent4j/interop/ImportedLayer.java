package org.recurrent4j.interop;

/**
 * One layer of an imported model, for its summary: the source's name and type for it and what it
 * became in recurrent4j, with its parameter count.
 *
 * @param source the layer's name in the source file (a Keras layer, a PyTorch module prefix, an ONNX node)
 * @param sourceType its type there, with the options that matter ({@code LSTM(bidirectional, 2 layers)})
 * @param became the recurrent4j/DL4J layer or vertex it became ({@code Bidirectional(CONCAT, Lstm 10→32)})
 * @param parameters the number of parameters it holds
 */
public record ImportedLayer(String source, String sourceType, String became, long parameters) {}
