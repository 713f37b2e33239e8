package io.shardline.replication.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.replication.ReplicaState;
import io.shardline.replication.ReplicationListener;
import io.shardline.replication.log.ChangeCapture;
import io.shardline.replication.log.ReplicationLog;
import io.shardline.routing.sql.StatementAnalyzer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rounds applied in lanes ({@link Writesets}): the crash window between the lanes' commits and
 * the watermark's commit. The replica's last commit of a lane round — lane 0's rows and the
 * watermark — is made to fail (rolled back, as a crash would leave it) while the other lanes have
 * committed; the next round applies the whole round again. The replica must end equal to the
 * primary: the re-applied rows absorbed, and no second copy of a row of a table without a
 * primary key (those go to lane 0, which commits with the watermark).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplicaApplierLanesTest {

    private static final AtomicInteger SEQ = new AtomicInteger();

    private JdbcDataSource primary;
    private JdbcDataSource replica;
    private Connection keepPrimary;
    private Connection keepReplica;
    private ReplicationLog log;
    private ReplicaApplier applier;

    @BeforeEach
    void nodes() throws SQLException {
        int n = SEQ.incrementAndGet();
        primary = h2("lanes_p" + n);
        replica = h2("lanes_r" + n);
        keepPrimary = primary.getConnection();
        keepReplica = replica.getConnection();
        for (Connection c : List.of(keepPrimary, keepReplica)) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL)");
                st.execute("CREATE TABLE bag (a INT, b INT)");
            }
        }
        log = ReplicationLog.forNode(keepPrimary, "shardline");
        log.installPrimary(keepPrimary);
        ChangeCapture.forLog(log).install(keepPrimary);
    }

    @AfterEach
    void close() throws SQLException {
        if (applier != null) applier.close();
        keepPrimary.close();
        keepReplica.close();
    }

    @Test
    void aCrashAfterTheLanesCommittedAndBeforeTheWatermarkLosesAndDoublesNothing() throws Exception {
        SplittableRandom rnd = new SplittableRandom(7);
        keepPrimary.setAutoCommit(false);
        for (int tx = 0; tx < 300; tx++) {
            // many small groups of rows, and one hot row (id 0) whose group is the largest
            int id = tx % 10 == 0 ? 0 : 1 + rnd.nextInt(119);
            try (PreparedStatement ps = keepPrimary.prepareStatement("MERGE INTO t KEY (id) VALUES (?, ?)")) {
                ps.setInt(1, id);
                ps.setInt(2, tx);
                ps.executeUpdate();
            }
            if (tx % 7 == 0) update("UPDATE t SET v = v + 1000 WHERE id = ?", id);
            if (tx % 11 == 0) update("DELETE FROM t WHERE id = ?", 1 + (id + 1) % 119);
            log.seal(keepPrimary);
            keepPrimary.commit();
            if (tx % 100 == 50) {
                // a small group of its own: only the rule "key-less rows go to lane 0" puts it there
                update("INSERT INTO bag VALUES (?, ?)", tx % 3, tx);
                log.seal(keepPrimary);
                keepPrimary.commit();
            }
        }
        keepPrimary.setAutoCommit(true);

        AtomicInteger crashes = new AtomicInteger(1);
        applier = new ReplicaApplier("r", primary, crashingWatermarkCommit(replica, crashes), "shardline", 500,
                Duration.ofMillis(10), Duration.ofMillis(50), new StatementAnalyzer(), Duration.ZERO,
                ReplicationListener.logging(), 4);
        applier.start();
        long head = log.head(keepPrimary);
        assertThat(applier.awaitApplied(head, 20_000)).as("applied: %s", applier.lastError()).isTrue();

        assertThat(crashes.get()).as("the injected crash happened").isZero();
        assertThat(applier.laneRounds()).as("rounds applied in lanes").isPositive();
        assertThat(applier.state()).isNotEqualTo(ReplicaState.BROKEN);
        assertThat(dump(keepReplica, "SELECT id, v FROM t ORDER BY id")).isEqualTo(dump(keepPrimary, "SELECT id, v FROM t ORDER BY id"));
        assertThat(dump(keepReplica, "SELECT a, b FROM bag ORDER BY b")).as("no row of the key-less table twice")
                .isEqualTo(dump(keepPrimary, "SELECT a, b FROM bag ORDER BY b"));
    }

    private void update(String sql, int a) throws SQLException {
        try (PreparedStatement ps = keepPrimary.prepareStatement(sql)) {
            ps.setInt(1, a);
            ps.executeUpdate();
        }
    }

    private void update(String sql, int a, int b) throws SQLException {
        try (PreparedStatement ps = keepPrimary.prepareStatement(sql)) {
            ps.setInt(1, a);
            ps.setInt(2, b);
            ps.executeUpdate();
        }
    }

    /**
     * The replica with its first {@code crashes} commits that carry a watermark advance rolled
     * back and failed instead, as a crash at that moment leaves them.
     */
    private static DataSource crashingWatermarkCommit(DataSource target, AtomicInteger crashes) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (p, m, args) -> {
                    Object result = invoke(target, m, args);
                    if (!m.getName().equals("getConnection")) return result;
                    Connection c = (Connection) result;
                    boolean[] advanced = {false};
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (cp, cm, cargs) -> {
                                if (cm.getName().equals("prepareStatement") && ((String) cargs[0]).contains("SET position =")) {
                                    advanced[0] = true;
                                }
                                if (cm.getName().equals("commit") && advanced[0]) {
                                    advanced[0] = false;
                                    if (crashes.getAndUpdate(k -> Math.max(0, k - 1)) > 0) {
                                        c.rollback();
                                        throw new SQLException("injected crash before the watermark's commit", "08006");
                                    }
                                }
                                return invoke(c, cm, cargs);
                            });
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static List<String> dump(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1) + "," + rs.getString(2));
        }
        return out;
    }

    private static JdbcDataSource h2(String db) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + db + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
        ds.setUser("sa");
        return ds;
    }
}
