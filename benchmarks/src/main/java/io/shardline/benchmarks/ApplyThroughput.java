package io.shardline.benchmarks;

import io.shardline.driver.ShardlineDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Apply throughput of one replica: with the replica's applier paused, the primary takes
 * {@code rows} single-row inserts (in transactions of {@code perTx} rows); then the applier is
 * let go and timed until it has applied everything. Prints rows/s and entries/s, for H2 in memory
 * and for the local MariaDB (primary and replica as databases of the same server).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.shardline.benchmarks.ApplyThroughput [rows] [perTx] [h2|mariadb|both|mariadb-postgresql|postgresql-mariadb] [appliers] [insert|update|mixed] [applyThreads] [replicaLatencyMicros]</pre>
 * ({@code appliers} &gt; 1: that many runtimes on the topology apply at once, as application
 * instances would; {@code update}: the rows are inserted and applied first, and what is timed is
 * the apply of one update of every row, in random order; {@code mixed}: each
 * transaction inserts an event and updates one of 1,000 accounts, so consecutive changes alternate
 * between two statements; {@code applyThreads}: the
 * {@code replication.applyThreads} setting, default 1; {@code replicaLatencyMicros}: MariaDB only,
 * the replica is reached through a {@link LatencyProxy} that delays each direction by that much,
 * as a replica on another host would be)
 */
public final class ApplyThroughput {

