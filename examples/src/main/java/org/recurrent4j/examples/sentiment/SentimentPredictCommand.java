package org.recurrent4j.examples.sentiment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import org.recurrent4j.examples.cli.HelpOption;
import org.recurrent4j.examples.cli.ModelDirectoryOption;
import org.recurrent4j.examples.cli.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code recurrent4j sentiment predict --model DIR [TEXT...]}: the label and its probability for
 * each text given, or for each line of standard input when none is.
 */
@Command(
        name = "predict",
        description =
                "Prints the label and its probability for each TEXT (or each line of standard input), one per line.")
final class SentimentPredictCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Mixin
    private ModelDirectoryOption model;

    @Parameters(
            paramLabel = "TEXT",
            arity = "0..*",
            description = "texts to classify (default: lines of standard input)")
    private List<String> texts = List.of();

    @Override
    public Integer call() throws UsageException, IOException {
        SentimentCommand.Saved saved = SentimentCommand.Saved.load(model);
        PrintWriter out = spec.commandLine().getOut();
        if (!texts.isEmpty()) {
            for (String text : texts) {
                print(out, saved, text);
            }
            return 0;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            print(out, saved, line);
        }
        return 0;
    }

    private static void print(PrintWriter out, SentimentCommand.Saved saved, String text) {
        double[] p = SentimentModel.predict(saved.net(), saved.vocabulary(), text, saved.maxLength());
        if (p == null) {
            // A text without a token has no last token to read a label at.
            out.printf("-\t-\t%s%n", text);
        } else {
            out.printf("%s\t%.4f\t%s%n", SentimentCommand.label(p), Math.max(p[0], p[1]), text);
        }
    }
}
