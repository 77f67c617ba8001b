package org.recurrent4j.examples.interop;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.examples.cli.HelpOption;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.examples.sentiment.SentimentCommand;
import org.recurrent4j.interop.ImportedLayer;
import org.recurrent4j.interop.ImportedModel;
import org.recurrent4j.interop.InteropException;
import org.recurrent4j.io.ModelFile;
import org.recurrent4j.text.WordVocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code recurrent4j import --from keras|pytorch|onnx FILE --out DIR}: a trained model onto
 * recurrent4j's layers, saved as a model directory ({@code model.zip}, {@code import.txt}, {@code
 * import.properties}), with a summary of what each source layer became. With {@code --vocabulary}
 * the directory is also one {@code sentiment predict} reads (a PyTorch or ONNX file holds no
 * vocabulary, and only a network from token indices to two class probabilities fits).
 *
 * <pre>
 * ./recurrent4j import --from keras classifier.h5 --out runs/imported --vocabulary words.txt
 * ./recurrent4j sentiment predict --model runs/imported "a fine film"
 * ./recurrent4j import --from pytorch encoder.pt --module encoder.lstm --batch-first --out runs/encoder
 * </pre>
 */
@Command(
        name = "import",
        description = {
            "Imports a trained recurrent model from Keras (.h5), PyTorch (a torch.save state_dict, .npz or"
                    + " .safetensors) or ONNX onto recurrent4j's layers and saves it in DIR: model.zip (DL4J's"
                    + " ModelFile, with its integrity record), import.txt (what each source layer became) and import.properties (how the"
                    + " network is fed). See docs/interop.md for what maps to what."
        },
        footer = {
            "",
            "PyTorch: the state_dict gives the layer type, sizes, layers, directions and bias; give",
            "--relu for nn.RNN(nonlinearity='relu') and --batch-first for batch_first=True.",
            "A PyTorch or ONNX file holds no vocabulary: 'sentiment predict' needs --vocabulary",
            "(a word vocabulary file as 'sentiment train' writes) and a network from token",
            "indices to two class probabilities, as a Keras Embedding-RNN-Dense(2) classifier."
        })
