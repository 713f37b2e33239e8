package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Timeout;

/**
 * Crash safety with real processes: the application ({@link CrashWorkload}) runs in JVMs of its
 * own, against the nodes of the topology (H2: file databases served over TCP by this JVM), and is
 * killed with SIGKILL ({@link Process#destroyForcibly()}) while it writes and applies. Every test
 * ends with a fresh runtime in this JVM catching up, then an exact comparison of every application
 * table between the physical primary and both replicas, and {@code counter.n == count(event)} on
 * every node (each op increments the counter and inserts one event in one transaction, so a lost
 * or doubled apply of any entry breaks the equation). Every scenario runs on every engine.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrashSafetyTest {

    static final String[] NODES = {"primary", "replica-0", "replica-1"};
    private static final Duration CATCH_UP = Duration.ofSeconds(30);

    @AutoClose
    private TestTopology topo;
    private Engine engine;
    private final List<ForkedProcess> workloads = new ArrayList<>();
    private Path yaml;

    /** The nodes {@link #NODES} and the schema of the workload. */
    private void start(Engine engine) throws Exception {
        this.engine = engine;
        topo = TestTopology.on(engine).replicas(2).retry("20ms", "300ms").build();
        yaml = topo.yaml();
        String options = engine.tableOptions();
        try (ShardlineDataSource ds = ShardlineDataSource.fromYaml(yaml)) {
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE event (id BIGINT PRIMARY KEY, payload VARCHAR(40) NOT NULL)" + options);
                st.execute("CREATE TABLE counter (id INT PRIMARY KEY, n BIGINT NOT NULL)" + options);
                st.execute("CREATE TABLE note (id BIGINT PRIMARY KEY, txt VARCHAR(60) NOT NULL)" + options);
                st.executeUpdate("INSERT INTO counter (id, n) VALUES (1, 0)");
            }
            assertThat(ds.awaitReplication(CATCH_UP)).isTrue();
        }
    }

    @AfterEach
    void killWorkloads() throws Exception {
        for (ForkedProcess w : workloads) w.kill(); // before the topology closes
    }

    /** A direct (non-Shardline) connection to node {@code i} of {@link #NODES}. */
    private Connection node(int i) throws SQLException {
        return topo.direct(NODES[i]);
    }

    /**
     * The last position in the primary's log ({@code "log_head"}), or the replica's watermark
     * ({@code "watermark"}), of the node {@code c} is connected to.
     */
    private long position(Connection c, String table) throws SQLException {
        if (table.equals("log_head")) {
            return single(c, "SELECT COALESCE(MAX(position), 0) FROM " + engine.shardlineTable(c, "commits"));
        }
        return single(c, "SELECT position FROM " + engine.shardlineTable(c, table) + " WHERE id = 1");
    }

    /**
     * The workload JVM writes with 4 threads while its two appliers apply; it is killed at a random
     * moment, three times over, each restart resuming from whatever the previous one left: half-
     * applied replica transactions, a replica behind the primary, an open primary transaction.
     */
    @PerEngine(h2OverTcp = true, postgresql = true)
    void killMinus9WhileWritingAndApplyingLosesAndDoublesNothing(Engine engine) throws Exception {
        start(engine);
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        System.out.println("CrashSafetyTest seed " + seed);
        long seen = 0;
        for (int run = 1; run <= 3; run++) {
            ForkedProcess w = fork("write", yaml.toString(), Integer.toString(run), "4", "0", "0");
            w.await(l -> l.equals("READY"), Duration.ofSeconds(40));
            int target = 200 + rnd.nextInt(300);
            w.await(l -> l.startsWith("PROGRESS ") && Long.parseLong(l.substring(9)) >= target, Duration.ofSeconds(40));
            Thread.sleep(rnd.nextInt(80));
            w.kill();
            seen += w.lastProgress();

            // at the moment of the crash every node holds some prefix of the commit order: each
            // prefix satisfies the invariant, a half-applied entry would not
            long head;
            try (Connection p = node(0)) {
                head = position(p, "log_head");
                assertConsistent(p, "primary after kill " + run);
            }
            StringBuilder lag = new StringBuilder();
            for (int i = 1; i < NODES.length; i++) {
                try (Connection r = node(i)) {
                    long wm = position(r, "watermark");
                    assertThat(wm).as(NODES[i] + " watermark").isLessThanOrEqualTo(head);
                    lag.append(' ').append(NODES[i]).append(" behind by ").append(head - wm);
                    assertConsistent(r, NODES[i] + " after kill " + run);
                }
            }
            System.out.println("CrashSafetyTest kill " + run + " after " + w.lastProgress() + " ops: head " + head + lag);
        }
        convergeAndCompare();
        try (Connection p = node(0)) {
            // every op the workloads reported as committed is there (ops after the last report may be too)
            assertThat(TestTopology.count(p, "event")).isGreaterThanOrEqualTo(seen);
        }
    }

    /**
     * The workload commits 150 ops (and one auto-commit write), then opens a transaction with
     * several writes — new events, counter increments, a new note and an update of a committed
     * note — and is killed before it commits. None of it may appear anywhere; everything before it
     * must appear everywhere, and the killed transaction's row locks must be gone.
     */
    @PerEngine(h2OverTcp = true, postgresql = true)
    void killMinus9InsideAWriteTransactionLeavesNoTraceOfIt(Engine engine) throws Exception {
        start(engine);
        int tag = 7;
        int committed = 150;
        ForkedProcess w = fork("tx", yaml.toString(), Integer.toString(tag), Integer.toString(committed));
        w.await(l -> l.equals("IN_TX"), Duration.ofSeconds(40));
        try (Connection p = node(0)) {
            // the open transaction is invisible on the primary while it lasts
            assertThat(TestTopology.count(p, "event")).isEqualTo(committed);
        }
        w.kill();

        // the convergence marker updates the counter row the killed transaction had locked
        convergeAndCompare();
        for (int i = 0; i < NODES.length; i++) {
            try (Connection c = node(i)) {
                String as = NODES[i];
                assertThat(single(c, "SELECT n FROM counter WHERE id = 1")).as(as).isEqualTo(committed);
                assertThat(TestTopology.count(c, "event")).as(as).isEqualTo(committed);
                assertThat(single(c, "SELECT COUNT(*) FROM event WHERE id BETWEEN " + CrashWorkload.id(tag, 0, 0)
                        + " AND " + CrashWorkload.id(tag, 0, committed - 1))).as(as).isEqualTo(committed);
                assertThat(single(c, "SELECT COUNT(*) FROM event WHERE payload = 'never committed'")).as(as).isZero();
                assertThat(TestTopology.dump(c, "note", "id")).as(as)
                        .containsExactly(List.of(Long.toString(CrashWorkload.id(tag, 0, 0)), "committed in auto-commit"));
            }
        }
    }

    /**
     * Two application instances write and apply at the same time for a few seconds: positions
     * stay contiguous across processes (one per committed transaction, none lost to a race), the
     * two instances' appliers never apply an entry twice, and all nodes end identical. Each
     * instance also runs a CREATE TABLE every 15 ops of one thread: a DDL entry is applied outside
     * the watermark lock (DDL commits implicitly), so the other instance's applier may see the
     * attempt marker and re-run it meanwhile; neither may move the watermark back afterwards.
     */
    @PerEngine(h2OverTcp = true, postgresql = true)
    void twoApplicationInstancesShareOneGaplessLogAndApplyEachEntryOnce(Engine engine) throws Exception {
        start(engine);
        long headBefore;
        try (Connection p = node(0)) {
            headBefore = position(p, "log_head");
        }
        ForkedProcess a = fork("write", yaml.toString(), "11", "3", "0", "4000", "15", engine.tableOptions());
        ForkedProcess b = fork("write", yaml.toString(), "12", "3", "0", "4000", "15", engine.tableOptions());
        String doneA = a.await(l -> l.startsWith("DONE "), Duration.ofSeconds(60));
        String doneB = b.await(l -> l.startsWith("DONE "), Duration.ofSeconds(60));
        assertThat(a.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(b.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(a.process.exitValue()).as(a.output()).isZero();
        assertThat(b.process.exitValue()).as(b.output()).isZero();
        long committed = field(doneA, "committed") + field(doneB, "committed");
        long failed = field(doneA, "failed") + field(doneB, "failed");
        System.out.println("CrashSafetyTest two instances: " + doneA + " / " + doneB);
        assertThat(field(doneA, "committed")).isPositive();
        assertThat(field(doneB, "committed")).isPositive();

        try {
            convergeAndCompare();
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n--- instance A:\n" + a.output() + "--- instance B:\n" + b.output(), e);
        }
        try (Connection p = node(0)) {
            long events = TestTopology.count(p, "event");
            long notes = TestTopology.count(p, "note");
            long head = position(p, "log_head");
            // one position per committed transaction (each op, each auto-commit note, each DDL, the marker): no gaps, no reuse
            if (failed == 0) {
                assertThat(events).isEqualTo(committed);
                long ddl = engine.tables(p).stream().filter(t -> t.startsWith("ddl_")).count();
                // every committed transaction took a position of its own; the positions in between
                // are holes (a seal retried, or rolled back) that an applier filled
                assertThat(head - headBefore).isGreaterThanOrEqualTo(events + notes + ddl + 1);
            } else {
                assertThat(events).isBetween(committed, committed + failed);
            }
        }
        assertThat(failed).as("ops that failed (see the workload output)\n" + a.output() + b.output()).isZero();
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * A fresh runtime in this JVM commits a no-op marker write (after everything the killed or
     * finished workloads committed) and waits until both replicas applied it; then the physical
     * databases are compared.
     */
    /**
     * The application dies while a DDL runs on the primary: its log entry was written ahead,
     * marked running, and its heartbeat stops. The replicas apply everything before it and halt
     * BROKEN at it, naming the statement — never silently miss a DDL the primary has, nor run one
     * it lacks. The operator looks at the primary's schema and answers: resume (it took effect:
     * every replica applies it) or skip (it did not: none does). Twice: once the server finishes
     * the killed client's DDL, once the statement is also cancelled on the server (it never takes
     * effect). Afterwards writes replicate again and every node is identical.
     */
    @PerEngine(h2OverTcp = true, postgresql = true)
    void killMinus9DuringADdlHaltsTheReplicasUntilTheOperatorDecides(Engine engine) throws Exception {
        start(engine);
        System.setProperty("shardline.replication.ddlOrphanMillis", "3000");
        try (ShardlineDataSource ds = ShardlineDataSource.fromYaml(yaml)) {
            for (boolean cancelled : new boolean[] {false, true}) {
                String table = cancelled ? "big_cancelled" : "big";
                killDuringDdl(ds, engine, table, cancelled);
            }
        } finally {
            System.clearProperty("shardline.replication.ddlOrphanMillis");
        }
        convergeAndCompare();
    }

    private void killDuringDdl(ShardlineDataSource ds, Engine engine, String table, boolean cancelOnServer) throws Exception {
        // long enough to be found running on the server when it is to be cancelled there
        int rows = cancelOnServer ? 3_000_000 : 1_000_000;
        String ddl = switch (engine) {
            case MARIADB -> "CREATE TABLE " + table + " ENGINE=InnoDB AS SELECT s.seq AS id, MD5(s.seq) AS h FROM seq_1_to_" + rows + " s";
            case POSTGRESQL -> "CREATE TABLE " + table + " AS SELECT g AS id, md5(g::text) AS h FROM generate_series(1, " + rows + ") g";
            default -> "CREATE TABLE " + table + " AS SELECT X AS id, HASH('SHA-256', CAST(X AS VARCHAR)) AS h FROM SYSTEM_RANGE(1, " + rows + ")";
        };
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO event (id, payload) VALUES (" + (cancelOnServer ? 11 : 1) + ", 'before the DDL')");
            st.executeUpdate("UPDATE counter SET n = n + 1 WHERE id = 1");
        }
        ForkedProcess w = fork("ddl", yaml.toString(), "9", ddl);
        w.await(l -> l.equals("DDL"), Duration.ofSeconds(40));
        long running;
        try (Connection p = node(0)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while ((running = single(p, "SELECT COALESCE(MAX(position), 0) FROM " + engine.shardlineTable(p, "commits")
                    + " WHERE tx = -1")) == 0) {
                assertThat(System.nanoTime()).as("a running DDL entry appears").isLessThan(deadline);
                Thread.sleep(5);
            }
            w.kill();
            if (cancelOnServer) cancelOnServer(engine, p, table);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!ds.status().stream().filter(s -> !s.isPrimary()).allMatch(s -> s.state().equals("BROKEN"))) {
            assertThat(System.nanoTime()).as("replicas halt at the orphaned DDL: %s", ds.status()).isLessThan(deadline);
            Thread.sleep(50);
        }
        for (var s : ds.status().stream().filter(s -> !s.isPrimary()).toList()) {
            assertThat(s.lastError()).contains("DDL at log position " + running).contains("CREATE TABLE " + table)
                    .contains("resume").contains("skip");
            assertThat(s.position()).isEqualTo(running - 1); // everything before it is applied
        }
        // the operator: did it take effect on the primary? (the server may still be finishing or undoing it)
        boolean tookEffect = settledTableExists(engine, table);
        if (cancelOnServer) assertThat(tookEffect).as("the cancelled DDL took effect on the primary").isFalse();
        System.out.println("CrashSafetyTest: the killed DDL " + (tookEffect ? "took effect" : "did not take effect"));
        String first = topo.replicaName(0, 0);
        if (tookEffect) {
            ds.resumeReplica(first); // recorded on the primary: every replica applies it
        } else {
            ds.skipBrokenEntry(first); // recorded on the primary: no replica applies it
        }
        awaitPosition(ds, first, running);
        ds.resumeReplica(topo.replicaName(0, 1)); // the other replica follows the decision on the primary
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO event (id, payload) VALUES (" + (cancelOnServer ? 12 : 2) + ", 'after the DDL')");
            st.executeUpdate("UPDATE counter SET n = n + 1 WHERE id = 1");
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(60))).as("replicas caught up: %s", ds.status()).isTrue();
        for (int i = 1; i < NODES.length; i++) {
            try (Connection r = node(i); Connection p = node(0)) {
                assertThat(engine.tables(r)).as(NODES[i] + " tables").isEqualTo(engine.tables(p));
                if (tookEffect) {
                    assertThat(TestTopology.count(r, table)).as(NODES[i] + " " + table).isEqualTo(TestTopology.count(p, table));
                }
            }
        }
    }

    private static void awaitPosition(ShardlineDataSource ds, String replica, long position) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (ds.status().stream().noneMatch(s -> s.node().equals(replica) && s.position() >= position)) {
            assertThat(System.nanoTime()).as("%s passes position %d: %s", replica, position, ds.status()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /**
     * Cancels the statement creating {@code table} on the primary's server (the killed client's
     * DDL). Not found within 3 s: the client died between logging the DDL and sending it.
     */
    private static void cancelOnServer(Engine engine, Connection p, String table) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (true) {
            String like = "'CREATE TABLE " + table + " %'";
            String find = switch (engine) {
                case MARIADB -> "SELECT COALESCE(MAX(ID), 0) FROM information_schema.PROCESSLIST WHERE INFO LIKE " + like;
                case POSTGRESQL -> "SELECT COALESCE(MAX(pid), 0) FROM pg_stat_activity WHERE query LIKE " + like + " AND state = 'active'";
                default -> "SELECT COALESCE(MAX(SESSION_ID), 0) FROM INFORMATION_SCHEMA.SESSIONS WHERE EXECUTING_STATEMENT LIKE " + like;
            };
            long id = single(p, find);
            if (id > 0) {
                try (Statement st = p.createStatement()) {
                    st.execute(switch (engine) {
                        case MARIADB -> "KILL QUERY " + id;
                        case POSTGRESQL -> "SELECT pg_cancel_backend(" + id + ")";
                        default -> "CALL CANCEL_SESSION(" + id + ")";
                    });
                }
                return;
            }
            if (System.nanoTime() > deadline) {
                System.out.println("CrashSafetyTest: the killed client never sent its DDL");
                return;
            }
            Thread.sleep(5);
        }
    }

    /**
     * A short-lived process — a batch job, a CLI run, a deploy — writes and closes normally: its
     * close lets the replicas catch up (bounded), so when it has exited every replica holds every
     * committed write, though no Shardline process runs any more.
     */
    @PerEngine(h2OverTcp = true, postgresql = true)
    void aProcessThatEndsNormallyLeavesItsReplicasCurrent(Engine engine) throws Exception {
        endsAndLeavesReplicasCurrent(engine, "write");
    }

    /**
     * The same when the process closes nothing and just ends, as most applications do: the
     * shutdown hook drains (with the hook off the replicas stayed behind: watermark below 1,252).
     */
    @PerEngine(h2OverTcp = true, postgresql = true)
    void aProcessThatExitsWithoutClosingLeavesItsReplicasCurrent(Engine engine) throws Exception {
        endsAndLeavesReplicasCurrent(engine, "write-exit");
    }

    private void endsAndLeavesReplicasCurrent(Engine engine, String mode) throws Exception {
        start(engine);
        ForkedProcess w = fork(mode, yaml.toString(), "5", "4", "250", "0");
        w.await(l -> l.startsWith("DONE "), Duration.ofSeconds(60));
        assertThat(w.process.waitFor(30, TimeUnit.SECONDS)).as("the workload exits").isTrue();
        long head;
        try (Connection p = node(0)) {
            head = position(p, "log_head");
            assertThat(TestTopology.count(p, "event")).isEqualTo(1000);
        }
        for (int i = 1; i < NODES.length; i++) {
            try (Connection r = node(i); Connection p = node(0)) {
                assertThat(position(r, "watermark")).as(NODES[i] + " watermark, with no process running").isEqualTo(head);
                assertThat(TestTopology.dump(r, "event", "id")).as(NODES[i]).isEqualTo(TestTopology.dump(p, "event", "id"));
            }
        }
    }

    /** Whether {@code table} exists on the primary once no statement is creating it any more. */
    private boolean settledTableExists(Engine engine, String table) throws Exception {
        try (Connection p = node(0)) {
            // the server finishes (or undoes) a statement whose client died: PostgreSQL notices the
            // client only when it answers, so an auto-commit CREATE TABLE AS may still commit
            String running = switch (engine) {
                case MARIADB -> "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'CREATE TABLE " + table + " %'";
                case POSTGRESQL -> "SELECT COUNT(*) FROM pg_stat_activity WHERE state <> 'idle' AND query LIKE 'CREATE TABLE "
                        + table + " %' AND pid <> pg_backend_pid()";
                default -> null;
            };
            if (running != null) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (single(p, running) > 0) {
                    assertThat(System.nanoTime()).as("the killed DDL ends on the server").isLessThan(deadline);
                    Thread.sleep(50);
                }
            }
            return engine.tables(p).contains(table);
        }
    }

    private void convergeAndCompare() throws Exception {
        try (ShardlineDataSource ds = ShardlineDataSource.fromYaml(yaml)) {
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                assertThat(st.executeUpdate("UPDATE counter SET n = n WHERE id = 1")).isEqualTo(1);
            }
            assertThat(ds.awaitReplication(CATCH_UP)).as("replicas caught up: %s", ds.status()).isTrue();
        }
        try (Connection p = node(0)) {
            long head = position(p, "log_head");
            // what is left of the log after pruning is contiguous and ends at the head
            try (Statement st = p.createStatement();
                 ResultSet rs = st.executeQuery("SELECT MIN(position), MAX(position), COUNT(*) FROM " + engine.shardlineTable(p, "commits"))) {
                rs.next();
                long count = rs.getLong(3);
                if (count > 0) {
                    assertThat(rs.getLong(2)).as("last log position").isEqualTo(head);
                    assertThat(count).as("log positions %d..%d without gaps", rs.getLong(1), rs.getLong(2))
                            .isEqualTo(rs.getLong(2) - rs.getLong(1) + 1);
                }
            }
            assertConsistent(p, "primary");
            Set<String> tables = engine.tables(p);
            assertThat(tables).contains("counter", "event", "note");
            for (int i = 1; i < NODES.length; i++) {
                try (Connection r = node(i)) {
                    assertThat(position(r, "watermark")).as(NODES[i] + " watermark").isEqualTo(head);
                    assertThat(engine.tables(r)).as(NODES[i] + " tables").isEqualTo(tables);
                    for (String t : List.of("counter", "event", "note")) {
                        assertThat(TestTopology.dump(r, t, "id")).as(NODES[i] + " " + t).isEqualTo(TestTopology.dump(p, t, "id"));
                    }
                    assertConsistent(r, NODES[i]);
                }
            }
        }
    }

    private static void assertConsistent(Connection c, String as) throws SQLException {
        assertThat(single(c, "SELECT n FROM counter WHERE id = 1")).as(as + ": counter.n == count(event)")
                .isEqualTo(TestTopology.count(c, "event"));
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getLong(1);
        }
    }

    private static long field(String line, String name) {
        for (String part : line.split(" ")) {
            if (part.startsWith(name + "=")) return Long.parseLong(part.substring(name.length() + 1));
        }
        throw new IllegalArgumentException(name + " not in " + line);
    }

    private ForkedProcess fork(String... args) throws IOException {
        ForkedProcess w = ForkedProcess.java(CrashWorkload.class.getName(), args);
        workloads.add(w);
        return w;
    }
}
