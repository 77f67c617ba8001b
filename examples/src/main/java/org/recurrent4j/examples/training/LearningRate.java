package org.recurrent4j.examples.training;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * Sets a trained network's learning rate, keeping its optimizer state: what a run resumed with
 * {@code --lr} does. DL4J's {@code setLearningRate} changes only layers that are {@link BaseLayer}s
 * themselves and would leave the layers inside a {@link Bidirectional} or another wrapper at the old
 * rate; this sets those first, then lets DL4J set the rest and rebuild the updater.
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
        if (net instanceof MultiLayerNetwork network) {
            for (org.deeplearning4j.nn.api.Layer layer : network.getLayers()) {
                setInside(layer.conf().getLayer(), rate, schedule);
            }
            if (schedule == null) {
                network.setLearningRate(rate);
            } else {
                network.setLearningRate(schedule);
            }
        } else if (net instanceof ComputationGraph graph) {
            for (org.deeplearning4j.nn.api.Layer layer : graph.getLayers()) {
                setInside(layer.conf().getLayer(), rate, schedule);
            }
            if (schedule == null) {
                graph.setLearningRate(rate);
            } else {
                graph.setLearningRate(schedule);
            }
        } else {
            throw new IllegalArgumentException("not a MultiLayerNetwork or ComputationGraph: " + net.getClass());
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
