package org.recurrent4j.fuzz;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class SmokeProperties {
    @Property(tries = 10)
    boolean reverse(@ForAll String s) {
        return new StringBuilder(s).reverse().reverse().toString().equals(s);
    }
}
