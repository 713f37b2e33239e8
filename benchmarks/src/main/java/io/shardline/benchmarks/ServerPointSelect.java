package io.shardline.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.shardline.driver.ShardlineDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Point selects by primary key on a database server (the local MariaDB or PostgreSQL): raw JDBC
 * (a HikariCP pool on one replica database) against Shardline (1 primary + 2 replicas as databases
 * of the same server, reads balanced over the replicas), each thread holding one connection and
 * one prepared statement for the round; rounds alternated. The JMH point select
 * (PrimaryReplicaBenchmark) measures the same on in-memory H2, where the driver's own cost is not
 * hidden behind a network round trip.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.shardline.benchmarks.ServerPointSelect [mariadb|postgresql] [threads,...] [seconds] [rounds]</pre>
 */
public final class ServerPointSelect {

    private static final int ROWS = 10_000;

    private ServerPointSelect() {
    }

    public static void main(String[] args) throws Exception {
        boolean pg = args.length > 0 && args[0].equals("postgresql");
        int[] threadCounts = args.length > 1 ? java.util.Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 4};
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        List<String> names = List.of("ps_p", "ps_r1", "ps_r2");
        List<String> urls = pg ? Databases.freshPostgresql(names.toArray(String[]::new)) : Databases.freshMariaDb(names.toArray(String[]::new));
        StringBuilder y = new StringBuilder("dataSources:\n");
        for (int i = 0; i < names.size(); i++) y.append("  ").append(names.get(i)).append(": { url: \"").append(urls.get(i)).append("\" }\n");
        y.append("shards:\n  main: { primary: ps_p, replicas: [ps_r1, ps_r2] }\n");
        Path yaml = Files.createTempFile("server-point-select", ".yaml");
        Files.writeString(yaml, y.toString());
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(urls.get(1));
        hc.setMaximumPoolSize(Math.max(10, java.util.Arrays.stream(threadCounts).max().orElse(4)));
        try (ShardlineDataSource sl = ShardlineDataSource.fromYaml(yaml); HikariDataSource raw = new HikariDataSource(hc)) {
            try (Connection c = sl.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE accounts (id BIGINT PRIMARY KEY, name VARCHAR(40), balance DECIMAL(12,2))");
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts VALUES (?, ?, ?)")) {
                    for (int i = 0; i < ROWS; i++) {
                        ps.setLong(1, i);
                        ps.setString(2, "account " + i);
                        ps.setBigDecimal(3, java.math.BigDecimal.valueOf(i, 2));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                c.commit();
            }
            if (!sl.awaitReplication(Duration.ofMinutes(2))) throw new IllegalStateException("replicas did not catch up");
            System.out.printf(Locale.ROOT, "# %s point select by key: %d s per round, %d rounds, alternated%n",
                    pg ? "PostgreSQL" : "MariaDB", seconds, rounds);
            System.out.println("| threads | raw selects/s | Shardline selects/s | ratio |");
            System.out.println("|---:|---:|---:|---:|");
            for (int threads : threadCounts) {
                run(raw, threads, 2);
                run(sl, threads, 2); // warm-up of both
                double r = 0;
                double s = 0;
                for (int k = 0; k < rounds; k++) {
                    r += run(raw, threads, seconds);
                    s += run(sl, threads, seconds);
                }
                System.out.printf(Locale.ROOT, "| %d | %,.0f | %,.0f | %.3fx |%n", threads, r / rounds, s / rounds, s / r);
            }
        }
    }

    /** Selects per second of {@code threads} readers over {@code seconds}. */
    private static double run(DataSource ds, int threads, int seconds) throws Exception {
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                try (Connection c = ds.getConnection();
                     PreparedStatement ps = c.prepareStatement("SELECT id, name, balance FROM accounts WHERE id = ?")) {
                    long n = 0;
                    while (System.nanoTime() < end) {
                        ps.setLong(1, ThreadLocalRandom.current().nextInt(ROWS));
                        try (ResultSet rs = ps.executeQuery()) {
                            if (!rs.next()) throw new IllegalStateException("row missing");
                        }
                        n++;
                    }
                    done.addAndGet(n);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) t.join();
        return done.get() / (double) seconds;
    }
}
