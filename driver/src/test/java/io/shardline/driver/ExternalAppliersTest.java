package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;

/**
 * {@code replication.appliers: external}: the application applies nothing and prunes nothing; a
 * {@link ShardlineReplicator} (here in the same JVM, as an embedding service would run it) does,
 * and the application's reads follow the replicas' positions it watches.
 */
class ExternalAppliersTest {

    @AutoClose
    TestTopology topo;

    @PerEngine(postgresql = true)
    void anApplicationWithExternalAppliersLeavesApplyingToTheReplicator(Engine engine) throws Exception {
        topo = TestTopology.on(engine).replicas(1).replication("appliers", "external").build();
        ShardlineDataSource ds = topo.dataSource();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE ext (id INT PRIMARY KEY, v INT)" + engine.tableOptions());
            for (int i = 0; i < 20; i++) st.executeUpdate("INSERT INTO ext VALUES (" + i + ", " + i + ")");
        }
        assertThat(ds.awaitReplication(Duration.ofMillis(1500))).as("nobody applies yet").isFalse();
        try (Connection r = topo.replica(0); Statement st = r.createStatement()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> st.executeQuery("SELECT COUNT(*) FROM ext"))
                    .as("the replica has not even the table").isInstanceOf(java.sql.SQLException.class);
        }
        assertThat(topo.status(topo.replicaName(0, 0)).state()).isIn("HEALTHY", "DOWN"); // watched, not applied
        // operator actions belong to the process that applies
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ds.pauseReplica(topo.replicaName(0, 0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("replicator");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ds.resumeReplica(topo.replicaName(0, 0)))
                .isInstanceOf(IllegalStateException.class);
        try (Connection p = topo.primary(); Statement st = p.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + engine.shardlineTable(p, "commits"))) {
            rs.next();
            assertThat(rs.getLong(1)).as("the application pruned nothing").isGreaterThanOrEqualTo(21);
        }

        try (ShardlineReplicator replicator = ShardlineReplicator.start(topo.yaml())) {
            assertThat(ds.awaitReplication(Duration.ofSeconds(20))).as("the watcher sees the replicator's progress: %s",
                    ds.status()).isTrue();
            try (Connection p = topo.primary(); Connection r = topo.replica(0)) {
                assertThat(TestTopology.dump(r, "ext", "id")).isEqualTo(TestTopology.dump(p, "ext", "id")).hasSize(20);
            }
            assertThat(replicator.healthy()).isTrue();
            // read-your-writes through the watched position: a read after a write sees it
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE ext SET v = 100 WHERE id = 3");
                try (ResultSet rs = st.executeQuery("SELECT v FROM ext WHERE id = 3")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(100);
                }
            }
            assertThat(ds.awaitReplication(Duration.ofSeconds(20))).isTrue();
            assertThat(topo.status(topo.replicaName(0, 0)).state()).isEqualTo("HEALTHY");
        }
    }
}
