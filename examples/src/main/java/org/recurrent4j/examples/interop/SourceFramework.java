package org.recurrent4j.examples.interop;

/** The frameworks {@code recurrent4j import} reads ({@code --from keras|pytorch|onnx}). */
enum SourceFramework {
    /** A Keras {@code .h5} model. */
    KERAS,
    /** A PyTorch recurrent module's state_dict: {@code torch.save} file, {@code .npz} or {@code .safetensors}. */
    PYTORCH,
    /** An ONNX model with RNN, LSTM or GRU nodes. */
    ONNX;

    /** As the command line spells it. */
    String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
