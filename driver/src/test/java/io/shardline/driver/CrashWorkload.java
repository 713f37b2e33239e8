package io.shardline.driver;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application that {@link CrashSafetyTest} runs in a JVM of its own (and kills). It opens the
 * topology through {@link DriverManager}, so its runtime's appliers run in this process too.
 *
 * <pre>
 * write &lt;yaml&gt; &lt;tag&gt; &lt;threads&gt; &lt;opsPerThread, 0 = unbounded&gt; &lt;millis, 0 = unbounded&gt; [ddlEvery [tableOptions]]
 * tx    &lt;yaml&gt; &lt;tag&gt; &lt;committedOps&gt;
 * ddl   &lt;yaml&gt; &lt;tag&gt; &lt;ddl statement&gt;
 * </pre>
 *
 * <p>An op, in one transaction: inserts an {@code event} row and increments the single
 * {@code counter} row, so a lost or doubled apply shows as {@code counter.n != count(event)}.
 * Every fourth op additionally writes a {@code note} row in auto-commit mode; with {@code ddlEvery}
 * thread 0 also creates a table {@code ddl_<tag>_<seq>} every that many ops ({@code tableOptions},
 * e.g. {@code " ENGINE=InnoDB"} on MariaDB, is appended to its CREATE TABLE). Ids are
 * {@link #id(int, int, long)}: unique per tag (one tag per workload run), thread and sequence.
 *
 * <p>Output lines (stdout): {@code READY}, {@code PROGRESS <committed ops>}, {@code IN_TX},
 * {@code DDL} (about to run the DDL statement), {@code DONE committed=<n> failed=<n>}, {@code ERROR <message>}.
 */
public final class CrashWorkload {

    private CrashWorkload() {
    }

    static long id(int tag, int thread, long seq) {
        return tag * 1_000_000_000L + thread * 10_000_000L + seq;
    }

    public static void main(String[] args) throws Exception {
        String url = "jdbc:shardline:file:" + args[1];
        int tag = Integer.parseInt(args[2]);
        switch (args[0]) {
            // write-exit: as write, but the process ends without closing anything (as most applications do)
            case "write", "write-exit" -> write(url, tag, Integer.parseInt(args[3]), Long.parseLong(args[4]),
                    Long.parseLong(args[5]), args.length > 6 ? Integer.parseInt(args[6]) : 0, args.length > 7 ? args[7] : "",
                    args[0].equals("write"));
            case "tx" -> openTransactionAndHang(url, tag, Integer.parseInt(args[3]));
            case "ddl" -> ddl(url, args[3]);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void write(String url, int tag, int threads, long opsPerThread, long millis, int ddlEvery,
                              String tableOptions, boolean close) throws Exception {
        // start the runtime (appliers) before the threads race to do it
        try (Connection c = DriverManager.getConnection(url)) {
            c.isValid(1);
        }
        say("READY");
        long until = millis > 0 ? System.nanoTime() + millis * 1_000_000L : Long.MAX_VALUE;
        AtomicLong committed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int thread = t;
            ts[t] = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(url);
                     PreparedStatement event = c.prepareStatement("INSERT INTO event (id, payload) VALUES (?, ?)");
                     PreparedStatement counter = c.prepareStatement("UPDATE counter SET n = n + 1 WHERE id = 1");
                     PreparedStatement note = c.prepareStatement("INSERT INTO note (id, txt) VALUES (?, ?)")) {
                    for (long seq = 0; (opsPerThread == 0 || seq < opsPerThread) && System.nanoTime() < until; seq++) {
                        long id = id(tag, thread, seq);
                        try {
                            c.setAutoCommit(false);
                            event.setLong(1, id);
                            event.setString(2, "e" + id + "-" + ThreadLocalRandom.current().nextInt(1000));
                            event.executeUpdate();
                            counter.executeUpdate();
                            c.commit();
                            if (seq % 4 == 3) {
                                c.setAutoCommit(true);
                                note.setLong(1, id);
                                note.setString(2, "n" + id);
                                note.executeUpdate();
                            }
                            if (ddlEvery > 0 && thread == 0 && seq % ddlEvery == ddlEvery - 1) {
                                c.setAutoCommit(true);
                                try (Statement st = c.createStatement()) {
                                    st.execute("CREATE TABLE ddl_" + tag + "_" + seq + " (id INT PRIMARY KEY)" + tableOptions);
                                }
                            }
                            long n = committed.incrementAndGet();
                            if (n % 50 == 0) say("PROGRESS " + n);
                        } catch (SQLException e) {
                            failed.incrementAndGet();
                            say("ERROR " + e);
                            try {
                                if (!c.getAutoCommit()) c.rollback();
                            } catch (SQLException ignored) {
                                // the next op tries again with a fresh transaction
                            }
                        }
                    }
                } catch (SQLException e) {
                    failed.incrementAndGet();
                    say("ERROR " + e);
                }
            }, "workload-" + t);
            ts[t].start();
        }
        for (Thread t : ts) t.join();
        if (close) ShardlineDriver.close(url);
        say("DONE committed=" + committed.get() + " failed=" + failed.get());
    }

    /** Runs one (slow) DDL statement through Shardline; the test kills the process while it runs. */
    private static void ddl(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            say("DDL");
            st.execute(sql);
            say("DONE committed=1 failed=0");
        }
    }

    /**
     * Commits {@code committedOps} ops (thread 0 of the tag), then opens one more transaction
     * (thread 1 of the tag) with several writes, announces IN_TX and never commits.
     */
    private static void openTransactionAndHang(String url, int tag, int committedOps) throws Exception {
        try (Connection c = DriverManager.getConnection(url)) {
            try (PreparedStatement event = c.prepareStatement("INSERT INTO event (id, payload) VALUES (?, ?)");
                 PreparedStatement counter = c.prepareStatement("UPDATE counter SET n = n + 1 WHERE id = 1")) {
                c.setAutoCommit(false);
                for (int seq = 0; seq < committedOps; seq++) {
                    event.setLong(1, id(tag, 0, seq));
                    event.setString(2, "committed");
                    event.executeUpdate();
                    counter.executeUpdate();
                    c.commit();
                }
            }
            try (PreparedStatement note = c.prepareStatement("INSERT INTO note (id, txt) VALUES (?, ?)")) {
                c.setAutoCommit(true);
                note.setLong(1, id(tag, 0, 0));
                note.setString(2, "committed in auto-commit");
                note.executeUpdate();
            }
            say("COMMITTED " + committedOps);
            c.setAutoCommit(false);
            try (PreparedStatement event = c.prepareStatement("INSERT INTO event (id, payload) VALUES (?, ?)");
                 PreparedStatement note = c.prepareStatement("INSERT INTO note (id, txt) VALUES (?, ?)");
                 Statement st = c.createStatement()) {
                for (int seq = 0; seq < 5; seq++) {
                    event.setLong(1, id(tag, 1, seq));
                    event.setString(2, "never committed");
                    event.executeUpdate();
                    st.executeUpdate("UPDATE counter SET n = n + 1 WHERE id = 1");
                }
                note.setLong(1, id(tag, 1, 0));
                note.setString(2, "never committed");
                note.executeUpdate();
                st.executeUpdate("UPDATE note SET txt = 'overwritten, never committed' WHERE id = " + id(tag, 0, 0));
            }
            say("IN_TX");
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
