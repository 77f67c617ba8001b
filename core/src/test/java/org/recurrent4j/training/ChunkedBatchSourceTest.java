package org.recurrent4j.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChunkedBatchSourceTest {

    /** Chunk k of 3 batches: 10k, 10k + 1, 10k + 2; counts the chunks made. */
    private static ChunkedBatchSource<Integer> source(List<Integer> made) {
        return new ChunkedBatchSource<>(3, k -> {
            made.add(k);
            return IntStream.range(10 * k, 10 * k + 3).boxed().iterator();
        });
    }

    @Test
    void drawsTheChunksInOrder() {
        List<Integer> made = new ArrayList<>();
        ChunkedBatchSource<Integer> s = source(made);
        List<Integer> drawn = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            drawn.add(s.next());
        }
        assertEquals(List.of(0, 1, 2, 10, 11, 12, 20), drawn);
        assertEquals(List.of(0, 1, 2), made);
    }

    @Test
    void skippingJumpsToItsChunkAndGivesWhatDrawingWouldHave() {
        for (int skipped = 0; skipped < 10; skipped++) {
            ChunkedBatchSource<Integer> drawn = source(new ArrayList<>());
            for (int i = 0; i < skipped; i++) {
                drawn.next();
            }
            List<Integer> made = new ArrayList<>();
            ChunkedBatchSource<Integer> jumped = source(made);
            jumped.skip(skipped);
            for (int i = 0; i < 5; i++) {
                assertEquals(drawn.next(), jumped.next(), "after skipping " + skipped);
            }
            assertEquals(skipped / 3, made.get(0), "the chunks before are never made");
        }
    }

    @Test
    void refusesEmptyChunks() {
        assertThrows(IllegalArgumentException.class, () -> new ChunkedBatchSource<Integer>(0, k -> null));
    }
}
