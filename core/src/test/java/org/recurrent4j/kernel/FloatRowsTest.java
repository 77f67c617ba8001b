package org.recurrent4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FloatRowsTest {

    /** Rows read and written back by every copying strategy: one run, one element per row, one copy per row. */
    @Test
    void blocksOfRowsGoThereAndBackWhateverTheirStride() {
        for (KernelPath path : KernelPath.values()) {
            KernelPath.use(path);
            try {
                for (int[] batchAndStride : new int[][] {{4, 4}, {1, 3}, {4, 10}, {1, 1}}) {
                    int batch = batchAndStride[0];
                    int stride = batchAndStride[1];
                    INDArray array = Nd4j.arange(0, 200).castTo(DataType.FLOAT);
                    NativeArray a = NativeArray.of(array);
                    FloatRows.Rows where = new FloatRows.Rows(7, stride);
                    float[] block = new float[5 * batch];
                    FloatRows.read(a, where, 2, 5, batch, block);
                    String what = path + ", batch " + batch + ", stride " + stride;
                    for (int r = 0; r < 5; r++) {
                        for (int k = 0; k < batch; k++) {
                            assertEquals(7 + (2 + r) * stride + k, block[r * batch + k], what);
                            block[r * batch + k] = -block[r * batch + k];
                        }
                    }
                    FloatRows.write(a, where, 2, 5, batch, block);
                    for (int i = 0; i < 200; i++) {
                        int row = Math.floorDiv(i - 7, stride);
                        boolean inBlock = i >= 7 && row >= 2 && row < 7 && (i - 7 - row * stride) < batch;
                        assertEquals(inBlock ? -i : i, a.get(i), 0.0, what + ", element " + i);
                    }
                }
            } finally {
                KernelPath.use(KernelPath.automatic());
            }
        }
    }
}
