package org.recurrent4j.examples.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.recurrent4j.conf.Lstm;
import org.recurrent4j.synthetic.AddingProblem;
import org.recurrent4j.training.GradientFlowListener;
import org.recurrent4j.training.GradientFlowRecord;

/** The report writes what the listener recorded: every value in the CSVs, and readable plots. */
class GradientFlowReportTest {

    @Test
    void writesEveryRecordedValueAndThePlots(@TempDir Path dir) throws IOException {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-2))
                .list()
                .layer(new LastTimeStep(new Lstm.Builder().nIn(2).nOut(6).build()))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .nIn(6)
                        .nOut(1)
                        .build())
                .build());
        net.init();
        GradientFlowListener flow = new GradientFlowListener(2);
        net.addListeners(flow);
        net.fit(new AddingProblem(12, 8, 6, 1));
        List<GradientFlowRecord> records = flow.records();
        assertEquals(3, records.size(), "iterations 0, 2 and 4 of 6");

        List<Path> written = GradientFlowReport.write(dir.resolve("flow"), records);
        assertEquals(4, written.size());

        List<String> states = Files.readAllLines(dir.resolve("flow").resolve(GradientFlowReport.STATE_CSV));
        assertEquals("iteration,epoch,layer,step,norm", states.get(0));
        assertEquals(1 + 3 * 12, states.size());
        GradientFlowRecord last = records.get(2);
        String[] lastRow = states.get(states.size() - 1).split(",");
        assertEquals(String.valueOf(last.iteration()), lastRow[0]);
        assertEquals("0", lastRow[2]);
        assertEquals("12", lastRow[3]);
        assertEquals(last.stateGradientNorms().get("0")[11], Double.parseDouble(lastRow[4]), 0.0);

        List<String> parameters = Files.readAllLines(dir.resolve("flow").resolve(GradientFlowReport.PARAMETER_CSV));
        assertEquals("iteration,epoch,score,parameter,norm", parameters.get(0));
        assertEquals(1 + 3 * last.parameterGradientNorms().size(), parameters.size());
        assertTrue(parameters.get(1).contains(",0_Wih,"), parameters.get(1));

        for (String png : List.of(GradientFlowReport.STATE_PNG, GradientFlowReport.PARAMETER_PNG)) {
            BufferedImage image = ImageIO.read(dir.resolve("flow").resolve(png).toFile());
            assertTrue(image != null && image.getWidth() == 900, png);
        }
    }

    @Test
    void csvQuotesWhatNeedsQuoting() {
        CsvTable table = new CsvTable("name", "value");
        table.add("bi/forward", 1.5).add("a,b", Double.NaN).add("say \"hi\"", null);
        assertEquals("name,value\nbi/forward,1.5\n\"a,b\",NaN\n\"say \"\"hi\"\"\",\n", table.text());
        IllegalArgumentException e =
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> table.add(1));
        assertTrue(e.getMessage().contains("has 2 values"), e.getMessage());
    }
}
