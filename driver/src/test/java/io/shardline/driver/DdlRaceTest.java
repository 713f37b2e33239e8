package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;

/**
 * DDL racing the writes that depend on it. Capture lives in triggers that Shardline puts on a
 * table right after the DDL that creates or reshapes it; a row written in between would be on the
 * primary and in no log entry. Writers here hammer each table from the moment it is created, and
 * while a column is added; every row the primary kept must be on the replicas, and no replica may
 * stop (a write ordered before the CREATE it depends on would make one BROKEN on "table not found").
 */
public class DdlRaceTest {

    @AutoClose
    TestTopology topo;

    private static final int TABLES = 30;

    @PerEngine(postgresql = true)
    void writesRacingTheCreationAndReshapingOfTheirTableAllReachTheReplicas(Engine engine) throws Exception {
        topo = TestTopology.on(engine).replicas(1).build();
        ShardlineDataSource ds = topo.dataSource();
        AtomicInteger current = new AtomicInteger(-1);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger inserted = new AtomicInteger();
        AtomicInteger raced = new AtomicInteger();
        int writers = 3;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                        for (int n = 0; !stop.get(); ) {
                            int k = current.get();
                            if (k < 0) continue;
                            int id = writer * 1_000_000 + n;
                            // with the added column when it is there, so that a row captured by the
                            // old triggers (without it) would differ on the replica
                            String withW = "INSERT INTO race_" + k + " (id, v, w) VALUES (" + id + ", " + n + ", " + (n + 1) + ")";
                            String plain = "INSERT INTO race_" + k + " (id, v) VALUES (" + id + ", " + n + ")";
                            try {
                                st.executeUpdate(n % 2 == 0 ? withW : plain);
                                inserted.incrementAndGet();
                                n++;
                            } catch (SQLTransactionRollbackException e) {
                                raced.incrementAndGet(); // met the DDL: rolled back, retried
                            } catch (SQLException e) {
                                // the table or its column does not exist yet: try again at once
                                if (n % 2 == 0) {
                                    try {
                                        st.executeUpdate(plain);
                                        inserted.incrementAndGet();
                                        n++;
                                    } catch (SQLTransactionRollbackException r) {
                                        raced.incrementAndGet();
                                    } catch (SQLException ignored) {
                                        // not yet
                                    }
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                for (int k = 0; k < TABLES; k++) {
                    current.set(k);
                    st.execute("CREATE TABLE race_" + k + " (id INT PRIMARY KEY, v INT)" + engine.tableOptions());
                    Thread.sleep(3);
                    st.execute("ALTER TABLE race_" + k + " ADD COLUMN w INT DEFAULT 7");
                    Thread.sleep(3);
                }
            } finally {
                stop.set(true);
            }
            for (Future<?> f : done) f.get(2, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
        System.out.println(engine + ": " + inserted.get() + " rows inserted while their tables were created and altered, "
                + raced.get() + " writes rolled back by the DDL fence and retried");
        assertThat(inserted.get()).as("rows written").isGreaterThan(TABLES);
        assertThat(ds.awaitReplication(Duration.ofSeconds(60))).as("caught up: %s", ds.status()).isTrue();
        assertThat(topo.status(topo.replicaName(0, 0)).state()).isNotEqualTo("BROKEN");
        long total = 0;
        try (Connection p = topo.primary(); Connection r = topo.replica(0)) {
            for (int k = 0; k < TABLES; k++) {
                List<List<String>> rows = TestTopology.dump(p, "race_" + k, "id");
                assertThat(TestTopology.dump(r, "race_" + k, "id")).as("race_" + k + " on the replica").isEqualTo(rows);
                total += rows.size();
            }
        }
        assertThat(total).isEqualTo(inserted.get());
    }

    /** A renamed table (and a renamed column) goes on replicating under its new name, on every engine. */
    @PerEngine(postgresql = true)
    void renamedTablesAndColumnsKeepReplicating(Engine engine) throws Exception {
        topo = TestTopology.on(engine).replicas(1).build();
        ShardlineDataSource ds = topo.dataSource();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE before_name (id INT PRIMARY KEY, v INT)" + engine.tableOptions());
            st.executeUpdate("INSERT INTO before_name VALUES (1, 10), (2, 20)");
            st.execute(engine == Engine.MARIADB ? "RENAME TABLE before_name TO after_name" : "ALTER TABLE before_name RENAME TO after_name");
            st.executeUpdate("INSERT INTO after_name VALUES (3, 30)");
            st.executeUpdate("UPDATE after_name SET v = v + 1 WHERE id = 1");
            st.executeUpdate("DELETE FROM after_name WHERE id = 2");
            st.execute("ALTER TABLE after_name RENAME COLUMN v TO w");
            st.executeUpdate("INSERT INTO after_name (id, w) VALUES (4, 40)");
            st.executeUpdate("UPDATE after_name SET w = w * 2 WHERE id = 3");
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(30))).as("caught up: %s", ds.status()).isTrue();
        assertThat(topo.status(topo.replicaName(0, 0)).state()).isNotEqualTo("BROKEN");
        try (Connection p = topo.primary(); Connection r = topo.replica(0)) {
            List<List<String>> rows = TestTopology.dump(p, "after_name", "id");
            assertThat(rows).hasSize(3);
            assertThat(TestTopology.dump(r, "after_name", "id")).isEqualTo(rows);
        }
    }
}