public final class ImportCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Option(
            names = "--from",
            required = true,
            paramLabel = "keras|pytorch|onnx",
            description = "the framework that saved FILE")
    private SourceFramework from;

    @Parameters(paramLabel = "FILE", description = "the model file (.h5; .pt/.pth/.npz/.safetensors; .onnx)")
    private Path file;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "the model directory to write (new or empty)")
    private Path out;

    @Option(
            names = "--module",
            paramLabel = "NAME",
            description =
                    "pytorch: the recurrent module's name in the state_dict, e.g. encoder.lstm (default: the only one)")
    private String module;

    @Option(names = "--relu", description = "pytorch: an nn.RNN with nonlinearity='relu' (the file cannot tell)")
    private boolean relu;

    @Option(
            names = "--batch-first",
            description = "pytorch: the module was batch_first=True: the network reads [batch, time, features]")
    private boolean batchFirst;

    @Option(
            names = "--vocabulary",
            paramLabel = "FILE",
            description =
                    "a word vocabulary file (as 'sentiment train' writes): also write what 'sentiment predict' reads")
    private Path vocabulary;

    @Option(
            names = "--max-length",
            paramLabel = "N",
            defaultValue = "400",
            description =
                    "with --vocabulary: the longest text 'sentiment predict' reads, in tokens (default: ${DEFAULT-VALUE})")
    private int maxLength;

    @Override
    public Integer call() throws UsageException, IOException {
        checkOptions();
        ModelImporter.Imported imported;
        try {
            imported = switch (from) {
                case KERAS -> ModelImporter.keras(file);
                case PYTORCH -> ModelImporter.pytorch(file, module, relu, batchFirst);
                case ONNX -> ModelImporter.onnx(file);
            };
        } catch (NoSuchFileException e) {
            throw new UsageException(file + ": no such file");
        } catch (InteropException e) {
            throw new UsageException(e.getMessage());
        }
        WordVocabulary words = vocabulary == null ? null : sentimentVocabulary(imported.model());
        String summary = summary(imported.model());
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("source", from.id());
        properties.put("file", file.toAbsolutePath().toString());
        properties.put("network", imported.model().network().getClass().getSimpleName());
        properties.put("parameters", Long.toString(imported.model().parameterCount()));
        properties.putAll(imported.properties());
        ModelDirectory.write(out, imported.model(), summary, properties, dir -> {
            if (words != null) {
                words.save(dir.resolve(SentimentCommand.VOCABULARY_FILE));
                // The settings sentiment predict reads.
                Files.writeString(
                        dir.resolve(SentimentCommand.SETTINGS_FILE),
                        SentimentCommand.MAX_LENGTH + "=" + maxLength + "\n");
                if (imported.model().network() instanceof MultiLayerNetwork mln) {
                    // sentiment predict reads a ComputationGraph.
                    ModelFile.save(mln.toComputationGraph(), dir.resolve(ModelDirectory.MODEL_FILE), false);
                }
            }
        });
        PrintWriter o = spec.commandLine().getOut();
        o.print(summary);
        o.printf("wrote %s%n", out.toAbsolutePath());
        o.flush();
        return 0;
    }

    private void checkOptions() throws UsageException, IOException {
        if (from != SourceFramework.PYTORCH && (module != null || relu || batchFirst)) {
            throw new UsageException("--module, --relu and --batch-first apply to --from pytorch only");
        }
        if (!Files.isRegularFile(file)) {
            throw new UsageException(file + ": no such file");
        }
        if (maxLength < 1) {
            throw new UsageException("--max-length must be at least 1, got " + maxLength);
        }
        if (Files.exists(out)) {
            if (!Files.isDirectory(out)) {
                throw new UsageException("--out " + out + " is a file, not a directory");
            }
            try (Stream<Path> entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new UsageException("--out " + out + " is not empty: give a new or empty directory");
                }
            }
        }
    }

    /** The vocabulary, after checking that the network maps token indices [1, 1, T] to two probabilities. */
    private WordVocabulary sentimentVocabulary(ImportedModel model) throws UsageException {
        WordVocabulary words;
        try {
            words = WordVocabulary.load(vocabulary);
        } catch (IOException e) {
            throw new UsageException("--vocabulary: " + e.getMessage());
        }
        ComputationGraph graph = model.network() instanceof MultiLayerNetwork mln
                ? mln.toComputationGraph()
                : (ComputationGraph) model.network();
        INDArray probe = Nd4j.create(DataType.FLOAT, 1, 1, 3);
        probe.putScalar(0, 0, 0, WordVocabulary.UNK);
        probe.putScalar(0, 0, 1, words.size() - 1);
        probe.putScalar(0, 0, 2, WordVocabulary.UNK);
        String problem;
        try {
            INDArray p = graph.getNumInputArrays() == 1 && graph.getNumOutputArrays() == 1
                    ? graph.outputSingle(probe)
                    : null;
            problem = p == null
                    ? "it has " + graph.getNumInputArrays() + " inputs and " + graph.getNumOutputArrays() + " outputs"
                    : p.rank() != 2 || p.size(1) != 2
                            ? "it gives " + java.util.Arrays.toString(p.shape()) + ", not [1, 2]"
                            : Math.abs(p.sumNumber().doubleValue() - 1) > 1e-4
                                    ? "its two outputs are not probabilities (sum " + p.sumNumber() + ")"
                                    : null;
        } catch (RuntimeException e) {
            problem = "it does not read token indices [1, 1, T] of a vocabulary of " + words.size() + " ("
                    + e.getMessage() + ")";
        }
        if (problem != null) {
            throw new UsageException(
                    "--vocabulary: the imported network does not fit 'sentiment predict' (token indices to two class probabilities): "
                            + problem);
        }
        return words;
    }

    static String summary(ImportedModel model) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                "imported %d layers, %d parameters (%s)%n",
                model.layers().size(),
                model.parameterCount(),
                model.network().getClass().getSimpleName()));
        int w1 = Math.max(
                12,
                model.layers().stream().mapToInt(l -> l.source().length()).max().orElse(0));
        int w2 = Math.max(
                12,
                model.layers().stream()
                        .mapToInt(l -> l.sourceType().length())
                        .max()
                        .orElse(0));
        int w3 = Math.max(
                12,
                model.layers().stream().mapToInt(l -> l.became().length()).max().orElse(0));
        String row = "  %-" + w1 + "s  %-" + w2 + "s  %-" + w3 + "s  %10s%n";
        sb.append(String.format(row, "source layer", "type", "became", "parameters"));
        for (ImportedLayer l : model.layers()) {
            sb.append(String.format(row, l.source(), l.sourceType(), l.became(), l.parameters()));
        }
        for (String note : model.notes()) {
            sb.append("note: ").append(note).append(System.lineSeparator());
        }
        return sb.toString();
    }
}