    private ApplyThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        APPLIERS = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        int perTx = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        String which = args.length > 2 ? args[2] : "both";
        UPDATES = args.length > 4 && args[4].equals("update");
        MIXED = args.length > 4 && args[4].equals("mixed");
        APPLY_THREADS = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        long latency = args.length > 6 ? Long.parseLong(args[6]) : 0;
        System.out.println("| engine | rows | rows per transaction | apply seconds | rows/s | entries/s |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        if (which.equals("mariadb-postgresql") || which.equals("postgresql-mariadb")) {
            // a replica on another engine: DDL translated, every value converted to its column's kind
            boolean fromMaria = which.equals("mariadb-postgresql");
            String maria = Databases.freshMariaDb(fromMaria ? "apply_p" : "apply_r").get(0);
            String pg = Databases.freshPostgresql(fromMaria ? "apply_r" : "apply_p").get(0);
            measure(fromMaria ? "MariaDB primary, PostgreSQL replica" : "PostgreSQL primary, MariaDB replica",
                    yaml(fromMaria ? maria : pg, fromMaria ? pg : maria, null, null), rows, perTx);
            return;
        }
        if (!which.equals("mariadb")) {
            String p = "jdbc:h2:mem:apply_p;DB_CLOSE_DELAY=-1";
            String r = "jdbc:h2:mem:apply_r;DB_CLOSE_DELAY=-1";
            measure("H2 (in memory)", yaml(p, r, "sa", ""), rows, perTx);
        }
        if (!which.equals("h2")) {
            List<String> urls = Databases.freshMariaDb("apply_p", "apply_r");
            if (latency == 0) {
                measure("MariaDB (same server)", yaml(urls.get(0), urls.get(1), null, null), rows, perTx);
            } else {
                try (LatencyProxy proxy = new LatencyProxy(3306, latency)) {
                    String replica = urls.get(1).replace(":3306/", ":" + proxy.port() + "/");
                    measure("MariaDB (same server, replica " + latency + " us away each way)",
                            yaml(urls.get(0), replica, null, null), rows, perTx);
                }
            }
        }
    }

    private static Path yaml(String primary, String replica, String user, String password) throws Exception {
        StringBuilder y = new StringBuilder("dataSources:\n");
        String[][] nodes = {{"apply_p", primary}, {"apply_r", replica}};
        for (String[] n : nodes) {
            y.append("  ").append(n[0]).append(":\n    url: \"").append(n[1]).append("\"\n");
            if (user != null) y.append("    username: ").append(user).append("\n    password: \"").append(password).append("\"\n");
        }
        y.append("shards:\n  main:\n    primary: apply_p\n    replicas: [apply_r]\n");
        y.append("replication:\n  applyThreads: ").append(APPLY_THREADS).append('\n');
        Path f = Files.createTempFile("apply-throughput", ".yaml");
        Files.writeString(f, y.toString());
        return f;
    }

    /** Runtimes applying to the replica at once (the 4th argument; default 1). */
    private static int APPLIERS = 1;
    /** Time the apply of updates instead of inserts (the 5th argument). */
    private static boolean UPDATES;
    /** Each transaction an insert and an update of another table (the 5th argument). */
    private static boolean MIXED;
    /** {@code replication.applyThreads} (the 6th argument). */
    private static int APPLY_THREADS = 1;

    private static void measure(String engine, Path yaml, int rows, int perTx) throws Exception {
        try (ShardlineDataSource ds = ShardlineDataSource.fromYaml(yaml)) {
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE ev (id BIGINT PRIMARY KEY, account INT, amount DECIMAL(12,2), note VARCHAR(40))");
                st.execute("CREATE TABLE acct (id INT PRIMARY KEY, balance DECIMAL(14,2) NOT NULL, events INT NOT NULL)");
                StringBuilder accounts = new StringBuilder("INSERT INTO acct VALUES (0, 0, 0)");
                for (int a = 1; a < 1000; a++) accounts.append(", (").append(a).append(", 0, 0)");
                st.execute(accounts.toString());
            }
            if (!ds.awaitReplication(Duration.ofSeconds(30))) throw new IllegalStateException("replica not ready");
            if (!UPDATES) ds.pauseReplica("apply_r");
            try (Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO ev (id, account, amount, note) VALUES (?, ?, ?, ?)");
                 PreparedStatement acct = c.prepareStatement("UPDATE acct SET balance = balance + ?, events = events + 1 WHERE id = ?")) {
                c.setAutoCommit(perTx == 1 && !MIXED);
                for (int i = 0; i < rows; i++) {
                    ps.setLong(1, i);
                    ps.setInt(2, i % 1000);
                    ps.setBigDecimal(3, java.math.BigDecimal.valueOf(i, 2));
                    ps.setString(4, "event " + i);
                    ps.executeUpdate();
                    if (MIXED) {
                        acct.setBigDecimal(1, java.math.BigDecimal.valueOf(i, 2));
                        acct.setInt(2, (i * 7919) % 1000);
                        acct.executeUpdate();
                    }
                    if (MIXED ? i % perTx == perTx - 1 : perTx > 1 && i % perTx == perTx - 1) c.commit();
                }
                if (perTx > 1 || MIXED) c.commit();
            }
            if (MIXED) engine += ", mixed";
            if (UPDATES) {
                if (!ds.awaitReplication(Duration.ofMinutes(10))) throw new IllegalStateException("inserts not applied");
                ds.pauseReplica("apply_r");
                int[] order = new java.util.Random(42).ints(0, rows).distinct().limit(rows).toArray();
                try (Connection c = ds.getConnection();
                     PreparedStatement ps = c.prepareStatement("UPDATE ev SET amount = amount + 1, note = ? WHERE id = ?")) {
                    c.setAutoCommit(perTx == 1);
                    for (int i = 0; i < order.length; i++) {
                        ps.setString(1, "updated " + i);
                        ps.setLong(2, order[i]);
                        ps.executeUpdate();
                        if (perTx > 1 && i % perTx == perTx - 1) c.commit();
                    }
                    if (perTx > 1) c.commit();
                }
                engine += ", updates";
            }
            long t0 = System.nanoTime();
            // more application instances on the same topology: their appliers compete for the
            // replica (its watermark lock lets one apply at a time)
            List<ShardlineDataSource> others = new java.util.ArrayList<>();
            for (int i = 1; i < APPLIERS; i++) others.add(ShardlineDataSource.fromYaml(yaml));
            ds.unpauseReplica("apply_r");
            if (!ds.awaitReplication(Duration.ofMinutes(10))) throw new IllegalStateException("replica did not catch up");
            double s = (System.nanoTime() - t0) / 1e9;
            for (ShardlineDataSource o : others) o.close();
            if (APPLIERS > 1) engine += ", " + APPLIERS + " appliers";
            engine += ", applyThreads " + APPLY_THREADS;
            int entries = (rows + perTx - 1) / perTx;
            int changed = MIXED ? 2 * rows : rows;
            System.out.printf(Locale.ROOT, "| %s | %,d | %d | %.2f | %,.0f | %,.0f |%n", engine, changed, perTx, s, changed / s, entries / s);
        }
    }
}
