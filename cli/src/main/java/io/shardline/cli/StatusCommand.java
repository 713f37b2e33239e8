package io.shardline.cli;

import io.shardline.driver.NodeStatus;
import io.shardline.driver.ShardlineDataSource;
import io.shardline.driver.ShardlineStatus;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shardline status --config topology.yaml}: one line per node, and an exit code a health
 * check can use.
 */
@Command(name = "status",
        mixinStandardHelpOptions = true,
        exitCodeOnInvalidInput = StatusCommand.EXIT_USAGE,
        exitCodeOnExecutionException = StatusCommand.EXIT_ERROR,
        description = {
            "Shows every node of a topology: role, state, log position, lag (entries and seconds),"
                + " apply rate, log size and last error.",
            "",
            "It starts a Shardline runtime for the topology (as one more application instance would:"
                + " its appliers take part in replication, which is safe), waits until every replica"
                + " has been looked at (at most --wait), prints the table and stops.",
            "An application sees the same figures, with the statements it routed per node, in"
                + " ShardlineDataSource.status(), JMX or Micrometer (docs/operations.md).",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every node is HEALTHY or CATCHING_UP",
            "1:the status could not be taken (bad configuration, primary unreachable at start)",
            "2:a node is DOWN (unreachable; Shardline retries it)",
            "3:a replica is BROKEN (halted at a log entry; needs an operator; wins over 2)",
            "64:invalid command line",
        })
final class StatusCommand implements Callable<Integer> {

    static final int EXIT_OK = 0;
    static final int EXIT_ERROR = 1;
    static final int EXIT_DOWN = 2;
    static final int EXIT_BROKEN = 3;
    static final int EXIT_USAGE = 64;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "topology.yaml", description = "The topology file.")
    Path config;

    @Option(names = "--watch", arity = "0..1", paramLabel = "SECONDS", fallbackValue = "2",
            description = "Refresh every SECONDS (default ${FALLBACK-VALUE}) until interrupted (Ctrl-C); the exit code"
                    + " is that of the last refresh.")
    Double watchSeconds;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "5",
            description = "At most this long to wait, before the first table, for every replica to be looked at"
                    + " and for a node that is DOWN or BROKEN to recover (default ${DEFAULT-VALUE}).")
    double waitSeconds;

    @Option(names = "--json", description = "Print the status as one JSON object per refresh (for scripts) instead of the table.")
    boolean json;

    /** Testing: stop --watch after this many tables. */
    @Option(names = "--iterations", hidden = true, defaultValue = "0")
    int iterations;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(config)) {
            err.println("shardline status: no such file: " + config);
            return EXIT_ERROR;
        }
        if (watchSeconds != null && watchSeconds <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--watch must be positive");
        }
        ShardlineDataSource ds;
        try {
            ds = ShardlineDataSource.fromYaml(config);
        } catch (SQLException | RuntimeException e) {
            err.println("shardline status: " + e.getMessage());
            return EXIT_ERROR;
        }
        try (ds) {
            long deadline = System.nanoTime() + (long) (waitSeconds * 1e9);
            ds.awaitStatus(Duration.ofMillis((long) (waitSeconds * 1000)));
            // a node that failed its first look (e.g. one slow connect) gets until --wait to recover
            while (!ds.statusReport().healthy() && System.nanoTime() - deadline < 0) Thread.sleep(100);
            int code;
            int shown = 0;
            while (true) {
                ShardlineStatus status = ds.statusReport();
                if (json) {
                    out.println(status.toJson());
                } else {
                    if (watchSeconds != null) {
                        out.println("shardline status of " + status.source() + " at " + format(status.takenAt())
                                + " (every " + trim(watchSeconds) + " s; Ctrl-C to stop)");
                    }
                    print(status, out);
                }
                out.flush();
                code = exitCode(status);
                shown++;
                if (watchSeconds == null || (iterations > 0 && shown >= iterations)) break;
                Thread.sleep((long) (watchSeconds * 1000));
                if (!json) out.println();
            }
            return code;
        }
    }

    /** 0 when nothing is DOWN or BROKEN, 3 when a replica is BROKEN, otherwise 2 when a node is DOWN. */
    static int exitCode(ShardlineStatus status) {
        if (status.anyBroken()) return EXIT_BROKEN;
        if (status.anyDown()) return EXIT_DOWN;
        return EXIT_OK;
    }

    /** The status table, then the last error of each node that has one. */
    static void print(ShardlineStatus status, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"SHARD", "NODE", "ROLE", "STATE", "POSITION", "LAG", "LAG S", "APPLIED/S", "LOG ENTRIES",
            "LAST ERROR AT"});
        for (NodeStatus n : status.nodes()) {
            boolean p = n.isPrimary();
            rows.add(new String[] {n.shard(), n.node(), n.role(), n.state(), Long.toString(n.position()),
                p ? "-" : Long.toString(n.lagEntries()), p ? "-" : String.format(Locale.ROOT, "%.1f", n.lagSeconds()),
                p ? "-" : String.format(Locale.ROOT, "%.1f", n.applyRate()), p ? Long.toString(n.logEntries()) : "-",
                n.lastErrorAt() == null ? "-" : format(n.lastErrorAt())});
        }
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
        boolean[] right = {false, false, false, false, true, true, true, true, true, false};
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                if (i > 0) line.append("  ");
                String pad = " ".repeat(width[i] - r[i].length());
                line.append(right[i] ? pad + r[i] : r[i] + (i == r.length - 1 ? "" : pad));
            }
            out.println(line.toString().stripTrailing());
        }
        for (NodeStatus n : status.nodes()) {
            if (n.lastError() == null) continue;
            String at = n.lastErrorAt() == null ? "" : " at " + format(n.lastErrorAt());
            String halted = n.brokenPosition() > 0 ? " (halted at log position " + n.brokenPosition() + ")" : "";
            out.println("last error of " + n.node() + at + halted + ": " + n.lastError());
        }
        if (status.ackTimeouts() > 0) out.println("synchronous commits that timed out: " + status.ackTimeouts());
        out.println(status.healthy() ? "OK: no node is DOWN or BROKEN"
                : status.anyBroken() ? "ATTENTION: a replica is BROKEN (see docs/operations.md)"
                : "ATTENTION: a node is DOWN (see docs/operations.md)");
    }

    private static String format(Instant t) {
        return TIME.format(LocalDateTime.ofInstant(t, ZoneId.systemDefault()));
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
