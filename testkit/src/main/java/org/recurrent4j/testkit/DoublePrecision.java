package org.recurrent4j.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs a test class with ND4J's default data types set to float64 and restores the previous ones
 * afterwards, for tests of your own cell beside the kit's (which sets them for its own checks).
 *
 * <pre>{@code
 * @ExtendWith(DoublePrecision.class)
 * class MyCellTest { ... }
 * }</pre>
 */
public final class DoublePrecision implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(DoublePrecision.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put("types", new DataType[] {Nd4j.dataType(), Nd4j.defaultFloatingPointType()});
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        DataType[] previous = context.getStore(NAMESPACE).get("types", DataType[].class);
        Nd4j.setDefaultDataTypes(previous[0], previous[1]);
    }
}
