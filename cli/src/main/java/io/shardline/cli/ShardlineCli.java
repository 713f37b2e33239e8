package io.shardline.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code shardline} command line: {@code java -jar shardline.jar <command>}. */
@Command(name = "shardline",
        mixinStandardHelpOptions = true,
        versionProvider = ShardlineCli.Version.class,
        description = "Shardline: sharding and replication as a JDBC driver wrapper.",
        subcommands = {DemoCommand.class, StatusCommand.class, VerifyCommand.class, ResyncCommand.class, ReplicateCommand.class,
                CommandLine.HelpCommand.class})
public final class ShardlineCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ShardlineCli()).execute(args));
    }

    /** Without a subcommand: print the usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The project version, from a resource filtered at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"shardline " + version()};
        }

        static String version() {
            Properties p = new Properties();
            try (InputStream in = ShardlineCli.class.getResourceAsStream("version.properties")) {
                if (in != null) p.load(in);
            } catch (IOException e) {
                // fall through to "unknown"
            }
            String v = p.getProperty("version");
            return v == null || v.startsWith("${") ? "unknown" : v;
        }
    }
}
