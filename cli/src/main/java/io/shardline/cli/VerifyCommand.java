package io.shardline.cli;

import io.shardline.replication.Verification;
import io.shardline.driver.ShardlineDataSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shardline verify --config topology.yaml}: compares every application table between each
 * primary and its replicas by chunked checksums over the primary key, against the live databases.
 */
@Command(name = "verify",
        mixinStandardHelpOptions = true,
        versionProvider = ShardlineCli.Version.class,
        description = {
            "Compares every application table between each primary and its replicas by chunked",
            "checksums over the primary key (pt-table-checksum style), while the application keeps",
            "writing; reports each differing chunk and row key. Rows changed by log entries a",
            "replica has not applied yet are not differences (they are re-checked at one log position).",
            "Exit code: 0 identical, 1 differences found, 3 not everything could be verified",
            "(replica DOWN, BROKEN or behind), 2 usage error."})
final class VerifyCommand implements Callable<Integer> {

    /** Exit code when some table differs. */
    static final int DIFFERENT = 1;
    /** Exit code when no difference was found but not everything could be verified. */
    static final int UNVERIFIED = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The topology YAML.")
    Path config;

    @Option(names = "--chunk-size", paramLabel = "ROWS", defaultValue = "5000",
            description = "Rows per chunk (default: ${DEFAULT-VALUE}).")
    int chunkSize;

    @Option(names = "--catch-up-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long to wait for a lagging replica per differing chunk (default: ${DEFAULT-VALUE}).")
    long catchUpSeconds;

    @Option(names = "--quiet", description = "No progress lines, only the report.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (chunkSize < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--chunk-size must be at least 1");
        PrintWriter out = spec.commandLine().getOut();
        try (ShardlineDataSource ds = ShardlineDataSource.fromYaml(config)) {
            Verification.Options o = Verification.Options.defaults().withChunkSize(chunkSize)
                    .withCatchUpTimeout(Duration.ofSeconds(catchUpSeconds));
            return run(ds, o, out, quiet);
        }
    }

    /** Runs verify on {@code ds}, printing progress and the report; returns the exit code. */
    static int run(ShardlineDataSource ds, Verification.Options options, PrintWriter out, boolean quiet)
            throws java.sql.SQLException {
        Verification.Report report = ds.verify(options, quiet ? null : progressPrinter(out));
        out.print(report.format());
        out.flush();
        return report.consistent() ? 0 : report.differs() ? DIFFERENT : UNVERIFIED;
    }

    /** Shows each table's progress ({@link ProgressLine}: a bar on a terminal, lines otherwise). */
    static Consumer<Verification.Progress> progressPrinter(PrintWriter out) {
        ProgressLine line = ProgressLine.forStdout(out);
        return p -> line.update("verify " + p.shard() + " " + p, p.rowsDone(), p.estimatedRows(), p.tableDone());
    }
}
