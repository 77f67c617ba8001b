package org.recurrent4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A saved model carries its integrity record and is refused, with one line naming the file and
 * the part, when any part was cut short, changed or is missing; plain DL4J files still load.
 */
class ModelFileTest {

    private static MultiLayerNetwork network() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(1)
                .updater(new Adam(0.01))
                .list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(5).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .nIn(5)
                        .nOut(2)
                        .activation(Activation.IDENTITY)
                        .build())
                .build());
        net.init();
        return net;
    }

    @Test
    void aSavedModelLoadsAsItWasOfEitherKind(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = network();
        Path file = dir.resolve("model.zip");
        ModelFile.save(net, file, true);
        ModelFile.verify(file);
        MultiLayerNetwork back = ModelFile.loadMultiLayerNetwork(file, true);
        assertArrayEquals(net.params().toFloatVector(), back.params().toFloatVector());
        assertInstanceOf(MultiLayerNetwork.class, ModelFile.load(file, false));
        ComputationGraph graph = net.toComputationGraph();
        ModelFile.save(graph, dir.resolve("graph.zip"), false);
        assertInstanceOf(ComputationGraph.class, ModelFile.load(dir.resolve("graph.zip"), false));
        DamagedFileException kind =
                assertThrows(DamagedFileException.class, () -> ModelFile.loadComputationGraph(file, false));
        assertTrue(kind.getMessage().contains("holds a MultiLayerNetwork"), kind.getMessage());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void truncatedOrReshapedParametersAreOneClearLineBeforeND4JReadsThem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("model.zip");
        ModelFile.save(network(), file, false);

        Path truncated = rewritten(
                file, dir.resolve("truncated.zip"), "coefficients.bin", b -> java.util.Arrays.copyOf(b, b.length / 2));
        DamagedFileException cut = assertThrows(DamagedFileException.class, () -> ModelFile.load(truncated, false));
        assertTrue(
                cut.getMessage().startsWith(truncated + " is damaged: its part coefficients.bin has "),
                cut.getMessage());
        assertTrue(cut.getMessage().contains("its record says"), cut.getMessage());

        Path reshaped = rewritten(file, dir.resolve("reshaped.zip"), "coefficients.bin", b -> {
            byte[] copy = b.clone();
            copy[copy.length - 1] ^= 0x5a;
            return copy;
        });
        DamagedFileException changed = assertThrows(DamagedFileException.class, () -> ModelFile.load(reshaped, false));
        assertTrue(changed.getMessage().contains("SHA-256"), changed.getMessage());

        Path missing = rewritten(file, dir.resolve("missing.zip"), "configuration.json", b -> null);
        assertTrue(assertThrows(DamagedFileException.class, () -> ModelFile.load(missing, false))
                .getMessage()
                .contains("configuration.json is missing"));

        Path cutZip = dir.resolve("cut.zip");
        byte[] whole = Files.readAllBytes(file);
        Files.write(cutZip, java.util.Arrays.copyOf(whole, whole.length - 40));
        DamagedFileException notZip = assertThrows(DamagedFileException.class, () -> ModelFile.load(cutZip, false));
        assertTrue(notZip.getMessage().contains("truncated or of another format"), notZip.getMessage());
    }

    @Test
    void aPlainDl4jFileLoadsAndItsDamageIsStillOneLine(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = network();
        Path plain = dir.resolve("plain.zip");
        ModelSerializer.writeModel(net, plain.toFile(), false);
        assertArrayEquals(
                net.params().toFloatVector(),
                ModelFile.loadMultiLayerNetwork(plain, false).params().toFloatVector());

        // Its parameters' header declares another length than the configuration needs.
        Path reshaped = rewritten(plain, dir.resolve("reshaped.zip"), "coefficients.bin", b -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (DataOutputStream data = new DataOutputStream(out)) {
                data.write(b, 0, b.length);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            byte[] copy = out.toByteArray();
            return java.util.Arrays.copyOf(copy, copy.length - 8);
        });
        DamagedFileException e = assertThrows(DamagedFileException.class, () -> ModelFile.load(reshaped, false));
        assertTrue(e.getMessage().startsWith(reshaped + " cannot be read as a DL4J model"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    /** A copy of {@code zip} with one entry's bytes replaced (or the entry dropped, for null), nothing else. */
    private static Path rewritten(Path zip, Path to, String entryName, UnaryOperator<byte[]> change) throws Exception {
        try (ZipFile in = new ZipFile(zip.toFile());
                OutputStream file = Files.newOutputStream(to);
                ZipOutputStream out = new ZipOutputStream(file)) {
            Enumeration<? extends ZipEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                byte[] bytes;
                try (InputStream s = in.getInputStream(e)) {
                    bytes = s.readAllBytes();
                }
                if (e.getName().equals(entryName)) {
                    bytes = change.apply(bytes);
                    if (bytes == null) {
                        continue;
                    }
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        return to;
    }
}
