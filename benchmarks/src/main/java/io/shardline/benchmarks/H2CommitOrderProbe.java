package io.shardline.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Does plain H2 (no Shardline, no trigger) end in the state its committed transactions describe
 * when they are replayed in the order of a key each took as its last act before commit? That is
 * the order Shardline's log replays (docs/architecture.md "Commit order"); on a database that
 * holds write locks to commit, the replay must give the primary's final state exactly.
 *
 * <p>Six writers run random transactions of {@code INSERT} (random key), {@code UPDATE ... WHERE
 * k >= ?} and {@code DELETE ... WHERE k BETWEEN ? AND ?} on one table; the rows each DELETE
 * removed come from {@code OLD TABLE (DELETE ...)}, H2's own account. After each round the
 * replayed set of keys is compared with the table's. Measured on H2 2.4.240 (docs/guarantees.md,
 * "Engines"): at READ COMMITTED some rounds end with a key present in the replay that H2 no
 * longer has — no committed DELETE reported removing it; at REPEATABLE READ and SERIALIZABLE,
 * and with one writer, every round agrees.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.shardline.benchmarks.H2CommitOrderProbe [rounds] [isolation] [writers]
 * </pre>
 * isolation: {@code read-committed} (default), {@code repeatable-read}, {@code serializable}.
 * Exit status 1 if any round disagreed.
 */
public final class H2CommitOrderProbe {

    private record Committed(long order, List<Integer> deleted, List<Integer> inserted) {
    }

    private H2CommitOrderProbe() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 80;
        String iso = args.length > 1 ? args[1] : "read-committed";
        int writers = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        int isolation = switch (iso) {
            case "read-committed" -> Connection.TRANSACTION_READ_COMMITTED;
            case "repeatable-read" -> Connection.TRANSACTION_REPEATABLE_READ;
            case "serializable" -> Connection.TRANSACTION_SERIALIZABLE;
            default -> throw new IllegalArgumentException("isolation: read-committed, repeatable-read or serializable");
        };
        int disagreed = 0;
        for (int round = 0; round < rounds; round++) {
            String url = "jdbc:h2:mem:probe" + round + ";DB_CLOSE_DELAY=-1";
            try (Connection keep = DriverManager.getConnection(url, "sa", ""); Statement st = keep.createStatement()) {
                st.execute("CREATE TABLE acc (id INT PRIMARY KEY, k INT NOT NULL, x INT NOT NULL)");
                st.execute("CREATE SEQUENCE commit_order");
                for (int i = 1; i <= 100; i++) st.executeUpdate("INSERT INTO acc VALUES (" + i + ", " + (i % 50) + ", 0)");
                List<Committed> committed = Collections.synchronizedList(new ArrayList<>());
                ExecutorService pool = Executors.newFixedThreadPool(writers);
                List<Future<?>> running = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    SplittableRandom random = new SplittableRandom(round * 100L + w);
                    running.add(pool.submit(() -> {
                        writer(url, isolation, random, committed);
                        return null;
                    }));
                }
                for (Future<?> f : running) f.get();
                pool.shutdown();
                TreeSet<Integer> replayed = new TreeSet<>();
                for (int i = 1; i <= 100; i++) replayed.add(i);
                List<Committed> ordered = new ArrayList<>(committed);
                ordered.sort(Comparator.comparingLong(Committed::order));
                for (Committed c : ordered) {
                    replayed.removeAll(c.deleted());
                    replayed.addAll(c.inserted());
                }
                TreeSet<Integer> actual = new TreeSet<>();
                try (ResultSet rs = st.executeQuery("SELECT id FROM acc")) {
                    while (rs.next()) actual.add(rs.getInt(1));
                }
                if (!actual.equals(replayed)) {
                    disagreed++;
                    TreeSet<Integer> missing = new TreeSet<>(replayed);
                    missing.removeAll(actual);
                    TreeSet<Integer> extra = new TreeSet<>(actual);
                    extra.removeAll(replayed);
                    System.out.println("round " + round + ": replay has " + missing + " that H2 lacks, H2 has " + extra
                            + " that the replay lacks");
                }
                st.execute("SHUTDOWN");
            }
        }
        System.out.println("H2 " + org.h2.engine.Constants.FULL_VERSION + ", " + iso + ", " + writers + " writers: "
                + disagreed + " of " + rounds + " rounds disagreed with the commit-order replay");
        System.exit(disagreed == 0 ? 0 : 1);
    }

    private static void writer(String url, int isolation, SplittableRandom random, List<Committed> committed)
            throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(isolation);
            for (int t = 0; t < 150; t++) {
                List<Integer> deleted = new ArrayList<>();
                List<Integer> inserted = new ArrayList<>();
                try {
                    int ops = 1 + random.nextInt(3);
                    for (int i = 0; i < ops; i++) {
                        int id = 1 + random.nextInt(300);
                        int k = random.nextInt(50);
                        switch (random.nextInt(4)) {
                            case 0, 1 -> {
                                try (PreparedStatement ps = c.prepareStatement("INSERT INTO acc VALUES (?, ?, 0)")) {
                                    ps.setInt(1, id);
                                    ps.setInt(2, k);
                                    ps.executeUpdate();
                                }
                                inserted.add(id);
                                deleted.remove((Integer) id);
                            }
                            case 2 -> {
                                try (PreparedStatement ps = c.prepareStatement("UPDATE acc SET x = x + 1 WHERE k >= ?")) {
                                    ps.setInt(1, k);
                                    ps.executeUpdate();
                                }
                            }
                            default -> {
                                try (PreparedStatement ps = c.prepareStatement(
                                        "SELECT id FROM OLD TABLE (DELETE FROM acc WHERE k BETWEEN ? AND ?)")) {
                                    ps.setInt(1, k);
                                    ps.setInt(2, k + random.nextInt(2));
                                    try (ResultSet rs = ps.executeQuery()) {
                                        while (rs.next()) {
                                            deleted.add(rs.getInt(1));
                                            inserted.remove((Integer) rs.getInt(1));
                                        }
                                    }
                                }
                            }
                        }
                    }
                    long order;
                    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT NEXT VALUE FOR commit_order")) {
                        rs.next();
                        order = rs.getLong(1);
                    }
                    c.commit();
                    committed.add(new Committed(order, deleted, inserted));
                } catch (SQLException e) {
                    c.rollback(); // duplicate key, lock timeout, deadlock, concurrent update: nothing of it stays
                }
            }
        }
    }
}
