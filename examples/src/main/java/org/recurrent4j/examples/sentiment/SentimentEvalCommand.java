package org.recurrent4j.examples.sentiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.nd4j.evaluation.classification.Evaluation;
import org.recurrent4j.examples.cli.HelpOption;
import org.recurrent4j.examples.cli.ModelDirectoryOption;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.text.LabelledTextRecordReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code recurrent4j sentiment eval --model DIR}: the accuracy of a saved classifier on a whole dev part. */
@Command(name = "eval", description = "Prints the accuracy of a saved classifier on the whole dev part of a data set.")
final class SentimentEvalCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Mixin
    private ModelDirectoryOption model;

    @Option(
            names = "--dataset",
            paramLabel = "NAME",
            description = "sst2 (the default: its dev part) or imdb (its test part)")
    private String dataset;

    @Option(
            names = "--dev",
            paramLabel = "PATH",
            description = "evaluate on this instead: a TSV file or a folder with neg/ and pos/, as for training")
    private Path dev;

    @Override
    public Integer call() throws UsageException {
        SentimentCommand.Saved saved = SentimentCommand.Saved.load(model);
        SentimentData.Corpus corpus = SentimentData.dev(dataset, dev);
        LabelledTextRecordReader texts;
        try {
            texts = SentimentCommand.reader(corpus, saved.vocabulary(), saved.maxLength());
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Evaluation evaluation = saved.net().evaluate(SentimentModel.batches(texts, 256));
        spec.commandLine()
                .getOut()
                .printf(
                        "%s: accuracy %.4f on %d texts%n",
                        corpus.name(), evaluation.accuracy(), evaluation.getNumRowCounter());
        return 0;
    }
}
