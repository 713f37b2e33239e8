package io.shardline.spring.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.driver.NodeStatus;
import io.shardline.driver.ShardlineDataSource;
import io.shardline.spring.Physical;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.springframework.jdbc.core.JdbcTemplate;

/** What an application does through Boot's pool: concurrent writes and reads; then every replica must be caught up. */
final class PooledWorkload {

    private PooledWorkload() {
    }

    static void run(JdbcTemplate jdbc, ShardlineDataSource shardline, String table, String primaryDb, String... replicaDbs)
            throws Exception {
        jdbc.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, worker INT, n INT)");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int worker = w;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        int id = worker * 1000 + i;
                        jdbc.update("INSERT INTO " + table + " VALUES (?, ?, ?)", id, worker, i);
                        assertThat(jdbc.queryForObject("SELECT n FROM " + table + " WHERE id = ?", Integer.class, id)).isEqualTo(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
        assertThat(shardline.awaitReplication(Duration.ofSeconds(15))).as("replicas caught up: " + shardline.status()).isTrue();
        for (NodeStatus n : shardline.status()) assertThat(n.state()).as(n.toString()).isIn("HEALTHY", "CATCHING_UP");
        for (String r : replicaDbs) assertThat(Physical.dump(r, table, "id")).isEqualTo(Physical.dump(primaryDb, table, "id"));
        assertThat(Physical.dump(primaryDb, table, "id")).hasSize(400);
    }
}
