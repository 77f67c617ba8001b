package org.recurrent4j.examples.serving;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.learning.config.Adam;
import org.recurrent4j.arch.EncoderDecoder;
import org.recurrent4j.arch.SequenceClassifier;
import org.recurrent4j.arch.SequenceLabeler;
import org.recurrent4j.conf.CellTypes;
import org.recurrent4j.examples.charrnn.CharRnnCommand;
import org.recurrent4j.examples.charrnn.CharRnnModel;
import org.recurrent4j.examples.sentiment.SentimentCommand;
import org.recurrent4j.examples.sentiment.SentimentModel;
import org.recurrent4j.examples.seq2seq.TaskChoice;
import org.recurrent4j.examples.timeseries.TimeSeriesModel;
import org.recurrent4j.io.ModelFile;
import org.recurrent4j.synthetic.PairTask;
import org.recurrent4j.synthetic.SyntheticControlCharts;
import org.recurrent4j.text.CharacterVocabulary;
import org.recurrent4j.text.Tokenizer;
import org.recurrent4j.text.WordVocabulary;
import org.recurrent4j.timeseries.SeriesNormalization;

/**
 * Small untrained models of every kind, saved as the training commands save them, for the
 * server's tests: what they answer is random, how they are served is not.
 */
final class TinyModels {

    static final String CHARACTERS = "the quick brown fox jumps over a lazy dog.\n";

    private TinyModels() {}

    static Path sentiment(Path dir) throws IOException {
        Files.createDirectories(dir);
        WordVocabulary vocabulary = WordVocabulary.builder(Tokenizer.standard())
                .build(List.of("a fine and moving film", "a dull and tedious mess", "the best film of the year"));
        ComputationGraph net = SentimentModel.build(
                vocabulary.size(), 2, new SentimentModel.Settings(CellTypes.GRU, 8, 12, 0.01, 0, 7));
        SentimentCommand.save(net, vocabulary, 6, dir);
        return dir;
    }

    static Path charRnn(Path dir) throws IOException {
        Files.createDirectories(dir);
        CharacterVocabulary vocabulary = CharacterVocabulary.of(CHARACTERS);
        MultiLayerNetwork net =
                CharRnnModel.build(vocabulary.size(), new CharRnnModel.Settings(CellTypes.LSTM, 24, 1, 10, 0.01, 3));
        CharRnnCommand.save(net, vocabulary, dir);
        return dir;
    }

    static Path seq2seq(Path dir) throws IOException {
        Files.createDirectories(dir);
        PairTask task = PairTask.addition(2);
        ComputationGraph net = new ComputationGraph(new EncoderDecoder()
                .features(task.sourceAlphabet().size())
                .targetOneHot(task.targetAlphabet().size())
                .cell(CellTypes.GRU)
                .hidden(12)
                .attention(true)
                .updater(new Adam(0.01))
                .seed(5)
                .build());
        net.init();
        ModelFile.save(net, dir.resolve("model.zip"), false);
        new TaskChoice("addition", 2).save(dir);
        return dir;
    }

    static Path timeSeriesClassifier(Path dir) throws IOException {
        Files.createDirectories(dir);
        DataSet series = new SyntheticControlCharts(30, 24, 1, 1).next();
        NormalizerStandardize normalizer =
                SeriesNormalization.standardize(new ListDataSetIterator<>(series.batchBy(24)), false);
        ComputationGraph net = new ComputationGraph(new SequenceClassifier()
                .features(1)
                .cell(CellTypes.GRU)
                .hidden(8)
                .pooling(SequenceClassifier.Pooling.LAST)
                .classes(6)
                .updater(new Adam(0.01))
                .seed(2)
                .build());
        net.init();
        Properties settings = new Properties();
        settings.setProperty("task", "classify");
        settings.setProperty("classes", "normal,cyclic,up,down,shift up,shift down");
        settings.setProperty("features", "1");
        new TimeSeriesModel(net, normalizer, settings).save(dir);
        return dir;
    }

    static Path forecaster(Path dir) throws IOException {
        Files.createDirectories(dir);
        DataSet series = new SyntheticControlCharts(30, 24, 1, 1).next();
        NormalizerStandardize normalizer =
                SeriesNormalization.standardize(new ListDataSetIterator<>(series.batchBy(24)), false);
        ComputationGraph net = new ComputationGraph(new SequenceLabeler()
                .features(1)
                .cell(CellTypes.GRU)
                .hidden(8)
                .regression(2)
                .updater(new Adam(0.01))
                .seed(2)
                .build());
        net.init();
        Properties settings = new Properties();
        settings.setProperty("task", "forecast");
        settings.setProperty("window", "30");
        settings.setProperty("horizon", "2");
        settings.setProperty("data", "control charts");
        new TimeSeriesModel(net, normalizer, settings).save(dir);
        return dir;
    }
}
