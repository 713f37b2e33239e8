package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriverTest {

    @TempDir
    Path dir;

    @Test
    void registeredThroughServiceLoaderAndAcceptsOnlyItsUrls() throws Exception {
        boolean found = false;
        for (Driver d : ServiceLoader.load(Driver.class)) found |= d instanceof ShardlineDriver;
        assertThat(found).isTrue();
        assertThat(DriverManager.getDriver("jdbc:shardline:classpath:x.yaml")).isInstanceOf(ShardlineDriver.class);
        assertThat(new ShardlineDriver().acceptsURL("jdbc:h2:mem:x")).isFalse();
        assertThat(new ShardlineDriver().connect("jdbc:h2:mem:x", new java.util.Properties())).isNull();
    }

    @Test
    void badYamlFailsAtFirstConnectionWithEveryProblemLocated() throws Exception {
        Path yaml = dir.resolve("bad.yaml");
        Files.writeString(yaml, """
                dataSources:
                  p: { url: "jdbc:h2:mem:bad_p", username: sa, password: "Hunter2-Secret" }
                shards:
                  s0:
                    primary: p
                    replicas: [nowhere]
                replicaton:
                  mode: async
                """);
        String url = "jdbc:shardline:file:" + yaml;
        assertThatThrownBy(() -> DriverManager.getConnection(url))
                .isInstanceOf(ShardlineConfigException.class)
                .satisfies(e -> {
                    String m = e.getMessage();
                    assertThat(m).contains("bad.yaml:6:").contains("nowhere");
                    assertThat(m).contains("bad.yaml:7:1").contains("replicaton").contains("replication");
                    assertThat(m).doesNotContain("Hunter2-Secret");
                    assertThat(((SQLException) e).getSQLState()).isEqualTo("F0000");
                });
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:shardline:file:" + dir.resolve("missing.yaml")))
                .isInstanceOf(ShardlineConfigException.class).hasMessageContaining("missing.yaml");
    }

    @Test
    void oneRuntimePerUrlSharedByEveryConnection() throws Exception {
        try (TestTopology topo = TestTopology.on(Engine.H2).replicas(2).build()) {
            String url = topo.url();
            try (Connection first = DriverManager.getConnection(url)) {
                ShardlineRuntime rt = ShardlineDriver.runtime(url);
                long appliers = shardlineThreads("shardline-applier-");
                assertThat(appliers).isEqualTo(2); // one applier per replica
                assertThat(shardlineThreads("shardline-maintenance")).isEqualTo(1);
                for (int i = 0; i < 20; i++) {
                    try (Connection c = DriverManager.getConnection(url)) {
                        assertThat(((ShardlineConnection) c).runtime).isSameAs(rt);
                    }
                }
                // opening connections started no runtime threads and built no pools
                assertThat(shardlineThreads("shardline-applier-")).isEqualTo(appliers);
                assertThat(shardlineThreads("shardline-maintenance")).isEqualTo(1);
                assertThat(ShardlineDriver.runtime(url)).isSameAs(rt);
            } finally {
                ShardlineDriver.close(url);
            }
            Thread.sleep(100);
            assertThat(Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("shardline-applier") && t.isAlive())
                    .map(Thread::getName).filter(n -> n.contains("replica-"))).isEmpty();
        }
    }

    private static long shardlineThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    @Test
    void classpathTopologyAndMetadataOfTheUnderlyingDatabase() throws Exception {
        String url = "jdbc:shardline:classpath:topology/minimal.yaml";
        try (Connection c = DriverManager.getConnection(url)) {
            DatabaseMetaData md = c.getMetaData();
            assertThat(md.getDatabaseProductName()).isEqualTo("H2");
            assertThat(md.getConnection()).isSameAs(c);
            assertThat(md.getURL()).isEqualTo(url);
            assertThat(c.isWrapperFor(org.h2.jdbc.JdbcConnection.class)).isTrue();
            assertThat(c.unwrap(ShardlineConnection.class)).isSameAs(c);
        } finally {
            ShardlineDriver.close(url);
        }
    }

    @Test
    void passwordsNeverAppearInMessagesLogsOrStatus() throws Exception {
        String prefix = "pw" + System.nanoTime();
        String primaryPw = "Prim4ry-Secret-Pw";
        String wrongPw = "Wr0ng-Replica-Secret";
        // the replica database exists with another password, so Shardline's login to it fails
        try (Connection r = DriverManager.getConnection("jdbc:h2:mem:" + prefix + "_r;DB_CLOSE_DELAY=-1", "sa", "right-one")) {
            Path yaml = dir.resolve("pw.yaml");
            Files.writeString(yaml, "dataSources:\n"
                    + "  p: { url: \"jdbc:h2:mem:" + prefix + "_p;DB_CLOSE_DELAY=-1\", username: sa, password: \"" + primaryPw + "\" }\n"
                    + "  r: { url: \"jdbc:h2:mem:" + prefix + "_r;DB_CLOSE_DELAY=-1\", username: sa, password: \"" + wrongPw + "\" }\n"
                    + "shards:\n  s0: { primary: p, replicas: [r] }\n"
                    + "replication: { retry: { initialBackoff: 10ms, maxBackoff: 50ms } }\n");
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            PrintStream original = System.err;
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            String everything;
            try (ShardlineDataSource ds = ShardlineDataSource.fromYaml(yaml)) {
                try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE t (id INT PRIMARY KEY)");
                    st.execute("INSERT INTO t VALUES (1)");
                }
                assertThat(ds.awaitReplication(Duration.ofMillis(500))).isFalse();
                NodeStatus replica = null;
                for (int i = 0; i < 100; i++) {
                    replica = ds.status().stream().filter(n -> n.node().equals("r")).findFirst().orElseThrow();
                    if (replica.state().equals("DOWN")) break;
                    Thread.sleep(100);
                }
                assertThat(replica.state()).isEqualTo("DOWN");
                assertThat(replica.lastError()).isNotBlank();
                everything = ds.status().toString() + ds.topology() + ds.topology().dataSources();
            } finally {
                System.setErr(original);
            }
            String logs = captured.toString(StandardCharsets.UTF_8);
            assertThat(logs).contains("Replica r"); // the failure was logged...
            assertThat(logs + everything).doesNotContain(primaryPw).doesNotContain(wrongPw); // ...without the secret
        }
    }
}
