package org.recurrent4j.interop.torch;

import java.util.HashMap;
import java.util.LinkedHashMap;

/**
 * A {@code collections.OrderedDict} read from a pickle: the items in order. Public only because the
 * pickle reader calls {@link #__setstate__} by reflection for the state a {@code state_dict} carries
 * beside its items (its {@code _metadata}: module versions, no tensors), which is left out.
 */
public final class PickledDict extends LinkedHashMap<Object, Object> {

    private static final long serialVersionUID = 1L;

    PickledDict() {}

    /** Receives the dict's attributes (a state_dict's {@code _metadata}); they hold no tensors. */
    @SuppressWarnings("checkstyle:MethodName")
    public void __setstate__(HashMap<?, ?> state) {
        // Nothing of the state is a weight: see the class comment.
    }
}
