package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The status through the platform MBean server. */
class JmxStatusTest {

    @Test
    void runtimeAndNodeMBeansAreReadableAndUnregisteredOnClose() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try (TestTopology t = TestTopology.on(Engine.H2).replicas(1).build()) {
            ObjectName runtimeName;
            ObjectName replicaName;
            try (ShardlineDataSource ds = ShardlineDataSource.fromYaml(t.yaml())) {
                runtimeName = new ObjectName(ds.mbeanName());
                assertThat(runtimeName.getDomain()).isEqualTo("io.shardline");
                assertThat(runtimeName.getKeyProperty("type")).isEqualTo("Shardline");
                assertThat(ObjectName.unquote(runtimeName.getKeyProperty("name"))).isEqualTo(ds.topology().source());
                try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE reading (id INT PRIMARY KEY, val INT)");
                    st.execute("INSERT INTO reading VALUES (1, 2)");
                }
                assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
                ds.awaitStatus(Duration.ofSeconds(5));

                assertThat(server.getAttribute(runtimeName, "Source")).isEqualTo(ds.topology().source());
                assertThat(server.getAttribute(runtimeName, "Nodes")).isEqualTo(new String[] {"primary", "replica-0"});
                assertThat(server.getAttribute(runtimeName, "AckTimeouts")).isEqualTo(0L);
                assertThat((String[]) server.getAttribute(runtimeName, "Status")).hasSize(2);

                var nodes = server.queryNames(new ObjectName("io.shardline:type=Node,name="
                        + runtimeName.getKeyProperty("name") + ",*"), null);
                assertThat(nodes).hasSize(2);
                replicaName = nodes.stream().filter(n -> ObjectName.unquote(n.getKeyProperty("node")).equals("replica-0"))
                        .findFirst().orElseThrow();
                assertThat(ObjectName.unquote(replicaName.getKeyProperty("shard"))).isEqualTo("s0");
                for (int i = 0; i < 100 && !"HEALTHY".equals(server.getAttribute(replicaName, "State")); i++) Thread.sleep(50);
                assertThat(server.getAttribute(replicaName, "State")).isEqualTo("HEALTHY");
                assertThat(server.getAttribute(runtimeName, "Healthy")).isEqualTo(true);
                assertThat(server.getAttribute(replicaName, "Role")).isEqualTo("replica");
                assertThat(server.getAttribute(replicaName, "Position")).isEqualTo(2L);
                assertThat(server.getAttribute(replicaName, "LagEntries")).isEqualTo(0L);
                assertThat(server.getAttribute(replicaName, "AppliedEntries")).isEqualTo(2L);
                assertThat((Double) server.getAttribute(replicaName, "ApplyRate")).isPositive();
                assertThat(server.getAttribute(replicaName, "LastError")).isNull();
                assertThat(server.getAttribute(replicaName, "LastErrorTime")).isNull();

                // a second runtime of the same topology gets a numbered name instead of failing
                try (ShardlineDataSource second = ShardlineDataSource.fromYaml(t.yaml())) {
                    ObjectName secondName = new ObjectName(second.mbeanName());
                    assertThat(secondName).isNotEqualTo(runtimeName);
                    assertThat(ObjectName.unquote(secondName.getKeyProperty("name"))).isEqualTo(ds.topology().source() + "#2");
                    assertThat(server.isRegistered(secondName)).isTrue();
                    ds.pauseReplica("replica-0");
                    // the second runtime's applier may apply it; pause it there too so the lag is visible in the first
                    second.pauseReplica("replica-0");
                    Thread.sleep(300);
                    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                        st.execute("INSERT INTO reading VALUES (2, 3)");
                    }
                    assertThat(server.getAttribute(replicaName, "LagEntries")).isEqualTo(1L);
                    ObjectName primaryName = nodes.stream().filter(n -> !n.equals(replicaName)).findFirst().orElseThrow();
                    assertThat(server.getAttribute(primaryName, "Position")).isEqualTo(3L);
                    assertThat((Long) server.getAttribute(primaryName, "Writes")).isGreaterThanOrEqualTo(3L);
                    ds.unpauseReplica("replica-0");
                }
                assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
            }
            assertThat(server.isRegistered(runtimeName)).isFalse();
            assertThat(server.isRegistered(replicaName)).isFalse();
        }
    }
}
