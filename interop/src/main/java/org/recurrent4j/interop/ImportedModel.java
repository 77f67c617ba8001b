package org.recurrent4j.interop;

import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * An imported network with the record of what each source layer became.
 *
 * @param network a {@link MultiLayerNetwork} or a {@link ComputationGraph}, initialized, holding the source's weights
 * @param layers what each source layer became, in the source's order
 * @param notes things a user must know about the import (e.g. tensors of the file that were not
 *     part of the imported module)
 */
public record ImportedModel(Model network, List<ImportedLayer> layers, List<String> notes) {

    public ImportedModel {
        layers = List.copyOf(layers);
        notes = List.copyOf(notes);
    }

    /** The network as a {@link MultiLayerNetwork}; an error if it is a graph. */
    public MultiLayerNetwork multiLayerNetwork() {
        if (network instanceof MultiLayerNetwork n) {
            return n;
        }
        throw new IllegalStateException("the imported network is a ComputationGraph");
    }

    /** The network as a {@link ComputationGraph}; an error if it is a {@code MultiLayerNetwork}. */
    public ComputationGraph graph() {
        if (network instanceof ComputationGraph g) {
            return g;
        }
        throw new IllegalStateException("the imported network is a MultiLayerNetwork");
    }

    /** The number of parameters of the network. */
    public long parameterCount() {
        return network.numParams();
    }
}
