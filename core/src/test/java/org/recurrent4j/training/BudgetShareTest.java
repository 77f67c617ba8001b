package org.recurrent4j.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BudgetShareTest {

    @Test
    void aFreshRunUsesItsBudgetInProportion() {
        BudgetShare fresh = new BudgetShare(0, 0, 40);
        assertEquals(0, fresh.at(0));
        assertEquals(0.25, fresh.at(10));
        assertEquals(1, fresh.at(40));
        assertEquals(1, fresh.at(50), "never past the end");
    }

    @Test
    void aResumedRunGoesOnFromItsShare() {
        assertEquals(
                new BudgetShare(0, 0, 40).at(30),
                new BudgetShare(0.25, 10, 40).at(30),
                1e-15,
                "same budget: the run without a stop");
        BudgetShare longer = new BudgetShare(0.5, 20, 60);
        assertEquals(0.5, longer.at(20), "no jump at the resume");
        assertEquals(0.75, longer.at(40));
        assertEquals(1, new BudgetShare(0.9, 40, 40).at(40), "nothing left: used up");
    }
}
