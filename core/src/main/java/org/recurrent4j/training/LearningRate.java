package org.recurrent4j.training;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * Sets a network's learning rate, keeping its optimizer state: what a run resumed with {@code --lr}
 * does, and a decaying rate before every step.
 *
 * <p>Every layer's updater configuration is changed in place, the layers inside a {@link
 * Bidirectional} or another wrapper included. ND4J's gradient updaters hold their configuration and
 * read the rate from it at every step, so this takes effect at the next step without rebuilding
 * anything. DL4J's own {@code setLearningRate} instead rebuilds the network's updater (it may regroup
 * layers whose rates now differ, which cannot happen when every layer gets the same rate), a cost
 * per call that made sentiment's epochs with a decaying rate 2:50 instead of 2:22; and it skips
 * wrapped layers.
 */
public final class LearningRate {

    private LearningRate() {}

    /** Sets every layer's learning rate (and drops any schedule) to {@code rate}. */
    public static void set(Model net, double rate) {
        set(net, rate, null);
    }

    /** Sets every layer's learning rate to follow {@code schedule}. */
    public static void set(Model net, ISchedule schedule) {
        set(net, Double.NaN, schedule);
    }

    private static void set(Model net, double rate, ISchedule schedule) {
        org.deeplearning4j.nn.api.Layer[] layers;
        if (net instanceof MultiLayerNetwork network) {
            layers = network.getLayers();
        } else if (net instanceof ComputationGraph graph) {
            layers = graph.getLayers();
        } else {
            throw new IllegalArgumentException("not a MultiLayerNetwork or ComputationGraph: " + net.getClass());
        }
        for (org.deeplearning4j.nn.api.Layer layer : layers) {
            setInside(layer.conf().getLayer(), rate, schedule);
        }
    }

    private static void setInside(Layer layer, double rate, ISchedule schedule) {
        if (layer instanceof Bidirectional bidirectional) {
            setInside(bidirectional.getFwd(), rate, schedule);
            setInside(bidirectional.getBwd(), rate, schedule);
        } else if (layer instanceof BaseWrapperLayer wrapper) {
            setInside(wrapper.getUnderlying(), rate, schedule);
        } else if (layer instanceof BaseLayer base
                && base.getIUpdater() != null
                && base.getIUpdater().hasLearningRate()) {
            base.getIUpdater().setLrAndSchedule(rate, schedule);
        }
    }
}
