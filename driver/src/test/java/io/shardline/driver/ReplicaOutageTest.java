package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replica whose database server stops: writes go on, and it catches up when it returns. */
class ReplicaOutageTest {

    @TempDir
    Path dir;

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static Server startServer(int port, Path baseDir) throws Exception {
        return Server.createTcpServer("-tcpPort", Integer.toString(port), "-baseDir", baseDir.toString(), "-ifNotExists").start();
    }

    @Test
    void writesNeverWaitForAStoppedReplicaWhichThenConverges() throws Exception {
        int port = freePort();
        Path base = Files.createDirectories(dir.resolve("replica-server"));
        Server server = startServer(port, base);
        String prefix = "outage" + System.nanoTime();
        String primaryUrl = "jdbc:h2:mem:" + prefix + "_p;DB_CLOSE_DELAY=-1";
        String stableUrl = "jdbc:h2:mem:" + prefix + "_s;DB_CLOSE_DELAY=-1";
        String remoteUrl = "jdbc:h2:tcp://127.0.0.1:" + port + "/./" + prefix + "_r";
        Path yaml = dir.resolve("topology.yaml");
        Files.writeString(yaml, "dataSources:\n"
                + "  primary: { url: \"" + primaryUrl + "\", username: sa }\n"
                + "  stable: { url: \"" + stableUrl + "\", username: sa }\n"
                + "  remote: { url: \"" + remoteUrl + "\", username: sa, pool: { connectionTimeout: 500 } }\n"
                + "shards:\n  s0: { primary: primary, replicas: [stable, remote] }\n"
                + "replication: { retry: { initialBackoff: 50ms, maxBackoff: 500ms } }\n");
        try (ShardlineDataSource ds = ShardlineDataSource.fromYaml(yaml)) {
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE reading (id INT PRIMARY KEY, sensor VARCHAR(20), val DECIMAL(12,3))");
            }
            assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();

            server.stop();
            long slowest = 0;
            try (Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO reading (id, sensor, val) VALUES (?, ?, ?)")) {
                for (int i = 0; i < 5000; i++) {
                    long t0 = System.nanoTime();
                    ps.setInt(1, i);
                    ps.setString(2, "s" + (i % 7));
                    ps.setBigDecimal(3, java.math.BigDecimal.valueOf(i * 31L, 3));
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                    slowest = Math.max(slowest, System.nanoTime() - t0);
                    if (i == 2500) {
                        try (Statement st = c.createStatement()) {
                            st.executeUpdate("UPDATE reading SET sensor = 'moved' WHERE id < 100");
                        }
                    }
                }
            }
            assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofMillis(500));
            NodeStatus remote = status(ds, "remote");
            assertThat(remote.state()).isEqualTo("DOWN");
            assertThat(remote.lastError()).isNotBlank();
            // the healthy replica keeps up while the other is down
            assertThat(awaitCaughtUp(ds, "stable").lagEntries()).isZero();

            server = startServer(port, base);
            assertThat(ds.awaitReplication(Duration.ofSeconds(30))).isTrue();
            try (Connection p = DriverManager.getConnection(primaryUrl, "sa", "");
                 Connection r = DriverManager.getConnection(remoteUrl, "sa", "")) {
                assertThat(TestTopologies.count(p, "reading")).isEqualTo(5000);
                assertThat(TestTopologies.dump(r, "reading", "id")).isEqualTo(TestTopologies.dump(p, "reading", "id"));
            }
            for (int i = 0; i < 50 && !status(ds, "remote").state().equals("HEALTHY"); i++) Thread.sleep(100);
            assertThat(status(ds, "remote").state()).isEqualTo("HEALTHY");
        } finally {
            server.stop();
        }
    }

    /** The node's status once its lag reached zero, or after 5 s. */
    static NodeStatus awaitCaughtUp(ShardlineDataSource ds, String node) throws InterruptedException {
        for (int i = 0; i < 100 && status(ds, node).lagEntries() > 0; i++) Thread.sleep(50);
        return status(ds, node);
    }

    static NodeStatus status(ShardlineDataSource ds, String node) {
        return ds.status().stream().filter(n -> n.node().equals(node)).findFirst().orElseThrow();
    }
}
