package io.shardline.spring.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.shardline.driver.ShardlineDataSource;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Acceptance test for wrapping Shardline in Spring Boot's default pool: HikariCP with 10
 * connections, all kept idle (minimumIdle = maximumPoolSize), over Shardline's default node pools
 * (10 each). A logical connection that was used still holds a physical connection per node it
 * used until it is closed, so the 10 connections can hold every application connection of the
 * primary's pool: the appliers must not depend on that pool (they have a replication pool of
 * their own), or the replicas never apply (as before that change: 0 of 400 entries applied).
 */
@SpringBootTest(classes = PoolTestApp.class, properties = {
        "spring.datasource.url=jdbc:shardline:classpath:hikari-default-topology.yaml",
        "shardline.datasource.pool=hikari",
        "spring.sql.init.mode=never"})
class BootPoolDefaultSizesTest {

    @Autowired
    DataSource dataSource;
    @Autowired
    ShardlineDataSource shardline;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void bootsDefaultPoolDoesNotStarveShardlinesNodePools() throws Exception {
        HikariDataSource hikari = (HikariDataSource) dataSource;
        assertThat(hikari.getMaximumPoolSize()).isEqualTo(10);
        jdbc.queryForObject("SELECT 1", Integer.class); // starts the pool
        // Boot's pool fills its 10 idle connections in the background
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (hikari.getHikariPoolMXBean().getIdleConnections() < 10 && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(hikari.getHikariPoolMXBean().getIdleConnections()).isEqualTo(10);
        PooledWorkload.run(jdbc, shardline, "default_pooled_rows", "spring_pooled_p", "spring_pooled_a", "spring_pooled_b");
    }
}
