package org.recurrent4j.examples.cli;

import java.io.PrintWriter;
import java.util.Optional;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.ui.VertxUIServer;
import org.deeplearning4j.ui.api.UIServer;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --ui} and {@code --ui-port}: DL4J's training dashboard for a training command. Its {@link
 * StatsListener} goes on the network before training starts and records, every iteration, the
 * score, the parameters and their updates of every layer (recurrent4j's included) into an
 * in-memory store, which DL4J's UI server (on Vert.x) shows at {@code
 * http://localhost:PORT/train/overview}: the learning curve, update:parameter ratios, and per
 * layer the parameter and update histograms.
 *
 * <pre>
 * ./recurrent4j timeseries classify --ui            then open http://localhost:9000/train/overview
 * </pre>
 *
 * <p>The dashboard lives as long as the command: it is gone when training has ended and the
 * command exits.
 */
public final class DashboardOption {

    @Option(
            names = "--ui",
            description = "show DL4J's training dashboard (scores, parameters, updates per layer) while training, at"
                    + " http://localhost:PORT/train/overview")
    private boolean enabled;

    @Option(
            names = "--ui-port",
            paramLabel = "PORT",
            description = "the dashboard's port (default: ${DEFAULT-VALUE}; 0 for any free one)")
    @Range(min = 0, max = 65_535)
    private int port = VertxUIServer.DEFAULT_UI_PORT;

    /** Whether {@code --ui} was given. */
    public boolean enabled() {
        return enabled;
    }

    /**
     * With {@code --ui}: starts the dashboard (once per process) and attaches a {@link
     * StatsListener} to {@code net}, which the dashboard then shows.
     *
     * @return the dashboard's address, if {@code --ui} was given
     * @throws UsageException if the UI server cannot start (the port is taken)
     */
    public Optional<String> attach(Model net, PrintWriter out) throws UsageException {
        if (!enabled) {
            return Optional.empty();
        }
        UIServer server;
        try {
            server = VertxUIServer.getInstance(port, false, null);
        } catch (RuntimeException e) {
            throw new UsageException(
                    "--ui-port " + port + ": the training dashboard cannot start there: " + e.getMessage());
        }
        StatsStorage storage = new InMemoryStatsStorage();
        server.attach(storage);
        net.addListeners(new StatsListener(storage));
        String address = "http://localhost:" + server.getPort() + "/train/overview";
        out.println("training dashboard: " + address);
        out.flush();
        return Optional.of(address);
    }

    /** The command's {@code --ui} options, if it has them (in its own mixins or theirs). */
    public static Optional<DashboardOption> of(CommandSpec command) {
        for (CommandSpec mixin : command.mixins().values()) {
            if (mixin.userObject() instanceof DashboardOption dashboard) {
                return Optional.of(dashboard);
            }
            Optional<DashboardOption> nested = of(mixin);
            if (nested.isPresent()) {
                return nested;
            }
        }
        return Optional.empty();
    }
}
