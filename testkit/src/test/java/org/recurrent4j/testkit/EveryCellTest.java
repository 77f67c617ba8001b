package org.recurrent4j.testkit;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;
import org.recurrent4j.conf.CellType;
import org.recurrent4j.testkit.cells.IndRnnReference;
import org.recurrent4j.testkit.cells.MguReference;

/**
 * The kit on every cell and option of the project and on the two "Writing a cell" examples, which
 * also meet their plain-Java references. (The built-in cells meet PyTorch-made references, outputs
 * and gradients, in ReferenceParityTest.) The Bidirectional check rotates through the merge modes
 * and paddings, so that together the variants cover all of them.
 */
class EveryCellTest {

    private static final Map<String, ReferenceStep> REFERENCES =
            Map.of("indrnn", new IndRnnReference(), "mgu", new MguReference());

    @TestFactory
    Stream<DynamicContainer> theKitPassesOnEveryCell() {
        List<CellType> variants = CellVariants.all();
        Bidirectional.Mode[] modes = Bidirectional.Mode.values();
        Masking[] maskings = Masking.values();
        return IntStream.range(0, variants.size()).mapToObj(i -> {
            CellType cell = variants.get(i);
            CellTestKit kit =
                    CellTestKit.forCell(cell).bidirectional(modes[i % modes.length], maskings[i % maskings.length]);
            ReferenceStep reference = REFERENCES.get(cell.id());
            if (reference != null) {
                kit = kit.withReference(reference);
            }
            return DynamicContainer.dynamicContainer(cell.id(), kit.tests());
        });
    }
}
