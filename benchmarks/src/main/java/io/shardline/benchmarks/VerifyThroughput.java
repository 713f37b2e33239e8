package io.shardline.benchmarks;

import io.shardline.replication.Verification;
import io.shardline.driver.ShardlineDataSource;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Measures {@code verify} on a 1,000,000-row table, primary and one replica: in-memory H2, or the local MariaDB. Run by
 * {@code benchmarks/run.sh}, or alone:
 * {@code java -cp benchmarks/target/benchmarks.jar io.shardline.benchmarks.VerifyThroughput [rows] [chunkSize] [h2|mariadb]}
 * (mariadb: databases verify_p and verify_r on the local server at 127.0.0.1:3306, root without password).
 */
public final class VerifyThroughput {

    private VerifyThroughput() {
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int chunk = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        boolean mariadb = args.length > 2 && args[2].equals("mariadb");
        Databases.PrimaryReplica nodes = Databases.primaryReplica(mariadb, "verify");
        String primaryUrl = nodes.primaryUrl();
        String replicaUrl = nodes.replicaUrl();
        Path yaml = nodes.yaml();
        try (ShardlineDataSource ds = ShardlineDataSource.fromYaml(yaml)) {
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE item (id BIGINT PRIMARY KEY, name VARCHAR(40) NOT NULL, amount DECIMAL(12,2),"
                        + " created TIMESTAMP NOT NULL, note VARCHAR(100))");
            }
            ds.awaitReplication(java.time.Duration.ofSeconds(30));
            long l0 = System.nanoTime();
            // identical data loaded directly on both nodes (replicating a million single inserts is not what is measured)
            for (String u : new String[] {primaryUrl, replicaUrl}) {
                Connection c = mariadb ? DriverManager.getConnection(u) : DriverManager.getConnection(u, "sa", "");
                try (c; Statement st = c.createStatement()) {
                    st.execute(mariadb
                            ? "INSERT INTO item SELECT seq, CONCAT('name-', seq), seq / 100.0, TIMESTAMP '2025-01-01 00:00:00'"
                                + " + INTERVAL seq SECOND, CASE WHEN MOD(seq, 7) = 0 THEN NULL ELSE CONCAT('note ', seq) END"
                                + " FROM seq_1_to_" + rows
                            : "INSERT INTO item SELECT X, 'name-' || X, X / 100.0, TIMESTAMP '2025-01-01 00:00:00'"
                                + " + X * INTERVAL '1' SECOND, CASE WHEN MOD(X, 7) = 0 THEN NULL ELSE 'note ' || X END"
                                + " FROM SYSTEM_RANGE(1, " + rows + ")");
                }
            }
            System.out.printf("loaded %,d rows on primary and replica in %d ms%n", rows, (System.nanoTime() - l0) / 1_000_000);
            Verification.Options o = Verification.Options.defaults().withChunkSize(chunk);
            for (int run = 1; run <= 2; run++) {
                long t0 = System.nanoTime();
                long cpu0 = cpuNanos();
                Verification.Report r = ds.verify(o, null);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.printf("verify run %d: %,d rows, chunk %,d: %d ms wall (%,.0f rows/s), %d ms process CPU,"
                        + " consistent=%s%n", run, rows, chunk, ms, rows * 1000.0 / Math.max(1, ms),
                        (cpuNanos() - cpu0) / 1_000_000, r.consistent());
            }
            try (Connection c = mariadb ? DriverManager.getConnection(replicaUrl) : DriverManager.getConnection(replicaUrl, "sa", "");
                 Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE item SET note = 'corrupted' WHERE id = " + (rows / 2));
            }
            long t0 = System.nanoTime();
            Verification.Report r = ds.verify(o, null);
            System.out.printf("verify with one corrupted row: %d ms, differs=%s%n%s", (System.nanoTime() - t0) / 1_000_000,
                    r.differs(), r.format());
        }
        System.out.println("load average at the end: " + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.println("cores: " + Runtime.getRuntime().availableProcessors() + ", java " + System.getProperty("java.version"));
    }
}
