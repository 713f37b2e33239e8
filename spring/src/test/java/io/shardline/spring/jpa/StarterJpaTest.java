package io.shardline.spring.jpa;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.driver.NodeStatus;
import io.shardline.driver.ShardlineDataSource;
import io.shardline.spring.Physical;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * An application whose only Shardline setting is {@code spring.datasource.url}: the DataSource,
 * spring.sql.init, JPA (ddl-auto create-drop as on embedded H2), JdbcTemplate, read-only
 * transactions on replicas, and read-your-writes under lag.
 */
@SpringBootTest(classes = JpaTestApp.class, properties = "spring.datasource.url=jdbc:shardline:classpath:jpa-topology.yaml")
class StarterJpaTest {

    static final String PRIMARY = "spring_jpa_p";
    static final String[] REPLICAS = {"spring_jpa_a", "spring_jpa_b"};

    @Autowired
    ApplicationContext context;
    @Autowired
    DataSource dataSource;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    CustomerRepository customers;
    @Autowired
    JpaTestApp.Reader reader;

    ShardlineDataSource shardline() {
        return (ShardlineDataSource) dataSource;
    }

    @AfterEach
    void unpause() {
        shardline().unpauseReplica("jpa-replica-a");
        shardline().unpauseReplica("jpa-replica-b");
    }

    @Test
    void theDataSourceIsTheShardlineDataSourceWithNoPoolOnTop() {
        assertThat(dataSource).isInstanceOf(ShardlineDataSource.class);
        assertThat(context.getBeansOfType(DataSource.class)).hasSize(1);
        assertThat(context.getBeanNamesForType(com.zaxxer.hikari.HikariDataSource.class)).isEmpty();
    }

    @Test
    void sqlInitRanThroughShardlineAndReachedEveryNode() throws Exception {
        assertThat(jdbc.queryForList("SELECT text FROM greeting ORDER BY id", String.class)).containsExactly("hello", "bonjour");
        assertThat(shardline().awaitReplication(Duration.ofSeconds(10))).isTrue();
        for (String replica : REPLICAS) {
            assertThat(Physical.dump(replica, "greeting", "id")).isEqualTo(Physical.dump(PRIMARY, "greeting", "id"));
        }
    }

    @Test
    void jdbcTemplateAndJpaWriteAndReadAndTheReplicasConverge() throws Exception {
        jdbc.update("INSERT INTO greeting (id, text) VALUES (?, ?)", 100, "hallo");
        Customer ada = customers.save(new Customer("Ada"));
        Customer bob = customers.save(new Customer("Bob"));
        ada.setName("Ada L.");
        customers.save(ada);
        customers.delete(bob);

        assertThat(jdbc.queryForObject("SELECT text FROM greeting WHERE id = 100", String.class)).isEqualTo("hallo");
        assertThat(customers.findById(ada.getId())).map(Customer::getName).contains("Ada L.");
        assertThat(customers.findById(bob.getId())).isEmpty();

        assertThat(shardline().awaitReplication(Duration.ofSeconds(10))).isTrue();
        List<List<String>> primaryCustomers = Physical.dump(PRIMARY, "customer", "id");
        assertThat(primaryCustomers).extracting(r -> r.get(1)).contains("Ada L.").doesNotContain("Bob");
        for (String replica : REPLICAS) {
            assertThat(Physical.dump(replica, "customer", "id")).isEqualTo(primaryCustomers);
            assertThat(Physical.dump(replica, "greeting", "id")).isEqualTo(Physical.dump(PRIMARY, "greeting", "id"));
        }
    }

    @Test
    void readOnlyTransactionsReadTheReplicasAndFallBackToThePrimaryWhenTheyLag() throws Exception {
        Customer c = customers.save(new Customer("Grace"));
        assertThat(shardline().awaitReplication(Duration.ofSeconds(10))).isTrue();

        long[] before = reads();
        for (int i = 0; i < 20; i++) assertThat(reader.name(c.getId())).contains("Grace");
        long[] after = reads();
        assertThat(after[0] - before[0]).as("reads on the primary").isZero();
        assertThat((after[1] - before[1]) + (after[2] - before[2])).as("reads on the replicas").isGreaterThanOrEqualTo(20);
        assertThat(after[1] - before[1]).as("replica a").isPositive();
        assertThat(after[2] - before[2]).as("replica b").isPositive();

        // replicas that have not applied the instance's last commit get no reads: the primary answers
        shardline().pauseReplica("jpa-replica-a");
        shardline().pauseReplica("jpa-replica-b");
        c.setName("Grace H.");
        customers.save(c);
        before = reads();
        assertThat(reader.name(c.getId())).contains("Grace H.");
        after = reads();
        assertThat(after[0] - before[0]).as("reads on the primary").isPositive();
        assertThat(after[1] + after[2]).isEqualTo(before[1] + before[2]);
        // ...and a replica read would have been stale
        assertThat(Physical.dump(REPLICAS[0], "customer", "id")).contains(List.of(c.getId().toString(), "Grace"));
    }

    @Test
    void saveThenFindByIdIsNeverStaleAThousandTimesInARowWhileTheReplicasLag() throws Exception {
        Customer c = customers.save(new Customer("v-start"));
        assertThat(shardline().awaitReplication(Duration.ofSeconds(10))).isTrue();
        // replica b applies nothing during the loop; replica a applies continuously, racing the reads
        shardline().pauseReplica("jpa-replica-b");
        long[] before = reads();
        int staleOnReplicaA = 0;
        for (int i = 0; i < 1000; i++) {
            String name = "v" + i;
            c.setName(name);
            c = customers.save(c);
            assertThat(reader.name(c.getId())).as("read after save #" + i).contains(name);
            if (i % 100 == 0 && !name.equals(nameOn(REPLICAS[0], c.getId()))) staleOnReplicaA++;
        }
        long[] after = reads();
        assertThat(after[2]).as("the paused replica got no reads").isEqualTo(before[2]);
        // the paused replica is still at the first value: reading it would have been stale every time
        assertThat(nameOn(REPLICAS[1], c.getId())).isEqualTo("v-start");
        System.out.printf("1000 save+findById: primary reads %d, replica-a reads %d, replica-a behind at %d of 10 samples%n",
                after[0] - before[0], after[1] - before[1], staleOnReplicaA);
        shardline().unpauseReplica("jpa-replica-b");
        assertThat(shardline().awaitReplication(Duration.ofSeconds(10))).isTrue();
        assertThat(nameOn(REPLICAS[1], c.getId())).isEqualTo("v999");
    }

    private static String nameOn(String db, long id) throws Exception {
        for (List<String> row : Physical.dump(db, "customer", "id")) if (row.get(0).equals(Long.toString(id))) return row.get(1);
        return null;
    }

    /** Statements routed as reads to the primary, replica a, replica b. */
    private long[] reads() {
        long[] r = new long[3];
        for (NodeStatus n : shardline().status()) {
            switch (n.node()) {
                case "jpa-primary" -> r[0] = n.reads();
                case "jpa-replica-a" -> r[1] = n.reads();
                case "jpa-replica-b" -> r[2] = n.reads();
                default -> throw new AssertionError(n.node());
            }
        }
        return r;
    }
}
