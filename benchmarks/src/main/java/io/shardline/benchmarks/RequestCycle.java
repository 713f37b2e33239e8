package io.shardline.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.shardline.driver.ShardlineDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests as a web application makes them: borrow a connection from the application's own
 * HikariCP pool (10, Spring Boot's default) over Shardline, run one auto-commit insert and one
 * point read through freshly prepared statements, close them, give the connection back. Reports
 * requests per second over {@code seconds} after a warm-up, for H2 in memory or the local MariaDB.
 * <pre>java -cp benchmarks/target/benchmarks.jar io.shardline.benchmarks.RequestCycle [h2|mariadb] [threads] [seconds]</pre>
 */
public final class RequestCycle {

    private RequestCycle() {
    }

    public static void main(String[] args) throws Exception {
        boolean mariadb = args.length > 0 && args[0].equals("mariadb");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Path yaml = Databases.primaryReplica(mariadb, "rc").yaml();
        try (ShardlineDataSource ds = ShardlineDataSource.fromYaml(yaml)) {
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE req (id BIGINT PRIMARY KEY, note VARCHAR(40))");
            }
            HikariConfig cfg = new HikariConfig();
            cfg.setDataSource(ds);
            cfg.setMaximumPoolSize(10);
            try (HikariDataSource app = new HikariDataSource(cfg)) {
                AtomicLong ids = new AtomicLong();
                run(app, ids, threads, 3); // warm-up
                long n = run(app, ids, threads, seconds);
                System.out.printf("%s, %d threads, application pool 10 over Shardline: %,.0f requests/s (%d s)%n",
                        mariadb ? "MariaDB" : "H2", threads, n / (double) seconds, seconds);
            }
        }
    }

    private static long run(HikariDataSource app, AtomicLong ids, int threads, int seconds) throws Exception {
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        long id = ids.incrementAndGet();
                        try (Connection c = app.getConnection()) {
                            try (PreparedStatement ps = c.prepareStatement("INSERT INTO req (id, note) VALUES (?, ?)")) {
                                ps.setLong(1, id);
                                ps.setString(2, "request " + id);
                                ps.executeUpdate();
                            }
                            try (PreparedStatement ps = c.prepareStatement("SELECT note FROM req WHERE id = ?")) {
                                ps.setLong(1, id);
                                try (ResultSet rs = ps.executeQuery()) {
                                    rs.next();
                                }
                            }
                        }
                        done.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) t.join();
        return done.get();
    }
}
