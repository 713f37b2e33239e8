package io.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.driver.Engine;
import io.shardline.driver.ForkedProcess;
import io.shardline.driver.PerEngine;
import io.shardline.driver.ShardlineDataSource;
import io.shardline.driver.TestTopology;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;

/**
 * The built {@code shardline.jar}, run as its own process against databases that another process
 * (this test) owns: H2 over TCP and the local MariaDB server. Nothing but the jar is on its class
 * path, so these also prove it carries the engines' drivers.
 */
class ShardlineJarIT {

    @AutoClose
    TestTopology topo;

    private final List<ForkedProcess> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (ForkedProcess p : processes) p.kill();
    }

    /**
     * A replicator keeps the replicas current while the only writer is a short-lived job in another
     * JVM whose topology leaves applying to it ({@code appliers: external}); its /health and
     * /metrics follow a replica being cut off and coming back.
     */
    @PerEngine(h2OverTcp = true)
    void replicateKeepsTheReplicasCurrentWithoutAnyApplication(Engine engine) throws Exception {
        topo = TestTopology.on(engine).replicas("stable", "remote").interruptible("remote").retry("50ms", "500ms")
                .replication("appliers", "external").build();
        ShardlineDataSource ds = topo.dataSource(); // watches the replicas only
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE job (id INT PRIMARY KEY, note VARCHAR(40))");
        }
        ForkedProcess replicator = jar("replicate", "--config", topo.yaml().toString(), "--http", "127.0.0.1:0");
        String line = replicator.await(l -> l.contains("/health"), Duration.ofSeconds(60));
        Matcher m = Pattern.compile("http://([0-9.]+:[0-9]+)/health").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        String base = "http://" + m.group(1);
        awaitHealth(base, 200, Duration.ofSeconds(30));

        ForkedProcess writer = java(ShortLivedWriter.class.getName(), topo.yaml().toString(), "0", "400");
        assertThat(writer.process.waitFor(60, TimeUnit.SECONDS)).as("writer: %s", writer.output()).isTrue();
        assertThat(writer.process.exitValue()).as("writer: %s", writer.output()).isZero();
        awaitReplicas(400, Duration.ofSeconds(30));

        HttpResponse<String> metrics = get(base + "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("shardline_replication_position").contains("node=\"remote\"")
                .contains("shardline_replica_state");

        topo.takeDown("remote");
        try (Connection c = topo.primary(); PreparedStatement ps = c.prepareStatement("SELECT 1")) {
            ps.execute(); // the primary is fine
        }
        ForkedProcess second = java(ShortLivedWriter.class.getName(), topo.yaml().toString(), "1000", "100");
        assertThat(second.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        HttpResponse<String> down = awaitHealth(base, 503, Duration.ofSeconds(30));
        assertThat(down.body()).contains("\"node\":\"remote\"").contains("\"state\":\"DOWN\"");

        topo.bringUp("remote");
        awaitHealth(base, 200, Duration.ofSeconds(30));
        awaitReplicas(500, Duration.ofSeconds(30));

        replicator.process.destroy(); // SIGTERM: stops serving, closes
        assertThat(replicator.process.waitFor(30, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    }

    /** status (also as JSON), verify and resync from the jar alone, against a replica that drifted. */
    @PerEngine(h2OverTcp = true)
    void statusVerifyAndResyncRunFromTheJarAlone(Engine engine) throws Exception {
        topo = TestTopology.on(engine).replicas("stable", "remote").build();
        ShardlineDataSource ds = topo.dataSource();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE job (id INT PRIMARY KEY, note VARCHAR(40))");
            for (int i = 0; i < 50; i++) st.executeUpdate("INSERT INTO job VALUES (" + i + ", 'n" + i + "')");
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(20))).isTrue();
        String yaml = topo.yaml().toString();

        ForkedProcess status = finished(jar("status", "--config", yaml));
        assertThat(status.process.exitValue()).as(status.output()).isZero();
        assertThat(status.output()).contains("stable").contains("remote").contains("OK: no node is DOWN or BROKEN");
        ForkedProcess json = finished(jar("status", "--config", yaml, "--json"));
        assertThat(json.process.exitValue()).as(json.output()).isZero();
        assertThat(json.output()).contains("\"healthy\":true").contains("\"node\":\"remote\"");

        try (Connection r = topo.direct("remote"); Statement st = r.createStatement()) {
            st.executeUpdate("DELETE FROM job WHERE id = 7"); // drift behind Shardline's back
        }
        ForkedProcess verify = finished(jar("verify", "--config", yaml, "--quiet"));
        assertThat(verify.process.exitValue()).as(verify.output()).isEqualTo(VerifyCommand.DIFFERENT);
        ForkedProcess resync = finished(jar("resync", "--config", yaml, "--replica", "remote", "--quiet"));
        assertThat(resync.process.exitValue()).as(resync.output()).isZero();
        ForkedProcess again = finished(jar("verify", "--config", yaml, "--quiet"));
        assertThat(again.process.exitValue()).as(again.output()).isZero();
        try (Connection p = topo.primary(); Connection r = topo.direct("remote")) {
            assertThat(TestTopology.dump(r, "job", "id")).isEqualTo(TestTopology.dump(p, "job", "id")).hasSize(50);
        }
    }

    // ------------------------------------------------------------------ fixtures

    private void awaitReplicas(int rows, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String node : List.of("stable", "remote")) {
            while (true) {
                long n;
                try (Connection r = topo.direct(node)) {
                    n = TestTopology.count(r, "job");
                } catch (java.sql.SQLException e) {
                    n = -1; // the table may not be there yet
                }
                if (n == rows) break;
                assertThat(System.nanoTime() - deadline).as("%s has %d of %d rows", node, n, rows).isNegative();
                Thread.sleep(100);
            }
        }
        try (Connection p = topo.primary()) {
            List<List<String>> expected = TestTopology.dump(p, "job", "id");
            for (String node : List.of("stable", "remote")) {
                try (Connection r = topo.direct(node)) {
                    assertThat(TestTopology.dump(r, "job", "id")).as(node).isEqualTo(expected);
                }
            }
        }
    }

    private HttpResponse<String> awaitHealth(String base, int code, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() - deadline < 0) {
            last = get(base + "/health");
            if (last.statusCode() == code) return last;
            Thread.sleep(100);
        }
        throw new AssertionError("/health did not answer " + code + " within " + timeout + "; last: "
                + (last == null ? "none" : last.statusCode() + " " + last.body()));
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private ForkedProcess jar(String... args) throws IOException {
        Path jar = Path.of(System.getProperty("shardline.jar", "target/shardline.jar"));
        assertThat(Files.isRegularFile(jar)).as("the built jar %s", jar).isTrue();
        List<String> cmd = new ArrayList<>(List.of(ForkedProcess.javaBinary(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar",
                jar.toString()));
        cmd.addAll(List.of(args));
        return started(ForkedProcess.start(cmd));
    }

    private ForkedProcess java(String mainClass, String... args) throws IOException {
        return started(ForkedProcess.java(mainClass, args));
    }

    private ForkedProcess started(ForkedProcess p) {
        processes.add(p);
        return p;
    }

    private static ForkedProcess finished(ForkedProcess p) throws InterruptedException {
        return p.finished(Duration.ofSeconds(120));
    }
}
