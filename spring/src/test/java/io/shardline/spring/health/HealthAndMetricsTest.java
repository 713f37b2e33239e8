package io.shardline.spring.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.shardline.driver.NodeStatus;
import io.shardline.driver.ShardlineDataSource;
import io.shardline.spring.Physical;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

@SpringBootTest(classes = HealthTestApp.class, properties = {
        "spring.datasource.url=jdbc:shardline:classpath:health-topology.yaml",
        "spring.sql.init.mode=never",
        "management.endpoint.health.show-details=always",
        "management.endpoints.web.exposure.include=health,metrics"})
@AutoConfigureMockMvc
@AutoConfigureObservability(tracing = false)
class HealthAndMetricsTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    ShardlineDataSource shardline;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MeterRegistry meters;

    @Test
    void healthIsUpWithEveryNodeAndDownWhileAReplicaIsBrokenAndNeverShowsAPassword() throws Exception {
        assertThat(shardline.awaitStatus(Duration.ofSeconds(10))).isTrue();
        String up = health(200);
        assertThat(up).contains("\"shardline\":{\"status\":\"UP\"");
        for (String node : new String[] {"health-primary", "health-replica-a", "health-replica-b"}) {
            assertThat(up).contains("\"" + node + "\":{\"shard\":\"main\",\"role\":\"" + (node.endsWith("primary") ? "primary" : "replica"));
        }
        assertThat(up).contains("\"position\":").contains("\"lagEntries\":").contains("\"lagSeconds\":");
        assertThat(up).doesNotContain("s3cret").doesNotContain("jdbc:h2");

        // a row deleted behind Shardline's back on replica a: the replicated update finds nothing, the replica halts
        jdbc.execute("CREATE TABLE acct (id INT PRIMARY KEY, owner VARCHAR(20))");
        jdbc.update("INSERT INTO acct VALUES (7, 'owner')");
        assertThat(shardline.awaitReplication(Duration.ofSeconds(10))).isTrue();
        try (var c = Physical.open("spring_health_a", "pw-health-replica-s3cret"); var st = c.createStatement()) {
            st.execute("DELETE FROM acct WHERE id = 7");
        }
        jdbc.update("UPDATE acct SET owner = 'new owner' WHERE id = 7");
        NodeStatus broken = awaitState("health-replica-a", "BROKEN");

        String down = health(503);
        assertThat(down).contains("\"shardline\":{\"status\":\"DOWN\"");
        assertThat(down).contains("\"health-replica-a\":{\"shard\":\"main\",\"role\":\"replica\",\"state\":\"BROKEN\"");
        assertThat(down).contains("\"brokenPosition\":" + broken.brokenPosition()).contains("\"lastError\":");
        assertThat(down).doesNotContain("s3cret");
        // the replica's state is also a meter
        assertThat(meters.get("shardline.replica.state").tag("node", "health-replica-a").gauge().value()).isEqualTo(3.0);

        // the operator restores the row and resumes: UP again
        try (var c = Physical.open("spring_health_a", "pw-health-replica-s3cret"); var st = c.createStatement()) {
            st.execute("INSERT INTO acct VALUES (7, 'owner')");
        }
        shardline.resumeReplica("health-replica-a");
        assertThat(shardline.awaitReplication(Duration.ofSeconds(10))).isTrue();
        awaitState("health-replica-a", "HEALTHY");
        assertThat(health(200)).contains("\"shardline\":{\"status\":\"UP\"");
    }

    @Test
    void shardlineMetersAreBoundToBootsMeterRegistry() throws Exception {
        jdbc.queryForObject("SELECT 1", Integer.class);
        for (String node : new String[] {"health-replica-a", "health-replica-b"}) {
            Gauge state = meters.get("shardline.replica.state").tags("shard", "main", "node", node, "role", "replica").gauge();
            assertThat(state).isNotNull();
            assertThat(meters.get("shardline.replication.lag").tag("node", node).gauge()).isNotNull();
            assertThat(meters.get("shardline.replication.applied").tag("node", node).functionCounter()).isNotNull();
        }
        assertThat(meters.get("shardline.primary.state").tag("node", "health-primary").gauge().value()).isZero();
        assertThat(meters.get("shardline.reads").tag("node", "health-primary").functionCounter()).isNotNull();
        assertThat(meters.get("shardline.writes").tag("node", "health-primary").functionCounter()).isNotNull();
        // and through the actuator
        MvcResult r = mvc.perform(get("/actuator/metrics/shardline.replica.state")).andReturn();
        assertThat(r.getResponse().getStatus()).isEqualTo(200);
        assertThat(r.getResponse().getContentAsString()).contains("health-replica-a");
    }

    private String health(int expectedStatus) throws Exception {
        MvcResult r = mvc.perform(get("/actuator/health")).andReturn();
        String body = r.getResponse().getContentAsString();
        assertThat(r.getResponse().getStatus()).as(body).isEqualTo(expectedStatus);
        return body;
    }

    private NodeStatus awaitState(String node, String state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        NodeStatus s;
        while (!(s = shardline.nodeStatus(node)).state().equals(state)) {
            assertThat(System.nanoTime() - deadline).as(node + " never became " + state + ": " + s).isNegative();
            Thread.sleep(20);
        }
        return s;
    }
}
