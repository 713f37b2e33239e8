package io.shardline.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.shardline.driver.NodeStatus;
import io.shardline.driver.ShardlineDataSource;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Shardline-only figures, one plain run (not JMH: these are one-shot timings of background work):
 *
 * <ol>
 *   <li><b>apply throughput per replica</b>: with both replicas paused, N single-row auto-commit
 *       inserts are committed (N log entries); the replicas are unpaused together and the time until
 *       each has applied the head is measured (both appliers run at once, on the same cores).</li>
 *   <li><b>lag under steady load</b>: one writer commits single-row inserts at a fixed rate; a
 *       poller reads every replica's applied position from {@code status()} about every 100 µs and
 *       notes when each position was first seen applied. Lag = that time minus the time the
 *       writer's commit returned.</li>
 *   <li><b>heap held by a runtime of 6 nodes</b> (1 primary + 5 replicas, pool minimumIdle 1): used
 *       heap after full GCs, before and after starting the runtime and running one read and one
 *       write through it; for comparison the same six HikariCP pools opened raw.</li>
 * </ol>
 *
 * Usage: {@code ShardlineFigures <output.json> [quick]}. Writes a flat JSON object.
 */
public final class ShardlineFigures {

    private ShardlineFigures() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "shardline-figures.json");
        boolean quick = args.length > 1 && args[1].equals("quick");
        Map<String, Object> r = new LinkedHashMap<>();
        // the heap figure first, before anything else has warmed caches in this JVM
        heap(r);
        applyThroughput(r, quick ? 2_000 : 20_000);
        lag(r, quick ? 2 : 15, 1_000);
        StringBuilder json = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, Object> e : r.entrySet()) {
            json.append("  \"").append(e.getKey()).append("\": ");
            Object v = e.getValue();
            if (v instanceof Number) json.append(v);
            else json.append('"').append(String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            json.append(++i < r.size() ? ",\n" : "\n");
        }
        json.append("}\n");
        Files.writeString(out, json.toString(), StandardCharsets.UTF_8);
        System.out.print(json);
        System.exit(0);
    }

    // ------------------------------------------------------------------ apply throughput

    private static void applyThroughput(Map<String, Object> r, int n) throws Exception {
        String p = "ap_p";
        List<String> reps = List.of("ap_a", "ap_b");
        Databases.createReadWrite(p, reps.get(0), reps.get(1));
        try (ShardlineDataSource ds = Databases.shardline(Databases.shardlineReadWriteYaml(p, reps, 4), "apply")) {
            warmUp(ds, 500, 1_000_000);
            if (!ds.awaitReplication(Duration.ofSeconds(60))) throw new IllegalStateException("warm-up did not replicate");
            for (String rep : reps) ds.pauseReplica(rep);
            long t0 = System.nanoTime();
            insertRows(ds, n, 1);
            double writeSeconds = (System.nanoTime() - t0) / 1e9;
            long head = head(ds);
            long[] startPos = applied(ds, reps);
            long start = System.nanoTime();
            for (String rep : reps) ds.unpauseReplica(rep);
            double[] seconds = new double[reps.size()];
            int done = 0;
            while (done < reps.size()) {
                if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(3)) throw new IllegalStateException("replicas did not catch up");
                long[] now = applied(ds, reps);
                long t = System.nanoTime();
                for (int i = 0; i < reps.size(); i++) {
                    if (seconds[i] == 0 && now[i] >= head) {
                        seconds[i] = (t - start) / 1e9;
                        done++;
                    }
                }
                LockSupport.parkNanos(100_000);
            }
            r.put("apply_entries", head - startPos[0]);
            r.put("apply_primary_commits_per_s", round(n / writeSeconds));
            for (int i = 0; i < reps.size(); i++) {
                r.put("apply_entries_per_s_" + reps.get(i), round((head - startPos[i]) / seconds[i]));
                r.put("apply_seconds_" + reps.get(i), round3(seconds[i]));
            }
            checkSameContent(p, reps);
        }
    }

    // ------------------------------------------------------------------ lag

    private static void lag(Map<String, Object> r, int seconds, int ratePerSecond) throws Exception {
        String p = "lg_p";
        List<String> reps = List.of("lg_a", "lg_b");
        Databases.createReadWrite(p, reps.get(0), reps.get(1));
        try (ShardlineDataSource ds = Databases.shardline(Databases.shardlineReadWriteYaml(p, reps, 4), "lag")) {
            warmUp(ds, 2_000, 1_000_000);
            if (!ds.awaitReplication(Duration.ofSeconds(60))) throw new IllegalStateException("warm-up did not replicate");
            long base = head(ds);
            int total = seconds * ratePerSecond;
            long[] commitNanos = new long[total + 1];
            long[][] appliedNanos = new long[reps.size()][total + 1];
            volatileStop = false;
            Thread poller = new Thread(() -> {
                long[] seen = new long[reps.size()];
                Arrays.fill(seen, base);
                while (!volatileStop) {
                    long[] now = applied(ds, reps);
                    long t = System.nanoTime();
                    for (int i = 0; i < now.length; i++) {
                        for (long pos = seen[i] + 1; pos <= Math.min(now[i], base + total); pos++) appliedNanos[i][(int) (pos - base)] = t;
                        seen[i] = Math.max(seen[i], now[i]);
                    }
                    LockSupport.parkNanos(100_000);
                }
            }, "lag-poller");
            poller.setDaemon(true);
            poller.start();
            long interval = 1_000_000_000L / ratePerSecond;
            long start = System.nanoTime();
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(Databases.INSERT)) {
                for (int i = 1; i <= total; i++) {
                    long due = start + (i - 1) * interval;
                    long wait = due - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                    bindInsert(ps, 2_000_000L + i);
                    ps.executeUpdate();
                    commitNanos[i] = System.nanoTime();
                }
            }
            double achieved = total / ((System.nanoTime() - start) / 1e9);
            if (!ds.awaitReplication(Duration.ofSeconds(60))) throw new IllegalStateException("replicas did not catch up");
            LockSupport.parkNanos(2_000_000);
            volatileStop = true;
            poller.join();
            long head = head(ds);
            if (head != base + total) {
                r.put("lag_note", "log head moved by " + (head - base) + " for " + total + " commits: lag not computed");
                return;
            }
            r.put("lag_target_commits_per_s", ratePerSecond);
            r.put("lag_achieved_commits_per_s", round(achieved));
            r.put("lag_commits", total);
            for (int i = 0; i < reps.size(); i++) {
                double[] lagMs = new double[total];
                for (int k = 1; k <= total; k++) lagMs[k - 1] = Math.max(0, appliedNanos[i][k] - commitNanos[k]) / 1e6;
                Arrays.sort(lagMs);
                r.put("lag_p50_ms_" + reps.get(i), round3(lagMs[(int) (0.50 * (total - 1))]));
                r.put("lag_p99_ms_" + reps.get(i), round3(lagMs[(int) (0.99 * (total - 1))]));
                r.put("lag_max_ms_" + reps.get(i), round3(lagMs[total - 1]));
            }
            checkSameContent(p, reps);
        }
    }

    private static volatile boolean volatileStop;

    // ------------------------------------------------------------------ heap

    private static void heap(Map<String, Object> r) throws Exception {
        List<String> nodes = List.of("hp_p", "hp_r1", "hp_r2", "hp_r3", "hp_r4", "hp_r5");
        List<String> rawNodes = List.of("hr_p", "hr_r1", "hr_r2", "hr_r3", "hr_r4", "hr_r5");
        List<Connection> keepAlive = new ArrayList<>();
        for (String db : nodes) {
            Databases.exec(db, "CREATE TABLE events (id BIGINT PRIMARY KEY, account_id BIGINT NOT NULL,"
                    + " amount DECIMAL(12,2) NOT NULL, note VARCHAR(64))",
                    "CREATE TABLE accounts (id BIGINT PRIMARY KEY, name VARCHAR(64) NOT NULL, balance DECIMAL(12,2) NOT NULL)");
            keepAlive.add(DriverManager.getConnection(Databases.h2Url(db), "sa", ""));
        }
        for (String db : rawNodes) {
            Databases.exec(db, "CREATE TABLE accounts (id BIGINT PRIMARY KEY, name VARCHAR(64) NOT NULL, balance DECIMAL(12,2) NOT NULL)");
            keepAlive.add(DriverManager.getConnection(Databases.h2Url(db), "sa", ""));
        }
        // raw pools first: the same six pools, one read each
        long before = usedHeap();
        List<HikariDataSource> pools = new ArrayList<>();
        for (String db : rawNodes) {
            HikariDataSource pool = Databases.pool(db, 4);
            try (Connection c = pool.getConnection(); ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM accounts")) {
                rs.next();
            }
            pools.add(pool);
        }
        long rawHeld = usedHeap() - before;

        before = usedHeap();
        ShardlineDataSource ds = Databases.shardline(Databases.shardlineReadWriteYaml(nodes.get(0), nodes.subList(1, 6), 4), "heap");
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(Databases.INSERT)) {
                bindInsert(ps, 1);
                ps.executeUpdate();
            }
            ds.awaitReplication(Duration.ofSeconds(30));
            try (PreparedStatement ps = c.prepareStatement(Databases.POINT_SELECT)) {
                ps.setLong(1, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) rs.getString(2);
                }
            }
        }
        long shardlineHeld = usedHeap() - before;
        r.put("heap_nodes", nodes.size());
        r.put("heap_runtime_kib", shardlineHeld / 1024);
        r.put("heap_raw_pools_kib", rawHeld / 1024);
        r.put("heap_runtime_minus_raw_kib", (shardlineHeld - rawHeld) / 1024);
        r.put("heap_note", "used heap after System.gc() (MemoryMXBean), first runtime in the JVM: includes one-time "
                + "static state (e.g. SQL analysis caches, parser tables) and the H2 sessions of its pool connections");
        ds.close();
        for (HikariDataSource pool : pools) pool.close();
        for (Connection c : keepAlive) c.close();
    }

    private static long usedHeap() {
        MemoryMXBean m = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            LockSupport.parkNanos(50_000_000);
            best = Math.min(best, m.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    // ------------------------------------------------------------------ helpers

    private static void warmUp(ShardlineDataSource ds, int n, long firstId) throws Exception {
        insertRows(ds, n, firstId);
    }

    private static void insertRows(ShardlineDataSource ds, int n, long firstId) throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(Databases.INSERT)) {
            for (int i = 0; i < n; i++) {
                bindInsert(ps, firstId + i);
                ps.executeUpdate();
            }
        }
    }

    private static void bindInsert(PreparedStatement ps, long id) throws java.sql.SQLException {
        ps.setLong(1, id);
        ps.setLong(2, 1 + id % Databases.ACCOUNTS);
        ps.setBigDecimal(3, BigDecimal.valueOf(id % 100_000, 2));
        ps.setString(4, "figures");
    }

    private static long head(ShardlineDataSource ds) {
        for (NodeStatus s : ds.status()) if (s.role().equals("primary")) return s.position();
        throw new IllegalStateException("no primary in status()");
    }

    private static long[] applied(ShardlineDataSource ds, List<String> replicas) {
        long[] out = new long[replicas.size()];
        for (NodeStatus s : ds.status()) {
            int i = replicas.indexOf(s.node());
            if (i >= 0) out[i] = s.position();
        }
        return out;
    }

    /** The replicas hold exactly the primary's events: the figures are of a replication that worked. */
    private static void checkSameContent(String primary, List<String> replicas) throws Exception {
        String q = "SELECT COUNT(*), COALESCE(SUM(id), 0), COALESCE(SUM(amount), 0) FROM events";
        String want = fingerprint(primary, q);
        for (String rep : replicas) {
            String got = fingerprint(rep, q);
            if (!got.equals(want)) throw new IllegalStateException(rep + " differs from " + primary + ": " + got + " vs " + want);
        }
    }

    private static String fingerprint(String db, String q) throws Exception {
        try (Connection c = DriverManager.getConnection(Databases.h2Url(db), "sa", "");
             ResultSet rs = c.createStatement().executeQuery(q)) {
            rs.next();
            return rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getString(3);
        }
    }

    private static double round(double v) {
        return Math.round(v);
    }

    private static double round3(double v) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.3f", v));
    }
}
