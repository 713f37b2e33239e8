package io.shardline.cli;

import io.shardline.replication.Resync;
import io.shardline.driver.ShardlineDataSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shardline resync --config topology.yaml --replica NAME}: rebuilds one replica from a
 * consistent snapshot of its primary at a known log position, while the application keeps writing.
 */
@Command(name = "resync",
        mixinStandardHelpOptions = true,
        versionProvider = ShardlineCli.Version.class,
        description = {
            "Rebuilds one replica from a consistent snapshot of its primary taken at a known log",
            "position: every application table is emptied and copied in one replica transaction",
            "together with the new watermark, and replication continues from that position. The",
            "application may keep writing meanwhile. A BROKEN replica is cleared by a resync.",
            "The replica must already have the schema. Exit code 0 on success."})
final class ResyncCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The topology YAML.")
    Path config;

    @Option(names = "--replica", required = true, paramLabel = "NAME", description = "The replica's data source name.")
    String replica;

    @Option(names = "--quiet", description = "No progress lines.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (ShardlineDataSource ds = ShardlineDataSource.fromYaml(config)) {
            Resync.Result r;
            try {
                r = ds.resync(replica, quiet ? null : progressPrinter(out));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            out.println(r);
            out.flush();
            return 0;
        }
    }

    /** Shows each table's progress ({@link ProgressLine}: a bar on a terminal, lines otherwise). */
    static Consumer<Resync.Progress> progressPrinter(PrintWriter out) {
        ProgressLine line = ProgressLine.forStdout(out);
        return p -> line.update(p.toString(), p.rowsCopied(), p.estimatedRows(), p.tableDone());
    }
}
