package io.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.driver.Engine;
import io.shardline.driver.ShardlineDataSource;
import io.shardline.driver.TestTopology;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code shardline status}: the table and its exit codes, against real databases. */
class StatusCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new ShardlineCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private String described() {
        return "stdout:\n" + out + "\nstderr:\n" + err;
    }

    /** One primary and replica-a on H2; the nodes' password is a secret no output may show. */
    private static TestTopology.Builder topology() {
        return TestTopology.on(Engine.H2).replicas("replica-a").password("S3cret-Pw").retry("50ms", "200ms");
    }

    @Test
    void aHealthyTopologyExitsZero() throws Exception {
        try (TestTopology topo = topology().build()) {
            int exit = run("status", "--config", topo.yaml().toString());
            String text = out.toString();
            assertThat(exit).as(described()).isZero();
            assertThat(text).containsPattern("(?m)^SHARD\\s+NODE\\s+ROLE\\s+STATE\\s+POSITION\\s+LAG\\s+LAG S\\s+APPLIED/S\\s+LOG ENTRIES");
            assertThat(text).containsPattern("(?m)^s0\\s+primary\\s+primary\\s+HEALTHY\\s+0\\s+-\\s+-\\s+-\\s+0\\s+-$");
            assertThat(text).containsPattern("(?m)^s0\\s+replica-a\\s+replica\\s+HEALTHY\\s+0\\s+0\\s+0\\.0\\s+0\\.0\\s+-\\s+-$");
            assertThat(text).contains("OK: no node is DOWN or BROKEN").doesNotContain("S3cret-Pw");
        }
    }

    @Test
    void aReplicaWhoseServerIsStoppedIsDownAndExitsTwo() throws Exception {
        try (TestTopology topo = topology().interruptible("replica-a").build()) { // served by an H2 TCP server of its own
            Path yaml = topo.yaml();
            int up = run("status", "--config", yaml.toString());
            assertThat(up).as(described()).isZero();
            topo.takeDown("replica-a");
            out.getBuffer().setLength(0);

            long t0 = System.nanoTime();
            int exit = run("status", "--config", yaml.toString());
            long millis = (System.nanoTime() - t0) / 1_000_000;
            String text = out.toString();
            assertThat(exit).as(described()).isEqualTo(StatusCommand.EXIT_DOWN);
            assertThat(text).containsPattern("(?m)^s0\\s+replica-a\\s+replica\\s+DOWN\\s");
            assertThat(text).containsPattern("(?m)^last error of replica-a at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d: .+");
            assertThat(text).contains("ATTENTION: a node is DOWN").doesNotContain("S3cret-Pw");
            assertThat(millis).as("status took %d ms", millis).isLessThan(15_000); // --wait is 5 s
        }
    }

    @Test
    void aBrokenReplicaExitsThree() throws Exception {
        try (TestTopology topo = topology().build()) {
            Path yaml = topo.yaml();
            try (ShardlineDataSource ds = ShardlineDataSource.fromYaml(yaml)) {
                try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE item (id INT PRIMARY KEY)");
                }
                assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
                ds.pauseReplica("replica-a");
                Thread.sleep(300);
                try (Connection r = topo.direct("replica-a"); Statement st = r.createStatement()) {
                    st.execute("INSERT INTO item VALUES (1)"); // drift behind Shardline's back
                }
                try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                    st.execute("INSERT INTO item VALUES (1)");
                }
            }
            int exit = run("status", "--config", yaml.toString());
            String text = out.toString();
            assertThat(exit).as(described()).isEqualTo(StatusCommand.EXIT_BROKEN);
            assertThat(text).containsPattern("(?m)^s0\\s+replica-a\\s+replica\\s+BROKEN\\s+1\\s+1\\s");
            assertThat(text).containsPattern("last error of replica-a at .+ \\(halted at log position 2\\): ");
            assertThat(text).contains("ATTENTION: a replica is BROKEN");
        }
    }

    @Test
    void watchRefreshesUntilStopped() throws Exception {
        try (TestTopology topo = topology().build()) {
            int exit = run("status", "--config", topo.yaml().toString(), "--watch", "0.2", "--iterations", "3");
            String text = out.toString();
            assertThat(exit).as(described()).isZero();
            assertThat(Pattern.compile("(?m)^shardline status of .+ at \\d{4}-.+\\(every 0.2 s; Ctrl-C to stop\\)$")
                    .matcher(text).results().count()).as(text).isEqualTo(3);
            assertThat(Pattern.compile("(?m)^SHARD\\s+NODE").matcher(text).results().count()).isEqualTo(3);
        }
    }

    @Test
    void usageErrorsAndMissingFilesHaveTheirOwnCodes() throws Exception {
        assertThat(run("status")).as(described()).isEqualTo(StatusCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--config");
        assertThat(run("status", "--config", dir.resolve("nope.yaml").toString())).isEqualTo(StatusCommand.EXIT_ERROR);
        assertThat(err.toString()).contains("no such file");
        StringWriter help = new StringWriter();
        new CommandLine(new ShardlineCli()).setOut(new PrintWriter(help, true)).execute("status", "--help");
        assertThat(help.toString()).contains("Exit codes:", "a node is DOWN", "a replica is BROKEN", "--watch")
                .doesNotContain("--iterations");
    }
}
