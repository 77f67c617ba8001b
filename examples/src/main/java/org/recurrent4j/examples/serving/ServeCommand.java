package org.recurrent4j.examples.serving;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.recurrent4j.examples.cli.HelpOption;
import org.recurrent4j.examples.cli.Range;
import org.recurrent4j.examples.cli.UsageException;
import org.recurrent4j.serving.ModelServer;
import org.recurrent4j.serving.ServedModel;
import org.recurrent4j.serving.ServerLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code recurrent4j serve --model DIR [--model DIR ...]}: serves trained models over HTTP (the
 * {@code recurrent4j-serving} module's {@link ModelServer}) with a web page to try them, until the
 * process is stopped (Ctrl-C or SIGTERM: requests in flight are finished first).
 *
 * <pre>
 * ./recurrent4j serve --model runs/char-rnn --model runs/sentiment --port 8080
 * curl -s localhost:8080/v1/models/char-rnn/generate -d '{"prime": "public ", "length": 100}'
 * </pre>
 */
@Command(
        name = "serve",
        description = {
            "Serves trained models over HTTP: a web page to try them, JSON endpoints (generation streamed as"
                    + " server-sent events), /openapi.json, /health and /metrics (Prometheus).",
            "A model's name is its directory's name, or NAME in --model NAME=DIR. Stop with Ctrl-C: requests in"
                    + " flight are finished first."
        })
public final class ServeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Option(
            names = "--model",
            paramLabel = "[NAME=]DIR",
            required = true,
            description = "a model directory saved by a training command (char-rnn, sentiment, seq2seq, timeseries);"
                    + " repeat for more models")
    private List<String> models = new ArrayList<>();

    @Option(
            names = "--host",
            paramLabel = "ADDRESS",
            description = "address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}, this"
                    + " machine only)")
    private String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "N", description = "port to listen on (default: ${DEFAULT-VALUE})")
    @Range(min = 0, max = 65_535)
    private int port = 8080;

    @Option(
            names = "--max-body-bytes",
            paramLabel = "N",
            description = "largest request body (default: ${DEFAULT-VALUE})")
    @Range(min = 64, max = 64 << 20)
    private int maxBodyBytes = ServerLimits.defaults().maxBodyBytes();

    @Option(
            names = "--max-text-length",
            paramLabel = "N",
            description = "longest text, prime or source, in characters (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 10_000_000)
    private int maxTextLength = ServerLimits.defaults().maxTextLength();

    @Option(
            names = "--max-texts",
            paramLabel = "N",
            description = "most texts in one classification request (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 100_000)
    private int maxTexts = ServerLimits.defaults().maxTexts();

    @Option(
            names = "--max-tokens",
            paramLabel = "N",
            description = "most characters one generation may ask for (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 10_000_000)
    private int maxTokens = ServerLimits.defaults().maxTokens();

    @Option(
            names = "--max-series-length",
            paramLabel = "N",
            description = "most values of one time series (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 10_000_000)
    private int maxSeriesLength = ServerLimits.defaults().maxSeriesLength();

    @Option(names = "--max-beam", paramLabel = "W", description = "widest beam search (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 1_000)
    private int maxBeam = ServerLimits.defaults().maxBeam();

    @Option(
            names = "--max-concurrent",
            paramLabel = "N",
            description = "requests answered at once, all models; more get 429 (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 100_000)
    private int maxConcurrent = ServerLimits.defaults().maxConcurrent();

    @Option(
            names = "--queue-length",
            paramLabel = "N",
            description = "requests that may wait for each model; more get 503 (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 1_000_000)
    private int queueLength = ServerLimits.defaults().queueLength();

    @Option(
            names = "--queue-timeout",
            paramLabel = "MS",
            description = "longest wait for a model, in milliseconds; then 503 (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 3_600_000)
    private long queueTimeoutMillis = ServerLimits.defaults().queueTimeout().toMillis();

    @Option(
            names = "--max-batch",
            paramLabel = "N",
            description = "most requests joined into one forward pass (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 4_096)
    private int maxBatch = ServerLimits.defaults().maxBatch();

    @Option(
            names = "--workers",
            paramLabel = "N",
            description = "threads per model, each with its own copy of the network (default: ${DEFAULT-VALUE})")
    @Range(min = 1, max = 256)
    private int workers = ServerLimits.defaults().workers();

    @Option(
            names = "--shutdown-timeout",
            paramLabel = "S",
            description = "seconds to let requests in flight finish when stopping (default: ${DEFAULT-VALUE})")
    @Range(min = 0, max = 3_600)
    private long shutdownSeconds = ServerLimits.defaults().shutdownTimeout().toSeconds();

    /** The limits the options give. */
    ServerLimits limits() {
        return new ServerLimits(
                maxBodyBytes,
                maxTextLength,
                maxTexts,
                maxTokens,
                maxSeriesLength,
                maxBeam,
                maxConcurrent,
                queueLength,
                Duration.ofMillis(queueTimeoutMillis),
                maxBatch,
                workers,
                Duration.ofSeconds(shutdownSeconds));
    }

    @Override
    public Integer call() throws UsageException, InterruptedException {
        ModelServer server = start();
        PrintWriter out = spec.commandLine().getOut();
        out.println("serving at " + server.uri() + " (the page; API: " + server.uri() + "openapi.json) — Ctrl-C stops");
        out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "serve-shutdown"));
        server.awaitClose();
        return 0;
    }

    /**
     * Opens every model and starts the server.
     *
     * @throws UsageException one line: a directory that is not a usable model, two models of one
     *     name, a port in use
     */
    ModelServer start() throws UsageException {
        Map<String, Path> directories = new LinkedHashMap<>();
        for (String model : models) {
            int equals = model.indexOf('=');
            Path dir = Path.of(equals < 0 ? model : model.substring(equals + 1));
            Path fileName = dir.toAbsolutePath().normalize().getFileName();
            String name = equals < 0 ? (fileName == null ? "model" : fileName.toString()) : model.substring(0, equals);
            if (directories.putIfAbsent(name, dir) != null) {
                throw new UsageException(
                        "--model: two models are named '" + name + "'; name them with --model NAME=DIR");
            }
        }
        ModelServer.Builder builder;
        try {
            builder = ModelServer.builder(limits()).host(host).port(port);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        List<ServedModel> opened = new ArrayList<>();
        try {
            for (Map.Entry<String, Path> model : directories.entrySet()) {
                ServedModel served;
                try {
                    served = ServedKinds.open(model.getValue(), builder.context(model.getKey()));
                } catch (IllegalArgumentException e) {
                    throw new UsageException(
                            "--model " + model.getKey() + "=" + model.getValue() + ": " + e.getMessage());
                }
                opened.add(served);
                builder.model(model.getKey(), served);
            }
            return builder.start();
        } catch (UsageException e) {
            opened.forEach(ServedModel::close);
            throw e;
        } catch (RuntimeException e) {
            opened.forEach(ServedModel::close);
            throw new UsageException("--host " + host + " --port " + port + ": cannot listen there: " + e.getMessage());
        }
    }
}
