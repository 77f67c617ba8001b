package org.recurrent4j.examples.interop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.recurrent4j.interop.ImportedModel;
import org.recurrent4j.interop.NamedTensors;
import org.recurrent4j.interop.keras.KerasImport;
import org.recurrent4j.interop.keras.KerasMask;
import org.recurrent4j.interop.npz.NpzFiles;
import org.recurrent4j.interop.onnx.OnnxRecurrentImport;
import org.recurrent4j.interop.safetensors.SafetensorsReader;
import org.recurrent4j.interop.torch.PyTorchRecurrentImport;
import org.recurrent4j.interop.torch.TorchCheckpointReader;

/**
 * Runs the importer of one framework and says, as properties, how the imported network is fed
 * (what {@code import.properties} records beside the model).
 */
final class ModelImporter {

    /** An imported network and the facts a user of it needs. */
    record Imported(ImportedModel model, Map<String, String> properties) {}

    private ModelImporter() {}

    /** The PyTorch reader for {@code file}'s extension: {@code .npz}, {@code .safetensors}, else {@code torch.save}. */
    static NamedTensors readTensors(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".npz")) {
            return NpzFiles.read(file);
        }
        if (name.endsWith(".safetensors")) {
            return SafetensorsReader.read(file);
        }
        return TorchCheckpointReader.read(file);
    }

    static Imported pytorch(Path file, String module, boolean relu, boolean batchFirst) throws IOException {
        PyTorchRecurrentImport importer =
                new PyTorchRecurrentImport(readTensors(file)).relu(relu).batchFirst(batchFirst);
        if (module != null) {
            importer.module(module);
        }
        ImportedModel model = importer.build();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("input.layout", batchFirst ? "[batch, time, features] (batch_first)" : "[batch, features, time]");
        return new Imported(model, p);
    }

    static Imported onnx(Path file) throws IOException {
        OnnxRecurrentImport.Result r = new OnnxRecurrentImport(file).build();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("input", r.input());
        p.put("input.permutation", Arrays.toString(r.inputPermutation()));
        p.put("input.layout", "[batch, features, time]");
        if (r.mask() != null) {
            p.put("mask", r.mask() + " (sequence_lens): a feature mask [batch, time]");
        }
        r.stateInputs()
                .forEach((name, layout) -> p.put("state." + name, "[batch, directions*hidden] from ONNX " + layout));
        r.outputs().forEach((name, out) -> p.put("output." + name, out.vertex() + " as ONNX " + out.layout()));
        return new Imported(r.model(), p);
    }

    static Imported keras(Path file) throws IOException {
        KerasImport.Result r = KerasImport.read(file);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("inputs", String.join(",", r.inputs()));
        p.put("input.layout", "[batch, time, features] (as Keras)");
        for (KerasMask m : r.masks()) {
            p.put("mask." + m.input(), m.tokens() ? "tokens != 0" : "any feature != " + m.value());
        }
        return new Imported(r.model(), p);
    }
}
