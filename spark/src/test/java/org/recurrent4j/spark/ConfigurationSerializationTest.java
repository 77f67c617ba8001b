package org.recurrent4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.arch.EncoderDecoder;
import org.recurrent4j.arch.ImageClassifier;
import org.recurrent4j.arch.OneToMany;
import org.recurrent4j.arch.SequenceClassifier;
import org.recurrent4j.arch.SequenceLabeler;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.conf.Gru;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.conf.OnLstm;
import org.recurrent4j.conf.Qrnn;
import org.recurrent4j.conf.Recurrent2d;
import org.recurrent4j.conf.Rnn;
import org.recurrent4j.conf.Sru;
import org.recurrent4j.text.LabelledTextFiles;
import org.recurrent4j.text.Tokenizer;
import org.recurrent4j.text.WordVocabulary;

/**
 * Spark broadcasts a network's configuration by Java serialization: every configuration class of
 * recurrent4j (each concrete class of {@code org.recurrent4j.conf}, found on the class path, so a
 * new one cannot be missed) comes back equal, inside whole configurations that then compute the
 * same outputs; and the text classes that executors receive (tokenizer, vocabulary, file layout)
 * survive it too.
 */
class ConfigurationSerializationTest {

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T object) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(object);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                return (T) in.readObject();
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new AssertionError(object.getClass().getName() + " does not survive Java serialization", e);
        }
    }

    /** Graphs that together hold every configuration class of recurrent4j. */
    private static List<ComputationGraphConfiguration> graphs() {
        List<ComputationGraphConfiguration> graphs = new ArrayList<>();
        for (CellType cell : List.of(CellTypes.RNN, CellTypes.LSTM, CellTypes.GRU, CellTypes.QRNN, CellTypes.SRU)) {
            graphs.add(new SequenceClassifier()
                    .features(3)
                    .cell(cell)
                    .hidden(4, 4)
                    .bidirectional(Bidirectional.Mode.CONCAT)
                    .classes(2)
                    .build());
        }
        graphs.add(new SequenceLabeler()
                .tokens(10, 4)
                .cell(CellTypes.ONLSTM)
                .hidden(8)
                .classes(10)
                .languageModel(true)
                .build());
        for (OneToMany.Feed feed : OneToMany.Feed.values()) {
            graphs.add(new OneToMany()
                    .vectorSize(3)
                    .features(2)
                    .cell(CellTypes.LSTM)
                    .hidden(4)
                    .feed(feed)
                    .classes(2)
                    .build());
        }
        graphs.add(new EncoderDecoder()
                .features(5)
                .targetOneHot(6)
                .cell(CellTypes.GRU)
                .hidden(4)
                .bidirectional(Bidirectional.Mode.CONCAT)
                .context(EncoderDecoder.Context.INITIAL_STATE)
                .attention(true)
                .build());
        graphs.add(new ImageClassifier()
                .image(4, 4, 2)
                .cell(CellTypes.GRU)
                .hidden(3)
                .composition(Recurrent2d.Composition.RENET)
                .patchSize(2)
                .classes(2)
                .build());
        return graphs;
    }

    @Test
    void everyConfigurationClassSurvivesJavaSerialization() throws Exception {
        Set<String> covered = new TreeSet<>();
        for (ComputationGraphConfiguration graph : graphs()) {
            for (GraphVertex vertex : graph.getVertices().values()) {
                if (vertex.getClass().getName().startsWith("org.recurrent4j.")) {
                    covered.add(vertex.getClass().getName());
                    assertEquals(vertex, roundTrip(vertex), vertex.getClass().getName());
                }
                Object conf = vertex instanceof LayerVertex layer
                        ? layer.getLayerConf().getLayer()
                        : null;
                while (conf != null) {
                    if (conf.getClass().getName().startsWith("org.recurrent4j.")) {
                        covered.add(conf.getClass().getName());
                        assertEquals(conf, roundTrip(conf), conf.getClass().getName());
                    }
                    if (conf instanceof Bidirectional b) {
                        conf = b.getFwd();
                    } else if (conf instanceof BaseWrapperLayer w) {
                        conf = w.getUnderlying();
                    } else {
                        break;
                    }
                }
            }
            ComputationGraphConfiguration back = roundTrip(graph);
            assertEquals(graph.toJson(), back.toJson());
            assertSameOutputs(graph, back);
        }
        // plain layers in a MultiLayerNetwork too
        MultiLayerConfiguration list = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .list()
                .layer(new Rnn.Builder().nIn(3).nOut(4).build())
                .layer(new Lstm.Builder().nIn(4).nOut(4).build())
                .layer(new Gru.Builder().nIn(4).nOut(4).build())
                .layer(new Qrnn.Builder().nIn(4).nOut(4).build())
                .layer(new Sru.Builder().nIn(4).nOut(4).build())
                .layer(new OnLstm.Builder().nIn(4).nOut(4).chunkSize(2).build())
                .layer(new RnnOutputLayer.Builder()
                        .activation(Activation.SOFTMAX)
                        .nIn(4)
                        .nOut(2)
                        .build())
                .build();
        MultiLayerConfiguration listBack = roundTrip(list);
        assertEquals(list.toJson(), listBack.toJson());
        for (int i = 0; i < list.getConfs().size(); i++) {
            Layer layer = list.getConf(i).getLayer();
            assertEquals(layer, roundTrip(layer));
        }
        MultiLayerNetwork a = new MultiLayerNetwork(list);
        a.init();
        MultiLayerNetwork b = new MultiLayerNetwork(listBack);
        b.init(a.params().dup(), false);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 3, 5);
        assertEquals(a.output(x), b.output(x));

        Set<String> every = concreteConfigurationClasses();
        assertTrue(covered.containsAll(every), "not covered by the graphs above: " + minus(every, covered));
    }

    private static void assertSameOutputs(ComputationGraphConfiguration conf, ComputationGraphConfiguration back) {
        ComputationGraph a = new ComputationGraph(conf);
        a.init();
        ComputationGraph b = new ComputationGraph(back);
        b.init(a.params().dup(), false);
        INDArray[] inputs = new INDArray[conf.getNetworkInputs().size()];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = input(conf, conf.getNetworkInputs().get(i));
        }
        INDArray[] expected = a.output(inputs);
        INDArray[] actual = b.output(inputs);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], conf.getNetworkOutputs().get(i));
        }
    }

    /** An input of the right shape for the graphs above: token indices, a vector or a sequence. */
    private static INDArray input(ComputationGraphConfiguration conf, String name) {
        Nd4j.getRandom().setSeed(3);
        return switch (name) {
            case OneToMany.VECTOR -> Nd4j.rand(DataType.FLOAT, 2, 3);
            case OneToMany.STEPS -> Nd4j.rand(DataType.FLOAT, 2, 2, 4);
            case EncoderDecoder.SOURCE -> Nd4j.rand(DataType.FLOAT, 2, 5, 4);
            case EncoderDecoder.TARGET -> Nd4j.rand(DataType.FLOAT, 2, 6, 3);
            case ImageClassifier.IMAGE -> Nd4j.rand(DataType.FLOAT, 2, 2, 4, 4);
            default -> conf.toJson().contains("EmbeddingSequenceLayer")
                    ? Nd4j.createFromArray(new float[][][] {{{1, 2, 3, 4}}, {{5, 6, 7, 8}}})
                    : Nd4j.rand(DataType.FLOAT, 2, 3, 4);
        };
    }

    @Test
    void whatExecutorsReceiveSurvivesJavaSerialization() {
        Tokenizer tokenizer = Tokenizer.builder()
                .lowerCase(false)
                .punctuation(Tokenizer.Punctuation.STRIP)
                .build();
        assertEquals(tokenizer, roundTrip(tokenizer));
        WordVocabulary vocabulary = WordVocabulary.builder(tokenizer).build(List.of("a b c", "a b", "a"));
        WordVocabulary back = roundTrip(vocabulary);
        assertEquals(vocabulary, back);
        assertEquals(
                List.of(2, 3, 4, 1),
                java.util.Arrays.stream(back.encode("a b c d")).boxed().toList());
        LabelledTextFiles layout =
                LabelledTextFiles.csv().header(true).labels("neg", "pos").build();
        assertEquals(layout.toString(), roundTrip(layout).toString());
    }

    /** Every concrete class of org.recurrent4j.conf (nested ones aside), read from where Gru's class came from. */
    private static Set<String> concreteConfigurationClasses()
            throws IOException, URISyntaxException, ClassNotFoundException {
        Path location = Path.of(
                Gru.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.list(location.resolve("org/recurrent4j/conf"))) {
                files.map(f -> f.getFileName().toString()).forEach(names::add);
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                Enumeration<JarEntry> entries = jar.entries();
                while (entries.hasMoreElements()) {
                    String name = entries.nextElement().getName();
                    if (name.startsWith("org/recurrent4j/conf/") && name.indexOf('/', 21) < 0) {
                        names.add(name.substring(21));
                    }
                }
            }
        }
        Set<String> classes = new TreeSet<>();
        for (String file : names) {
            if (!file.endsWith(".class") || file.contains("$") || file.equals("package-info.class")) {
                continue;
            }
            Class<?> type = Class.forName("org.recurrent4j.conf." + file.substring(0, file.length() - 6));
            if (!Modifier.isAbstract(type.getModifiers()) && Serializable.class.isAssignableFrom(type)) {
                classes.add(type.getName());
            }
        }
        assertTrue(classes.size() >= 9, "found only " + classes + " in " + location);
        return classes;
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }
}
