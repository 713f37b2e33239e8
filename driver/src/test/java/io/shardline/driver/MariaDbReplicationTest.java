package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replication path on real MariaDB databases through mysql-connector-j. */
class MariaDbReplicationTest {

    @TempDir
    Path dir;
    MariaDb db;
    ShardlineDataSource ds;

    @AfterEach
    void stop() throws Exception {
        if (ds != null) ds.close();
        if (db != null) db.close();
    }

    @Test
    void identityInsertsUpdatesAndConcurrentWritersConverge() throws Exception {
        db = new MariaDb(dir, 2, null);
        ds = ShardlineDataSource.forUrl(db.url);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE item (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50), price DECIMAL(10,2)) ENGINE=InnoDB");
            st.execute("CREATE TABLE counter (id INT PRIMARY KEY, n BIGINT) ENGINE=InnoDB");
            st.execute("INSERT INTO counter VALUES (1, 0)");
            st.executeUpdate("INSERT INTO item (name, price) VALUES ('a', 1.50), ('b', 2.25)", Statement.RETURN_GENERATED_KEYS);
            ResultSet keys = st.getGeneratedKeys();
            List<Long> ids = new ArrayList<>();
            while (keys.next()) ids.add(keys.getLong(1));
            assertThat(ids).containsExactly(1L, 2L);
        }
        try (Connection p = db.primary(); Statement st = p.createStatement()) {
            st.execute("ALTER TABLE item AUTO_INCREMENT = 500"); // the replicas must still get the primary's ids
        }
        int writers = 8;
        int perWriter = 40;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            futures.add(pool.submit(() -> {
                try (Connection c = ds.getConnection();
                     PreparedStatement ins = c.prepareStatement("INSERT INTO item (name, price) VALUES (?, ?)");
                     PreparedStatement up = c.prepareStatement("UPDATE counter SET n = n + 1 WHERE id = 1")) {
                    for (int i = 0; i < perWriter; i++) {
                        boolean tx = i % 2 == 0;
                        if (tx) c.setAutoCommit(false);
                        ins.setString(1, "w" + writer + "-" + i);
                        ins.setBigDecimal(2, new BigDecimal(i).movePointLeft(2));
                        ins.executeUpdate();
                        up.executeUpdate();
                        if (tx) {
                            c.commit();
                            c.setAutoCommit(true);
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) f.get();
        pool.shutdown();
        assertThat(ds.awaitReplication(Duration.ofSeconds(60))).isTrue();
        try (Connection p = db.primary()) {
            assertThat(TestTopologies.count(p, "item")).isEqualTo(2 + writers * perWriter);
            for (int i = 0; i < 2; i++) {
                try (Connection r = db.replica(i)) {
                    assertThat(TestTopologies.dump(r, "item", "id")).isEqualTo(TestTopologies.dump(p, "item", "id"));
                    assertThat(TestTopologies.dump(r, "counter", "id")).isEqualTo(TestTopologies.dump(p, "counter", "id"));
                }
            }
        }
    }
}
