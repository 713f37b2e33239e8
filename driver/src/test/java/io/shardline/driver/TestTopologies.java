package io.shardline.driver;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The former H2 fixture, now a thin view of {@link TestTopology}: kept only for
 * {@link JdbcSurfaceTest}, which another change is moving to {@link TestTopology}. Delete this
 * class once nothing uses it; new tests use {@link TestTopology}.
 */
final class TestTopologies {

    private TestTopologies() {
    }

    /** A one-shard H2 in-memory topology: 1 primary, {@code replicas} replicas. Never closed (as before). */
    static final class H2 {
        final TestTopology topology;
        final String prefix;
        final Path yaml;
        final String url;

        H2(Path dir, int replicas, String extraYaml) throws Exception {
            topology = TestTopology.on(Engine.H2).in(dir).replicas(replicas).yaml(extraYaml).build();
            prefix = topology.id();
            yaml = topology.yaml();
            url = topology.url();
        }

        Connection primary() throws SQLException {
            return topology.primary();
        }

        Connection replica(int i) throws SQLException {
            return topology.replica(i);
        }
    }

    static List<List<String>> dump(Connection c, String table, String orderBy) throws SQLException {
        return TestTopology.dump(c, table, orderBy);
    }

    static long count(Connection c, String table) throws SQLException {
        return TestTopology.count(c, table);
    }
}
