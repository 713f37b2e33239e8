package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.junit.jupiter.api.Test;

/** Hibernate, unchanged, over two shards: snowflake ids, routed lookups, JPQL across shards. */
class HibernateShardingTest {

    @Entity(name = "Customer")
    @Table(name = "customers")
    public static class Customer {
        @Id
        @GeneratedValue(strategy = GenerationType.IDENTITY)
        Long id;
        String name;
    }

    @Entity(name = "PurchaseOrder")
    @Table(name = "orders")
    public static class PurchaseOrder {
        @Id
        @GeneratedValue(strategy = GenerationType.IDENTITY)
        Long id;
        /** The shard key: never updated (moving a row between shards is refused). */
        @Column(name = "customer_id", nullable = false, updatable = false)
        Long customerId;
        @Column(precision = 12, scale = 2)
        BigDecimal amount;
        String status;
    }

    @Test
    void entitiesSpreadOverShardsAndQueriesMergeAcrossThem() throws Exception {
        try (TestTopology topo = TestTopology.on(Engine.H2).shards(2).replicas(1)
                .table("customers", "{ shardKey: id, strategy: hash, keyGenerator: { column: id, type: snowflake } }")
                .table("orders", "{ shardKey: customer_id, strategy: mod, keyGenerator: { column: id, type: snowflake } }")
                .build()) {
            SessionFactory sf = HibernateFixture.sessionFactory(topo, Customer.class, PurchaseOrder.class);
            ShardlineDataSource ds = topo.dataSource();
            List<Long> customerIds = new ArrayList<>();
            List<Long> orderIds = new ArrayList<>();
            try (Session s = sf.openSession()) {
                Transaction tx = s.beginTransaction();
                for (int i = 0; i < 20; i++) {
                    Customer c = new Customer();
                    c.name = "customer-" + i;
                    s.persist(c);
                    customerIds.add(c.id);
                }
                tx.commit();
                // each customer's orders in one transaction: they share the customer's shard
                for (int i = 0; i < 20; i++) {
                    tx = s.beginTransaction();
                    for (int k = 0; k < 3; k++) {
                        PurchaseOrder o = new PurchaseOrder();
                        o.customerId = (long) i;
                        o.amount = BigDecimal.valueOf(100 * i + k, 2);
                        o.status = k == 0 ? "NEW" : "PAID";
                        s.persist(o);
                        orderIds.add(o.id);
                    }
                    tx.commit();
                }
            }
            assertThat(new HashSet<>(customerIds)).hasSize(20).doesNotContainNull();
            assertThat(new HashSet<>(orderIds)).hasSize(60);
            try (Session s = sf.openSession()) {
                // a lookup by the shard key goes to one shard
                for (int i = 0; i < 20; i++) {
                    Customer c = s.find(Customer.class, customerIds.get(i));
                    assertThat(c).isNotNull();
                    assertThat(c.name).isEqualTo("customer-" + i);
                }
                // updates and deletes by id: the id is not the shard key of orders, so they reach every shard
                Transaction tx = s.beginTransaction();
                PurchaseOrder first = s.find(PurchaseOrder.class, orderIds.get(0));
                first.status = "SHIPPED";
                s.remove(s.find(PurchaseOrder.class, orderIds.get(1)));
                tx.commit();
            }
            try (Session s = sf.openSession()) {
                Long count = s.createQuery("select count(o) from PurchaseOrder o", Long.class).getSingleResult();
                assertThat(count).isEqualTo(59);
                List<PurchaseOrder> top = s.createQuery(
                        "select o from PurchaseOrder o where o.status = :st order by o.amount desc, o.id", PurchaseOrder.class)
                        .setParameter("st", "PAID").setMaxResults(5).getResultList();
                assertThat(top).extracting(o -> o.amount.toPlainString())
                        .containsExactly("19.02", "19.01", "18.02", "18.01", "17.02");
                List<Object[]> byStatus = s.createQuery(
                        "select o.status, count(o), sum(o.amount) from PurchaseOrder o group by o.status order by o.status",
                        Object[].class).getResultList();
                assertThat(byStatus).extracting(r -> r[0] + "=" + r[1]).containsExactly("NEW=19", "PAID=39", "SHIPPED=1");
                assertThat(s.find(PurchaseOrder.class, orderIds.get(0)).status).isEqualTo("SHIPPED");
            }
            assertThat(ds.awaitReplication(Duration.ofSeconds(20))).isTrue();
            long orders = 0;
            for (int shard = 0; shard < 2; shard++) {
                try (Connection p = topo.direct(topo.primaryName(shard)); Connection r = topo.direct(topo.replicaName(shard, 0))) {
                    try (var st = p.createStatement(); var rs = st.executeQuery("SELECT customer_id FROM orders")) {
                        while (rs.next()) assertThat(Math.floorMod(rs.getLong(1), 2)).isEqualTo(shard);
                    }
                    orders += TestTopology.count(p, "orders");
                    assertThat(TestTopology.count(p, "customers")).isPositive();
                    assertThat(TestTopology.dump(r, "orders", "id")).isEqualTo(TestTopology.dump(p, "orders", "id"));
                    assertThat(TestTopology.dump(r, "customers", "id")).isEqualTo(TestTopology.dump(p, "customers", "id"));
                }
            }
            assertThat(orders).isEqualTo(59);
        }
    }
}
