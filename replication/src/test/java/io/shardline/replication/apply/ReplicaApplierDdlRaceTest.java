package io.shardline.replication.apply;

import io.shardline.replication.ReplicaState;
import io.shardline.replication.ReplicationListener;
import io.shardline.replication.log.LogEntryCodec;
import io.shardline.replication.log.LoggedStatement;
import io.shardline.replication.log.ReplicationLog;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.routing.sql.StatementAnalyzer;
import java.lang.reflect.InvocationHandler;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two appliers (as two application instances would run them) on one replica, with a DDL entry,
 * forced through the window in which the first one has committed its attempt marker (which
 * releases the watermark lock) and not yet run the DDL. The second sees the marker, runs the DDL
 * as a retry, and the first one's own attempt then fails with "already exists": that must not
 * halt the replica (BROKEN), and the DDL and the entries after it must be applied exactly once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplicaApplierDdlRaceTest {

    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final long WAIT = 10_000;

    private JdbcDataSource primary;
    private JdbcDataSource replica;
    private Connection keepPrimary;
    private Connection keepReplica;
    private final List<ReplicaApplier> appliers = new ArrayList<>();
    private final List<String> broken = new CopyOnWriteArrayList<>();

    @BeforeEach
    void nodes() throws SQLException {
        int n = SEQ.incrementAndGet();
        primary = h2("ddlrace_p" + n);
        replica = h2("ddlrace_r" + n);
        keepPrimary = primary.getConnection();
        keepReplica = replica.getConnection();
        ReplicationLog log = ReplicationLog.forNode(keepPrimary, "shardline");
        try (Statement st = keepPrimary.createStatement()) {
            st.execute("CREATE TABLE t (id INT PRIMARY KEY)");
        }
        log.installPrimary(keepPrimary);
        try (Statement st = keepReplica.createStatement()) {
            st.execute("CREATE TABLE t (id INT PRIMARY KEY)");
        }
        append(log, LoggedStatement.dml("INSERT INTO t (id) VALUES (?)", 1));
        append(log, LoggedStatement.ddl("CREATE TABLE created_by_ddl (id INT PRIMARY KEY)"));
        append(log, LoggedStatement.dml("INSERT INTO created_by_ddl (id) VALUES (?)", 7));
        append(log, LoggedStatement.dml("INSERT INTO t (id) VALUES (?)", 2));
    }

    @AfterEach
    void close() throws SQLException {
        for (ReplicaApplier a : appliers) a.close();
        keepPrimary.close();
        keepReplica.close();
    }

    /** B re-runs the DDL and completes it (watermark moved) before A's own first attempt runs. */
    @Test
    void anotherInstanceCompletingTheDdlInTheWindowIsNotAFailure() throws Exception {
        CountDownLatch aMarked = new CountDownLatch(1);
        CountDownLatch bDone = new CountDownLatch(1);
        ReplicaApplier a = applier("a", event -> {
            if (event.equals("marked") && aMarked.getCount() > 0) {
                aMarked.countDown();
                await(bDone);
            }
        });
        ReplicaApplier b = applier("b", null);
        a.start();
        assertThat(aMarked.await(WAIT, TimeUnit.MILLISECONDS)).as("A committed its DDL attempt").isTrue();
        b.start();
        assertThat(b.awaitApplied(4, WAIT)).as("B applied everything, the DDL as a retry: %s", b.lastError()).isTrue();
        bDone.countDown(); // now A runs the DDL, which fails: "table already exists"

        assertThat(a.awaitApplied(4, WAIT)).as("A went on: %s", a.lastError()).isTrue();
        assertConverged(a, b);
    }

    /**
     * B re-runs the DDL and stops before moving the watermark; A's attempt then fails while the
     * watermark is still below the DDL and the attempt marker names B.
     */
    @Test
    void anotherInstanceStillApplyingTheDdlIsNotAFailure() throws Exception {
        CountDownLatch aMarked = new CountDownLatch(1);
        CountDownLatch bRan = new CountDownLatch(1);
        CountDownLatch aFailed = new CountDownLatch(1);
        CountDownLatch releaseB = new CountDownLatch(1);
        ReplicaApplier a = applier("a", event -> {
            if (event.equals("marked") && aMarked.getCount() > 0) {
                aMarked.countDown();
                await(bRan);
            }
            if (event.equals("failed")) aFailed.countDown();
        });
        ReplicaApplier b = applier("b", event -> {
            if (event.equals("ran")) {
                bRan.countDown();
                await(releaseB);
            }
        });
        a.start();
        assertThat(aMarked.await(WAIT, TimeUnit.MILLISECONDS)).isTrue();
        b.start();
        assertThat(aFailed.await(WAIT, TimeUnit.MILLISECONDS)).as("A's first attempt failed").isTrue();
        // A decided with the watermark still at 1 and B's attempt recorded, then repeats the DDL as a retry
        assertThat(a.awaitApplied(4, WAIT)).as("A went on: %s", a.lastError()).isTrue();
        releaseB.countDown();
        assertThat(b.awaitApplied(4, WAIT)).as("B went on: %s", b.lastError()).isTrue();
        assertConverged(a, b);
    }

    /** A DDL that fails on its first attempt with no other applier involved still halts the replica. */
    @Test
    void aGenuineDdlFailureStillHaltsTheReplica() throws Exception {
        try (Statement st = keepReplica.createStatement()) {
            st.execute("CREATE TABLE created_by_ddl (other INT)"); // drift made outside Shardline
        }
        ReplicaApplier a = applier("a", null);
        a.start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT);
        while (a.state() != ReplicaState.BROKEN && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(a.state()).isEqualTo(ReplicaState.BROKEN);
        assertThat(a.brokenPosition()).isEqualTo(2);
        assertThat(broken).hasSize(1);
        assertThat(watermark()).isEqualTo(1);
    }

    /** A watermark table from before the attempt owner existed gets the column on start. */
    @Test
    void anOldWatermarkTableIsUpgraded() throws Exception {
        try (Statement st = keepReplica.createStatement()) {
            st.execute("CREATE SCHEMA shardline");
            st.execute("CREATE TABLE shardline.watermark (id INT NOT NULL PRIMARY KEY, position BIGINT NOT NULL,"
                    + " ddl_attempt BIGINT NOT NULL, applied_at BIGINT NOT NULL)");
            st.execute("INSERT INTO shardline.watermark VALUES (1, 1, 0, 0)");
        }
        ReplicaApplier a = applier("a", null);
        a.start();
        assertThat(a.awaitApplied(4, WAIT)).as(a.lastError()).isTrue();
        try (Statement st = keepReplica.createStatement();
             ResultSet rs = st.executeQuery("SELECT ddl_attempt, ddl_owner FROM shardline.watermark")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(2);
            assertThat(rs.getString(2)).isNotEmpty();
        }
        assertThat(rows("t")).containsExactly(2); // entry 1 was marked applied by the old table, entry 4 applied
    }

    // ---------------------------------------------------------------------------------------------

    private void assertConverged(ReplicaApplier... as) throws SQLException {
        assertThat(broken).as("BROKEN reports").isEmpty();
        for (ReplicaApplier x : as) assertThat(x.state()).as(x.name()).isNotEqualTo(ReplicaState.BROKEN);
        assertThat(watermark()).isEqualTo(4);
        assertThat(rows("t")).containsExactly(1, 2);
        assertThat(rows("created_by_ddl")).containsExactly(7);
    }

    private ReplicaApplier applier(String name, Consumer<String> hook) {
        DataSource observed = hook == null ? replica : observed(replica, hook);
        ReplicaApplier a = new ReplicaApplier(name, primary, observed, "shardline", 100, Duration.ofMillis(10),
                Duration.ofMillis(100), new StatementAnalyzer(), Duration.ZERO, new ReplicationListener() {
                    @Override
                    public void broken(String replica, long position, String error) {
                        broken.add(replica + "@" + position + ": " + error);
                    }
                }, 1);
        appliers.add(a);
        return a;
    }

    /**
     * The replica as the applier sees it, reporting the steps of a DDL apply from the SQL the
     * applier really issues (no hook in production code): "marked" once the attempt marker
     * ({@code SET ddl_attempt = ...}) is committed, "ran" after the DDL succeeded, "failed" when
     * it threw. A consumer that blocks holds the applier at exactly that point.
     */
    private static DataSource observed(DataSource target, Consumer<String> events) {
        return proxy(DataSource.class, target, (m, args, result) -> {
            if (!m.getName().equals("getConnection")) return result;
            boolean[] marked = {false};
            return proxy(Connection.class, (Connection) result, (cm, cargs, cresult) -> {
                if (cm.getName().equals("prepareStatement") && ((String) cargs[0]).contains("SET ddl_attempt")) {
                    return proxy(PreparedStatement.class, (PreparedStatement) cresult, (pm, pargs, presult) -> {
                        if (pm.getName().startsWith("execute")) marked[0] = true;
                        return presult;
                    });
                }
                if (cm.getName().equals("commit") && marked[0]) {
                    marked[0] = false;
                    events.accept("marked");
                }
                if (cm.getName().equals("createStatement")) {
                    return proxy(Statement.class, (Statement) cresult, new StatementObserver(events));
                }
                return cresult;
            });
        });
    }

    /** Reports "ran"/"failed" around the DDL statement the applier executes. */
    private record StatementObserver(Consumer<String> events) implements After {
        @Override
        public Object after(java.lang.reflect.Method m, Object[] args, Object result) {
            return result;
        }

        @Override
        public Object around(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
            boolean ddl = m.getName().equals("execute") && args != null && args[0] instanceof String sql
                    && sql.startsWith("CREATE TABLE created_by_ddl");
            try {
                Object r = m.invoke(target, args);
                if (ddl) events.accept("ran");
                return r;
            } catch (InvocationTargetException e) {
                if (ddl) events.accept("failed");
                throw e.getCause();
            }
        }
    }

    /** What a proxy does after (or around) the call on its target. */
    private interface After {
        Object after(java.lang.reflect.Method m, Object[] args, Object result) throws Throwable;

        default Object around(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
            Object result;
            try {
                result = m.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return after(m, args, result);
        }
    }

    private static <T> T proxy(Class<T> type, T target, After after) {
        InvocationHandler h = (p, m, args) -> after.around(target, m, args);
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
    }

    private static void await(CountDownLatch l) {
        try {
            if (!l.await(WAIT, TimeUnit.MILLISECONDS)) throw new IllegalStateException("test latch timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private long watermark() throws SQLException {
        try (Statement st = keepReplica.createStatement();
             ResultSet rs = st.executeQuery("SELECT position FROM shardline.watermark WHERE id = 1")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<Integer> rows(String table) throws SQLException {
        List<Integer> out = new ArrayList<>();
        try (Statement st = keepReplica.createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM " + table + " ORDER BY id")) {
            while (rs.next()) out.add(rs.getInt(1));
        }
        return out;
    }

    /** What the driver does for a write (run it, seal, commit) or a DDL statement (run it, log it, capture). */
    private void append(ReplicationLog log, LoggedStatement st) throws SQLException {
        try (java.sql.PreparedStatement ps = keepPrimary.prepareStatement(st.sql())) {
            keepPrimary.setAutoCommit(st.kind() == LoggedStatement.Kind.DDL);
            LogEntryCodec.bind(ps, st);
            ps.execute();
        }
        keepPrimary.setAutoCommit(false);
        try {
            if (st.kind() == LoggedStatement.Kind.DDL) {
                log.appendDdl(keepPrimary, LogEntryCodec.encode(List.of(st)));
                keepPrimary.commit();
                io.shardline.replication.log.ChangeCapture.forLog(log).install(keepPrimary);
            } else {
                log.seal(keepPrimary);
            }
            keepPrimary.commit();
        } finally {
            keepPrimary.setAutoCommit(true);
        }
    }

    private static JdbcDataSource h2(String db) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + db + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
        ds.setUser("sa");
        return ds;
    }
}
