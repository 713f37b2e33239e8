package io.shardline.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.shardline.driver.ShardlineDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Write scaling on the local MariaDB: auto-commit single-row inserts from 1, 4, 16 and 64 threads,
 * raw JDBC (a HikariCP pool on the primary database) against Shardline (1 primary + 2 replicas as
 * databases of the same server, so Shardline's side does three times the work), rounds alternated.
 * Prints commits/s and the p99 commit latency per thread count.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.shardline.benchmarks.WriteScaling [seconds per round] [rounds] [applyInterval] [threads,...]</pre>
 * {@code applyInterval} (default {@code 0s}: continuous apply) is the topology's
 * {@code replication.applyInterval}: the replicas apply in batches that far apart.
 */
public final class WriteScaling {

    private static final String SERVER = "jdbc:mysql://127.0.0.1:3306/";
    private static final String PARAMS = "?user=root&password=&useSSL=false&allowPublicKeyRetrieval=true";
    private static final int[] DEFAULT_THREADS = {1, 4, 16, 64};

    private WriteScaling() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String applyInterval = args.length > 2 ? args[2] : "0s";
        int[] threadCounts = args.length > 3 ? Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray()
                : DEFAULT_THREADS;
        for (String db : List.of("ws_raw", "ws_p", "ws_r1", "ws_r2", "shardline_ws_p", "shardline_ws_r1", "shardline_ws_r2")) {
            try (Connection c = DriverManager.getConnection(SERVER + PARAMS); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + db);
                if (!db.startsWith("shardline_")) st.execute("CREATE DATABASE " + db);
            }
        }
        String table = "CREATE TABLE ev (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, thread INT, n BIGINT, note VARCHAR(40))";
        try (Connection c = DriverManager.getConnection(SERVER + "ws_raw" + PARAMS); Statement st = c.createStatement()) {
            st.execute(table);
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(SERVER + "ws_raw" + PARAMS);
        hc.setMaximumPoolSize(64);
        hc.setMinimumIdle(1);
        Path yaml = Files.createTempFile("write-scaling", ".yaml");
        StringBuilder y = new StringBuilder("dataSources:\n");
        // the server allows 151 connections: 64 raw + 64 on Shardline's primary + small replica pools
        for (String n : List.of("ws_p", "ws_r1", "ws_r2")) {
            y.append("  ").append(n).append(":\n    url: ").append(SERVER).append(n).append(PARAMS)
                    .append("\n    pool:\n      maximumPoolSize: ").append(n.equals("ws_p") ? 64 : 2).append('\n');
        }
        y.append("shards:\n  main:\n    primary: ws_p\n    replicas: [ws_r1, ws_r2]\n");
        y.append("replication:\n  applyInterval: ").append(applyInterval).append('\n');
        Files.writeString(yaml, y.toString());
        try (HikariDataSource raw = new HikariDataSource(hc); ShardlineDataSource sl = ShardlineDataSource.fromYaml(yaml)) {
            try (Connection c = sl.getConnection(); Statement st = c.createStatement()) {
                st.execute(table);
            }
            System.out.printf(Locale.ROOT, "# MariaDB write scaling: %d s per round, %d rounds, rounds alternated, applyInterval %s%n",
                    seconds, rounds, applyInterval);
            System.out.println("| threads | raw commits/s | Shardline commits/s | ratio | raw p99 ms | Shardline p99 ms"
                    + " | Shardline, apply paused | ratio |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (int threads : threadCounts) {
                double rawRate = 0;
                double slRate = 0;
                double pausedRate = 0;
                List<Long> rawLat = new ArrayList<>();
                List<Long> slLat = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    rawRate += run(raw, threads, seconds, rawLat);
                    slRate += run(sl, threads, seconds, slLat);
                    // the writer's own cost: the replicas' apply (on the same server) deferred
                    sl.pauseReplica("ws_r1");
                    sl.pauseReplica("ws_r2");
                    pausedRate += run(sl, threads, seconds, new ArrayList<>());
                    sl.unpauseReplica("ws_r1");
                    sl.unpauseReplica("ws_r2");
                    sl.awaitReplication(Duration.ofMinutes(2));
                }
                pausedRate /= rounds;
                rawRate /= rounds;
                slRate /= rounds;
                System.out.printf(Locale.ROOT, "| %d | %,.0f | %,.0f | %.2fx | %.2f | %.2f | %,.0f | %.2fx |%n", threads, rawRate,
                        slRate, slRate / rawRate, p99(rawLat), p99(slLat), pausedRate, pausedRate / rawRate);
            }
            boolean caughtUp = sl.awaitReplication(Duration.ofMinutes(5));
            System.out.println("# replicas caught up afterwards: " + caughtUp);
        }
    }

    /** Commits per second of {@code threads} writers over {@code seconds}; latencies (ns) go into {@code lat}. */
    private static double run(DataSource ds, int threads, int seconds, List<Long> lat) throws Exception {
        AtomicLong commits = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        long[][] samples = new long[threads][];
        List<Thread> ts = new ArrayList<>();
        long[] window = new long[2];
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                long[] mine = new long[1 << 16];
                int k = 0;
                try (Connection c = ds.getConnection();
                     PreparedStatement ps = c.prepareStatement("INSERT INTO ev (thread, n, note) VALUES (?, ?, ?)")) {
                    ready.countDown();
                    go.await();
                    long end = window[1];
                    for (long n = 0; System.nanoTime() < end; n++) {
                        long t0 = System.nanoTime();
                        ps.setInt(1, id);
                        ps.setLong(2, n);
                        ps.setString(3, "note");
                        ps.executeUpdate();
                        long d = System.nanoTime() - t0;
                        if (k < mine.length) mine[k++] = d;
                        commits.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                samples[id] = Arrays.copyOf(mine, k);
            });
            ts.add(th);
            th.start();
        }
        ready.await();
        long start = System.nanoTime();
        window[1] = start + Duration.ofSeconds(seconds).toNanos();
        go.countDown();
        for (Thread th : ts) th.join();
        double elapsed = (System.nanoTime() - start) / 1e9;
        for (long[] s : samples) if (s != null) for (long v : s) lat.add(v);
        return commits.get() / elapsed;
    }

    private static double p99(List<Long> lat) {
        if (lat.isEmpty()) return 0;
        long[] a = lat.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a[(int) Math.min(a.length - 1, Math.floor(a.length * 0.99))] / 1e6;
    }
}
