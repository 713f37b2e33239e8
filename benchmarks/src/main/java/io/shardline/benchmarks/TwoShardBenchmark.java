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
 * Two shards, one primary each ({@code sh_0}, {@code sh_1}); {@code orders} is spread by
 * {@code floorMod(customer_id, 2)}.
 *
 * <ul>
 *   <li>{@code shardKeySelect}: cached prepared {@code WHERE customer_id = ?} (two rows). Raw sends
 *       it to the shard the key maps to.</li>
 *   <li>{@code crossShardTopN}: cached prepared {@code WHERE id > ? ORDER BY id LIMIT 10}. Raw
 *       sends it to both shards and merges the two sorted lists in this code.</li>
 * </ul>
 *
 * The default contenders are raw and ShardingSphere: Shardline does not route over several
 * shards yet (issue 4). {@code run.sh} adds {@code -p contender=...,shardline} only when
 * {@link ShardingProbe} finds that Shardline answers these queries correctly; until then the
 * report says "not yet supported". Every contender is checked against raw before it is timed.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class TwoShardBenchmark {

    static final List<String> SHARDS = List.of("sh_0", "sh_1");
    static final int POOL = 4;
    static final long MAX_ID = (long) Databases.CUSTOMERS * Databases.ORDERS_PER_CUSTOMER;

    @Param({"raw", "shardingsphere"})
    public String contender;

    HikariDataSource[] rawShards;
    DataSource middleware;

    @Setup(Level.Trial)
    public void start() throws Exception {
        Databases.createSharded(SHARDS.toArray(new String[0]));
        switch (contender) {
            case "raw" -> rawShards = new HikariDataSource[] {Databases.pool(SHARDS.get(0), POOL), Databases.pool(SHARDS.get(1), POOL)};
            case "shardline" -> middleware = Databases.shardline(Databases.shardlineShardedYaml(SHARDS, POOL), "sharded");
            case "shardingsphere" -> middleware = Databases.shardingSphereSharded(SHARDS, POOL);
            default -> throw new IllegalArgumentException("unknown contender " + contender);
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        if (rawShards != null) for (HikariDataSource r : rawShards) Databases.closeQuietly(r);
        if (middleware instanceof AutoCloseable c) Databases.closeQuietly(c);
    }

    /** One benchmark thread's connection(s) and cached prepared statements. */
    @State(Scope.Thread)
    public static class Session {
        Connection connection;
        PreparedStatement byKey;
        PreparedStatement topN;
        // raw only: per shard
        Connection[] shardConnections;
        PreparedStatement[] shardByKey;
        PreparedStatement[] shardTopN;
        final long[] mergeIds = new long[10];
        final long[] mergeCustomers = new long[10];
        final BigDecimal[] mergeAmounts = new BigDecimal[10];
        SplittableRandom random;

        @Setup(Level.Trial)
        public void open(TwoShardBenchmark b) throws SQLException {
            random = new SplittableRandom(Thread.currentThread().getId() * 104729L);
            if (b.middleware != null) {
                connection = b.middleware.getConnection();
                byKey = connection.prepareStatement(Databases.SHARD_KEY_SELECT);
                topN = connection.prepareStatement(Databases.TOP_N);
            } else {
                int n = b.rawShards.length;
                shardConnections = new Connection[n];
                shardByKey = new PreparedStatement[n];
                shardTopN = new PreparedStatement[n];
                for (int i = 0; i < n; i++) {
                    shardConnections[i] = b.rawShards[i].getConnection();
                    shardByKey[i] = shardConnections[i].prepareStatement(Databases.SHARD_KEY_SELECT);
                    shardTopN[i] = shardConnections[i].prepareStatement(Databases.TOP_N);
                }
            }
            verify(b.contender);
        }

        /** The contender must give the known answers before it is timed. */
        private void verify(String contender) throws SQLException {
            for (long customer : new long[] {1, 2, 777, 4000}) {
                StringBuilder got = new StringBuilder();
                PreparedStatement ps = shardByKey == null ? byKey : shardByKey[(int) Math.floorMod(customer, (long) shardByKey.length)];
                ps.setLong(1, customer);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) got.append(rs.getLong(1)).append(',');
                }
                String want = expectedIds(customer * Databases.ORDERS_PER_CUSTOMER - 1, Databases.ORDERS_PER_CUSTOMER);
                if (!sortedCsv(got.toString()).equals(want)) {
                    throw new IllegalStateException(contender + ": customer " + customer + " gave " + got + ", expected " + want);
                }
            }
            for (long from : new long[] {0, 1, 2, 3, 4567, MAX_ID - 5}) {
                StringBuilder got = new StringBuilder();
                if (shardTopN == null) {
                    topN.setLong(1, from);
                    try (ResultSet rs = topN.executeQuery()) {
                        while (rs.next()) got.append(rs.getLong(1)).append(',');
                    }
                } else {
                    int n = mergeRaw(from);
                    for (int i = 0; i < n; i++) got.append(mergeIds[i]).append(',');
                }
                // ids are customer * 2 + k for customers 1..CUSTOMERS: 2 .. MAX_ID + 1
                long first = Math.max(from + 1, Databases.ORDERS_PER_CUSTOMER);
                long last = Math.min(first + 9, MAX_ID + Databases.ORDERS_PER_CUSTOMER - 1);
                String want = expectedIds(first - 1, (int) (last - first + 1));
                if (!got.toString().equals(want)) {
                    throw new IllegalStateException(contender + ": ORDER BY id LIMIT 10 from " + from + " gave " + got + ", expected " + want);
                }
            }
        }

        private static String expectedIds(long after, int count) {
            StringBuilder s = new StringBuilder();
            for (int i = 1; i <= count; i++) s.append(after + i).append(',');
            return s.toString();
        }

        private static String sortedCsv(String csv) {
            return java.util.Arrays.stream(csv.split(",")).filter(x -> !x.isEmpty()).mapToLong(Long::parseLong).sorted()
                    .collect(StringBuilder::new, (sb, v) -> sb.append(v).append(','), StringBuilder::append).toString();
        }

        /**
         * Raw cross-shard top 10: the per-shard query on each shard, then a merge of the two
         * id-ordered lists into {@code merge*}. Returns the row count.
         */
        int mergeRaw(long from) throws SQLException {
            // both shards: read up to 10 rows each, merge by id
            long[][] ids = new long[shardTopN.length][10];
            long[][] customers = new long[shardTopN.length][10];
            BigDecimal[][] amounts = new BigDecimal[shardTopN.length][10];
            int[] counts = new int[shardTopN.length];
            for (int s = 0; s < shardTopN.length; s++) {
                PreparedStatement ps = shardTopN[s];
                ps.setLong(1, from);
                try (ResultSet rs = ps.executeQuery()) {
                    int n = 0;
                    while (rs.next() && n < 10) {
                        ids[s][n] = rs.getLong(1);
                        customers[s][n] = rs.getLong(2);
                        amounts[s][n] = rs.getBigDecimal(3);
                        n++;
                    }
                    counts[s] = n;
                }
            }
            int[] pos = new int[shardTopN.length];
            int out = 0;
            while (out < 10) {
                int best = -1;
                for (int s = 0; s < pos.length; s++) {
                    if (pos[s] < counts[s] && (best < 0 || ids[s][pos[s]] < ids[best][pos[best]])) best = s;
                }
                if (best < 0) break;
                mergeIds[out] = ids[best][pos[best]];
                mergeCustomers[out] = customers[best][pos[best]];
                mergeAmounts[out] = amounts[best][pos[best]];
                pos[best]++;
                out++;
            }
            return out;
        }

        @TearDown(Level.Trial)
        public void close() {
            Databases.closeQuietly(byKey);
            Databases.closeQuietly(topN);
            Databases.closeQuietly(connection);
            if (shardConnections != null) {
                for (PreparedStatement ps : shardByKey) Databases.closeQuietly(ps);
                for (PreparedStatement ps : shardTopN) Databases.closeQuietly(ps);
                for (Connection c : shardConnections) Databases.closeQuietly(c);
            }
        }
    }

    @Benchmark
    public void shardKeySelect(Session s, Blackhole bh) throws SQLException {
        long customer = 1 + s.random.nextInt(Databases.CUSTOMERS);
        PreparedStatement ps = s.shardByKey == null ? s.byKey : s.shardByKey[(int) Math.floorMod(customer, (long) s.shardByKey.length)];
        ps.setLong(1, customer);
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                bh.consume(rs.getLong(1));
                bh.consume(rs.getLong(2));
                bh.consume(rs.getBigDecimal(3));
            }
        }
    }

    @Benchmark
    public void crossShardTopN(Session s, Blackhole bh) throws SQLException {
        long from = s.random.nextLong(MAX_ID);
        if (s.shardTopN != null) {
            int n = s.mergeRaw(from);
            for (int i = 0; i < n; i++) {
                bh.consume(s.mergeIds[i]);
                bh.consume(s.mergeCustomers[i]);
                bh.consume(s.mergeAmounts[i]);
            }
            return;
        }
        s.topN.setLong(1, from);
        try (ResultSet rs = s.topN.executeQuery()) {
            while (rs.next()) {
                bh.consume(rs.getLong(1));
                bh.consume(rs.getLong(2));
                bh.consume(rs.getBigDecimal(3));
            }
        }
    }
}
