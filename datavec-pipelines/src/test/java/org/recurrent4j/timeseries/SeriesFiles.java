package org.recurrent4j.timeseries;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.Lstm;

/** Files and small networks for the time-series tests. */
final class SeriesFiles {

    private SeriesFiles() {}

    static Path write(Path dir, String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    /** An LSTM of 16 units and a recurrent output layer of {@code out} units. */
    static MultiLayerNetwork recurrentNet(int in, int out, boolean classification) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3)
                .updater(new Adam(0.02))
                .list()
                .layer(new Lstm.Builder().nIn(in).nOut(16).build())
                .layer(new RnnOutputLayer.Builder(
                                classification ? LossFunctions.LossFunction.MCXENT : LossFunctions.LossFunction.MSE)
                        .activation(classification ? Activation.SOFTMAX : Activation.IDENTITY)
                        .dataFormat(RNNFormat.NCW)
                        .nIn(16)
                        .nOut(out)
                        .build())
                .build());
        net.init();
        return net;
    }
}
