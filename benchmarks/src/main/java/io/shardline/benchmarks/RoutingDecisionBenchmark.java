package io.shardline.benchmarks;

import io.shardline.driver.ShardlineDataSource;
import io.shardline.driver.internal.RoutingProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The routing decision alone, without any database call: for a read, choose a replica (balancer
 * plus the consistency check: state, ejection, read-your-writes position, lag); for a sharded
 * point select, find the shard from the bound key. Reaches the decision through
 * {@link RoutingProbe}, the driver's internal view for its own benchmarks.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoutingDecisionBenchmark {

    /** One runtime shared by the benchmark threads; each thread has its own connection. */
    @State(Scope.Benchmark)
    public static class Topologies {
        ShardlineDataSource replicated;
        ShardlineDataSource sharded;
        Path dir;

        @Setup(Level.Trial)
        public void start() throws Exception {
            dir = Files.createTempDirectory("routing-bench");
            String p = "rd" + System.nanoTime();
            Path one = dir.resolve("one.yaml");
            Files.writeString(one, "dataSources:\n"
                    + "  p: { url: \"jdbc:h2:mem:" + p + "_p;DB_CLOSE_DELAY=-1\", username: sa }\n"
                    + "  a: { url: \"jdbc:h2:mem:" + p + "_a;DB_CLOSE_DELAY=-1\", username: sa }\n"
                    + "  b: { url: \"jdbc:h2:mem:" + p + "_b;DB_CLOSE_DELAY=-1\", username: sa }\n"
                    + "shards:\n  s0: { primary: p, replicas: [a, b] }\n");
            replicated = ShardlineDataSource.fromYaml(one);
            try (Connection c = replicated.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
            }
            replicated.awaitReplication(java.time.Duration.ofSeconds(10));
            Path two = dir.resolve("two.yaml");
            Files.writeString(two, "dataSources:\n"
                    + "  p0: { url: \"jdbc:h2:mem:" + p + "_p0;DB_CLOSE_DELAY=-1\", username: sa }\n"
                    + "  p1: { url: \"jdbc:h2:mem:" + p + "_p1;DB_CLOSE_DELAY=-1\", username: sa }\n"
                    + "shards:\n  s0: { primary: p0 }\n  s1: { primary: p1 }\n"
                    + "tables:\n  orders: { shardKey: customer_id, strategy: mod }\n");
            sharded = ShardlineDataSource.fromYaml(two);
        }

        @TearDown(Level.Trial)
        public void stop() {
            replicated.close();
            sharded.close();
        }
    }

    /** Per-thread connection and pre-analysed statements, as a prepared statement holds them. */
    @State(Scope.Thread)
    public static class Session {
        Connection replicatedConnection;
        RoutingProbe.ReadDecision read;
        Connection shardedConnection;
        RoutingProbe.ShardDecision pointSelect;
        Object[][] keys = new Object[64][];
        int i;

        @Setup(Level.Trial)
        public void open(Topologies t) throws SQLException {
            replicatedConnection = t.replicated.getConnection();
            read = replicatedConnection.unwrap(RoutingProbe.class).readDecision("SELECT v FROM t WHERE id = ?");
            read.choose(); // take the physical connections once, as a live connection has
            read.choose();
            shardedConnection = t.sharded.getConnection();
            pointSelect = shardedConnection.unwrap(RoutingProbe.class)
                    .shardDecision("SELECT id, amount FROM orders WHERE customer_id = ?");
            for (int k = 0; k < keys.length; k++) keys[k] = new Object[] {(long) k};
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            replicatedConnection.close();
            shardedConnection.close();
        }
    }

    /** Choose the replica for a read: balancer + read-your-writes/lag/health check. */
    @Benchmark
    public Connection chooseReplica(Session s) throws SQLException {
        return s.read.choose();
    }

    /** Find the shard of a cached prepared point select from its bound key. */
    @Benchmark
    public Object routeByShardKey(Session s) throws SQLException {
        return s.pointSelect.route(s.keys[s.i++ & 63]);
    }
}
