package io.shardline.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.cfg.Configuration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A small Hibernate read/write mix on 1 primary + 2 replicas: each operation opens a session and
 * loads an account by id (a read, outside a transaction); every fourth operation also changes the
 * account's balance in a transaction (a write). Hibernate runs unchanged over each contender's
 * DataSource: raw HikariCP on the primary, Shardline, ShardingSphere-JDBC.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class HibernateMixBenchmark {

    /** The benchmark's entity, on the pre-filled {@code accounts} table. */
    @Entity(name = "Account")
    @Table(name = "accounts")
    public static class Account {
        @Id
        Long id;
        String name;
        BigDecimal balance;
    }

    static final String PRIMARY = "hm_p";
    static final List<String> REPLICAS = List.of("hm_a", "hm_b");

    @Param({"raw", "shardline", "shardingsphere"})
    public String contender;

    DataSource dataSource;
    SessionFactory sessions;

    @Setup(Level.Trial)
    public void start() throws Exception {
        Databases.createReadWrite(PRIMARY, REPLICAS.get(0), REPLICAS.get(1));
        dataSource = switch (contender) {
            case "raw" -> Databases.pool(PRIMARY, PrimaryReplicaBenchmark.POOL);
            case "shardline" -> Databases.shardline(
                    Databases.shardlineReadWriteYaml(PRIMARY, REPLICAS, PrimaryReplicaBenchmark.POOL), "hm");
            case "shardingsphere" -> Databases.shardingSphereReadWrite(PRIMARY, REPLICAS, PrimaryReplicaBenchmark.POOL);
            default -> throw new IllegalArgumentException("unknown contender " + contender);
        };
        Configuration cfg = new Configuration().addAnnotatedClass(Account.class);
        cfg.getProperties().put("hibernate.connection.datasource", dataSource);
        cfg.setProperty("hibernate.dialect", "org.hibernate.dialect.H2Dialect");
        cfg.setProperty("hibernate.hbm2ddl.auto", "none");
        sessions = cfg.buildSessionFactory();
        // the contender answers correctly before it is timed
        try (Session s = sessions.openSession()) {
            Account a = s.find(Account.class, 42L);
            if (a == null || !"account-42".equals(a.name)) {
                throw new IllegalStateException(contender + ": wrong answer for find(42)");
            }
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        if (sessions != null) sessions.close();
        if (dataSource instanceof HikariDataSource h) Databases.closeQuietly(h);
        else if (dataSource instanceof AutoCloseable c) Databases.closeQuietly(c);
    }

    /** Per-thread random ids. */
    @State(Scope.Thread)
    public static class Ids {
        SplittableRandom random = new SplittableRandom(Thread.currentThread().getId() * 31L);
        int op;
    }

    @Benchmark
    public Object readWriteMix(Ids ids) {
        long id = 1 + ids.random.nextInt(Databases.ACCOUNTS);
        try (Session s = sessions.openSession()) {
            Account a = s.find(Account.class, id);
            if (++ids.op % 4 == 0) {
                Transaction tx = s.beginTransaction();
                a.balance = a.balance.add(BigDecimal.ONE);
                tx.commit();
            }
            return a.balance;
        }
    }
}
