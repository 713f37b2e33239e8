package io.shardline.replication.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** H2's capture trigger and seal: one token per committed transaction, its change rows under it. */
class ChangeCaptureTest {

    private static final AtomicInteger SEQ = new AtomicInteger();

    @Test
    void everyCommittedTransactionGetsItsOwnEntryWithItsOwnRows() throws Exception {
        String url = "jdbc:h2:mem:capture" + SEQ.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
        ReplicationLog log;
        try (Connection c = DriverManager.getConnection(url)) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
                st.execute("CREATE TABLE counter (id INT PRIMARY KEY, n INT)");
                st.execute("INSERT INTO counter VALUES (1, 0)");
            }
            log = ReplicationLog.forNode(c, "shardline");
            log.installPrimary(c);
        }
        int threads = 4;
        int each = 300;
        List<Thread> ts = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int w = 0; w < threads; w++) {
            int base = w * 100_000;
            Thread t = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                    c.setAutoCommit(false);
                    for (int i = 0; i < each; i++) {
                        st.executeUpdate("INSERT INTO t VALUES (" + (base + i) + ", " + i + ")");
                        st.executeUpdate("UPDATE counter SET n = n + 1 WHERE id = 1");
                        if (i % 10 == 9) {
                            c.rollback();
                            continue;
                        }
                        log.seal(c);
                        c.commit();
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            ts.add(t);
            t.start();
        }
        for (Thread t : ts) t.join();
        assertThat(errors).isEmpty();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            int committed = threads * each * 9 / 10;
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*), COUNT(DISTINCT tx) FROM shardline.commits")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(committed);
                assertThat(rs.getLong(2)).isEqualTo(committed);
            }
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM shardline.changes ch JOIN shardline.commits c ON c.tx = ch.tx")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(2L * committed);
            }
        }
    }
}
