package org.recurrent4j.syntax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.recurrent4j.syntax.ParseTree.Span;

/** The top-down greedy split and the bracket F1, on hand-made distances and trees. */
class ParseTreeTest {

    private static List<Span> spans(int... bounds) {
        List<Span> list = new java.util.ArrayList<>();
        for (int i = 0; i < bounds.length; i += 2) {
            list.add(new Span(bounds[i], bounds[i + 1]));
        }
        return list;
    }

    @Test
    void splitsAtTheLargestBoundaryFirst() {
        // Boundaries before tokens 1..4: 0.2, 0.9, 0.1, 0.5 -> ((0 1) ((2 3) 4))
        ParseTree t = ParseTree.fromDistances(new double[] {7, 0.2, 0.9, 0.1, 0.5});
        assertEquals(spans(0, 5, 0, 2, 2, 5, 2, 4), t.spans());
    }

    @Test
    void theFirstOfEqualDistancesWins() {
        ParseTree t = ParseTree.fromDistances(new double[] {0, 1, 1, 1});
        assertEquals(spans(0, 4, 1, 4, 2, 4), t.spans());
    }

    @Test
    void increasingDistancesGiveALeftBranchingTree() {
        ParseTree t = ParseTree.fromDistances(new double[] {0, 1, 2, 3, 4});
        assertEquals(spans(0, 5, 0, 4, 0, 3, 0, 2), t.spans());
    }

    @Test
    void rightBranchingBaseline() {
        assertEquals(spans(0, 4, 1, 4, 2, 4), ParseTree.rightBranching(4).spans());
        assertEquals(List.of(), ParseTree.rightBranching(1).spans());
    }

    @Test
    void aRandomTreeIsBinaryAndReproducible() {
        ParseTree a = ParseTree.random(9, new Random(3));
        assertEquals(8, a.spans().size(), "a binary tree over n tokens has n − 1 constituents of 2+ tokens");
        assertEquals(a.spans(), ParseTree.random(9, new Random(3)).spans());
    }

    @Test
    void f1CountsConstituentsOfTwoOrMoreTokensButNotTheSentence() {
        ParseTree gold = ParseTree.ofSpans(5, spans(0, 2, 2, 5, 3, 5, 4, 5));
        assertEquals(spans(0, 5, 0, 2, 2, 5, 3, 5), gold.spans(), "single tokens and duplicates are dropped");
        ParseTree same = ParseTree.fromDistances(new double[] {0, 0.5, 0.9, 0.7, 0.1});
        assertEquals(1.0, same.f1(gold), 1e-12);
        // Right-branching spans [1,5) [2,5) [3,5): two of them are among gold's [0,2) [2,5) [3,5).
        ParseTree right = ParseTree.rightBranching(5);
        assertEquals(2 * (2.0 / 3) * (2.0 / 3) / (4.0 / 3), right.f1(gold), 1e-12);
        assertEquals(1.0, ParseTree.rightBranching(2).f1(ParseTree.ofSpans(2, List.of())), 0.0);
        assertThrows(IllegalArgumentException.class, () -> right.f1(ParseTree.rightBranching(4)));
    }
}
