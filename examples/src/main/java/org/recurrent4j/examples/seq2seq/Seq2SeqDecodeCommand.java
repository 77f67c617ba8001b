package org.recurrent4j.examples.seq2seq;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.recurrent4j.decode.SequenceDecoder;
import org.recurrent4j.examples.cli.HelpOption;
import org.recurrent4j.examples.cli.ModelDirectoryOption;
import org.recurrent4j.examples.cli.Range;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.io.ModelFile;
import org.recurrent4j.synthetic.PairTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code recurrent4j seq2seq decode --model DIR SOURCE...}: decodes sources with a saved
 * encoder-decoder and prints {@code source → output}, with the right answer beside a wrong one.
 */
@Command(name = "decode", description = "Decodes each SOURCE (e.g. 12+345) with a saved model: source → output.")
final class Seq2SeqDecodeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Mixin
    private ModelDirectoryOption model;

    @Option(
            names = "--beam",
            paramLabel = "W",
            description = "beam width; 1 decodes greedily (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 100)
    private int beam = 1;

    @Parameters(paramLabel = "SOURCE", arity = "1..*", description = "sources in the task's notation")
    private List<String> sources;

    @Override
    public Integer call() throws UsageException {
        ComputationGraph net;
        PairTask task;
        try {
            task = TaskChoice.load(model.file(TaskChoice.FILE)).task();
            net = ModelFile.loadComputationGraph(model.file(Seq2SeqCommand.MODEL_FILE), false);
        } catch (IOException e) {
            throw new UsageException(
                    "cannot read the model in " + model.directory().toAbsolutePath() + ": " + e.getMessage());
        }
        SequenceDecoder decoder = Seq2SeqTraining.decoder(net, task);
        List<int[]> encoded = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        for (String text : sources) {
            try {
                int[] source = task.sourceAlphabet().encode(text);
                answers.add(task.targetAlphabet().decode(task.answer(source)));
                encoded.add(source);
            } catch (IllegalArgumentException e) {
                throw new UsageException("source \"" + text + "\" is not a source of " + task + ": " + e.getMessage());
            }
        }
        List<String> outputs = Seq2SeqTraining.decodeAll(decoder, task, encoded, beam);
        PrintWriter out = spec.commandLine().getOut();
        for (int i = 0; i < sources.size(); i++) {
            String output = outputs.get(i);
            String answer = answers.get(i);
            out.println(sources.get(i) + " → " + output + (output.equals(answer) ? "" : "   (right: " + answer + ")"));
        }
        return 0;
    }
}
