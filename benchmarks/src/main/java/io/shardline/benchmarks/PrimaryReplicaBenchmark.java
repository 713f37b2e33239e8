package io.shardline.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One shard: a primary and two replicas ({@code rw_p}, {@code rw_a}, {@code rw_b}).
 *
 * <ul>
 *   <li>{@code pointSelect}: a cached prepared statement selecting one row by primary key in
 *       auto-commit. Raw alternates between the two replicas itself (what round-robin would hit);
 *       Shardline and ShardingSphere balance round-robin over them.</li>
 *   <li>{@code insert}: a single-row insert in auto-commit. Raw and ShardingSphere write the
 *       primary only; Shardline also appends the log entry in the same transaction and its
 *       appliers copy it to both replicas asynchronously (in the same JVM, on the same cores).</li>
 * </ul>
 *
 * Each benchmark thread holds one logical connection and its prepared statements for the whole
 * trial, as an application with a statement cache would.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class PrimaryReplicaBenchmark {

    static final String PRIMARY = "rw_p";
    static final List<String> REPLICAS = List.of("rw_a", "rw_b");
    static final int POOL = 4;

    @Param({"raw", "shardline", "shardingsphere"})
    public String contender;

    HikariDataSource rawPrimary;
    HikariDataSource[] rawReplicas;
    DataSource middleware;
    final AtomicLong nextEventId = new AtomicLong();

    @Setup(Level.Trial)
    public void start() throws Exception {
        Databases.createReadWrite(PRIMARY, REPLICAS.get(0), REPLICAS.get(1));
        switch (contender) {
            case "raw" -> {
                rawPrimary = Databases.pool(PRIMARY, POOL);
                rawReplicas = new HikariDataSource[] {Databases.pool(REPLICAS.get(0), POOL), Databases.pool(REPLICAS.get(1), POOL)};
            }
            case "shardline" -> middleware = Databases.shardline(
                    Databases.shardlineReadWriteYaml(PRIMARY, REPLICAS, POOL), "rw");
            case "shardingsphere" -> middleware = Databases.shardingSphereReadWrite(PRIMARY, REPLICAS, POOL);
            default -> throw new IllegalArgumentException("unknown contender " + contender);
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        Databases.closeQuietly(rawPrimary);
        if (rawReplicas != null) for (HikariDataSource r : rawReplicas) Databases.closeQuietly(r);
        if (middleware instanceof AutoCloseable c) Databases.closeQuietly(c);
    }

    /** One benchmark thread's connection(s) and cached prepared statements. */
    @State(Scope.Thread)
    public static class Session {
        Connection connection;
        PreparedStatement select;
        PreparedStatement insert;
        // raw only: one connection and statement per replica
        Connection[] replicaConnections;
        PreparedStatement[] replicaSelects;
        int turn;
        SplittableRandom random;
        AtomicLong ids;

        @Setup(Level.Trial)
        public void open(PrimaryReplicaBenchmark b) throws SQLException {
            random = new SplittableRandom(Thread.currentThread().getId() * 7919L);
            ids = b.nextEventId;
            if (b.middleware != null) {
                connection = b.middleware.getConnection();
                select = connection.prepareStatement(Databases.POINT_SELECT);
                insert = connection.prepareStatement(Databases.INSERT);
            } else {
                connection = b.rawPrimary.getConnection();
                insert = connection.prepareStatement(Databases.INSERT);
                replicaConnections = new Connection[b.rawReplicas.length];
                replicaSelects = new PreparedStatement[b.rawReplicas.length];
                for (int i = 0; i < replicaConnections.length; i++) {
                    replicaConnections[i] = b.rawReplicas[i].getConnection();
                    replicaSelects[i] = replicaConnections[i].prepareStatement(Databases.POINT_SELECT);
                }
            }
            // the contender answers correctly before it is timed
            PreparedStatement ps = selectStatement();
            ps.setLong(1, 42);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !"account-42".equals(rs.getString(2)) || rs.next()) {
                    throw new IllegalStateException(b.contender + ": wrong answer for the point select");
                }
            }
        }

        PreparedStatement selectStatement() {
            if (replicaSelects == null) return select;
            PreparedStatement ps = replicaSelects[turn];
            turn = turn + 1 == replicaSelects.length ? 0 : turn + 1;
            return ps;
        }

        @TearDown(Level.Trial)
        public void close() {
            Databases.closeQuietly(select);
            Databases.closeQuietly(insert);
            Databases.closeQuietly(connection);
            if (replicaConnections != null) {
                for (PreparedStatement ps : replicaSelects) Databases.closeQuietly(ps);
                for (Connection c : replicaConnections) Databases.closeQuietly(c);
            }
        }
    }

    @Benchmark
    public void pointSelect(Session s, Blackhole bh) throws SQLException {
        PreparedStatement ps = s.selectStatement();
        ps.setLong(1, 1 + s.random.nextInt(Databases.ACCOUNTS));
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                bh.consume(rs.getLong(1));
                bh.consume(rs.getString(2));
                bh.consume(rs.getBigDecimal(3));
            }
        }
    }

    @Benchmark
    public int insert(Session s) throws SQLException {
        long id = s.ids.incrementAndGet();
        PreparedStatement ps = s.insert;
        ps.setLong(1, id);
        ps.setLong(2, 1 + id % Databases.ACCOUNTS);
        ps.setBigDecimal(3, BigDecimal.valueOf(id % 100_000, 2));
        ps.setString(4, "bench");
        return ps.executeUpdate();
    }
}
