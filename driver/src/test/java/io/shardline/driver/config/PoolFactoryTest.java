package io.shardline.driver.config;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.shardline.routing.Topology;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PoolFactoryTest {

    @Test
    void appliesUrlCredentialsPoolSettingsAndName() {
        Topology.DataSourceConfig ds = new Topology.DataSourceConfig("s0-primary", "jdbc:h2:mem:pf1", "sa", "pw",
                Map.of("maximumPoolSize", "3", "connectionTimeout", "2s", "idleTimeout", "60000",
                        "autoCommit", "false", "dataSource.cachePrepStmts", "true", "connectionTestQuery", "SELECT 1"));
        HikariConfig c = PoolFactory.config(ds, "s0-primary");
        assertThat(c.getJdbcUrl()).isEqualTo("jdbc:h2:mem:pf1");
        assertThat(c.getUsername()).isEqualTo("sa");
        assertThat(c.getPassword()).isEqualTo("pw");
        assertThat(c.getPoolName()).isEqualTo("shardline-s0-primary");
        assertThat(c.getMaximumPoolSize()).isEqualTo(3);
        assertThat(c.getConnectionTimeout()).isEqualTo(2000);
        assertThat(c.getIdleTimeout()).isEqualTo(60000);
        assertThat(c.isAutoCommit()).isFalse();
        assertThat(c.getConnectionTestQuery()).isEqualTo("SELECT 1");
        assertThat(c.getDataSourceProperties()).containsEntry("cachePrepStmts", "true");
    }

    @Test
    void leavesAutoCommitToHikariByDefault() {
        HikariConfig c = PoolFactory.config(
                new Topology.DataSourceConfig("a", "jdbc:h2:mem:pf2", null, null, Map.of()), "a");
        assertThat(c.isAutoCommit()).isEqualTo(new HikariConfig().isAutoCommit());
        assertThat(c.getUsername()).isNull();
    }

    @Test
    void knowsHikariPropertiesByReflection() {
        assertThat(PoolFactory.isProperty("maximumPoolSize")).isTrue();
        assertThat(PoolFactory.isProperty("leakDetectionThreshold")).isTrue();
        assertThat(PoolFactory.isProperty("maxPoolSize")).isFalse();
        assertThat(PoolFactory.isProperty("metricRegistry")).isFalse(); // takes an object, not settable from YAML
        assertThat(PoolFactory.convert("maxLifetime", "30m")).isEqualTo(1_800_000L);
        assertThat(PoolFactory.convert("initializationFailTimeout", "-1")).isEqualTo(-1L);
        assertThatThrownBy(() -> PoolFactory.convert("readOnly", "yes")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsReservedAndUnknownPropertiesWithoutEchoingPasswords() {
        Topology.DataSourceConfig ds = new Topology.DataSourceConfig("a", "jdbc:h2:mem:pf3", "sa", "hunter2-secret",
                Map.of("password", "other-secret"));
        assertThatThrownBy(() -> PoolFactory.config(ds, "a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret");
        Topology.DataSourceConfig unknown = new Topology.DataSourceConfig("a", "jdbc:h2:mem:pf3", null, null,
                Map.of("bogus", "1"));
        assertThatThrownBy(() -> PoolFactory.config(unknown, "a")).hasMessageContaining("bogus");
    }

    @Test
    void createsAWorkingPoolOnH2() throws Exception {
        Topology.DataSourceConfig ds = new Topology.DataSourceConfig("h2", "jdbc:h2:mem:pf4;DB_CLOSE_DELAY=-1",
                "sa", "", Map.of("maximumPoolSize", "2"));
        try (HikariDataSource pool = PoolFactory.create(ds, "h2");
             Connection c = pool.getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 41 + 1")) {
            assertThat(pool.getPoolName()).isEqualTo("shardline-h2");
            assertThat(pool.getMaximumPoolSize()).isEqualTo(2);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
    }
}
