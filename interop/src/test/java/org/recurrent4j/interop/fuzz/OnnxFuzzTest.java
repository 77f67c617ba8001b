package org.recurrent4j.interop.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.recurrent4j.interop.Fixtures;
import org.recurrent4j.interop.onnx.OnnxRecurrentImport;

/** Fuzzes the ONNX import: models PyTorch exported, damaged, import as a network or fail with one error naming the file. */
class OnnxFuzzTest {

    @Provide
    Arbitrary<List<ByteDamage>> damage() {
        return ByteDamage.some();
    }

    // A fixed seed: the damage is random, but a build must not pass or fail by chance; this seed's
    // files include both outcomes (FileFuzz wants at least 5% of each). Remove it to explore others.
    @Property(tries = 60, seed = "-8349159230113328568")
    void torchExportedModel(@ForAll("damage") List<ByteDamage> damage) throws IOException {
        byte[] bytes = Files.readAllBytes(Fixtures.path("onnx/torch/lstm_2layer_bidirectional_batchfirst.onnx"));
        Path file = FileFuzz.write("model.onnx", ByteDamage.applyAll(bytes, damage));
        try {
            FileFuzz.check(file, () -> new OnnxRecurrentImport(file).build());
        } finally {
            FileFuzz.delete(file);
        }
    }
}
