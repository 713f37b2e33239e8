package io.shardline.spring.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.shardline.driver.ShardlineDataSource;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code shardline.datasource.pool=hikari}: Boot's HikariCP pool, configured by
 * {@code spring.datasource.hikari.*}, over the ShardlineDataSource. The node pools are sized 30 in
 * hikari-topology.yaml so that the 10 idle logical connections cannot starve them (see
 * {@link BootPoolDefaultSizesTest} for the default sizes).
 */
@SpringBootTest(classes = PoolTestApp.class, properties = {
        "spring.datasource.url=jdbc:shardline:classpath:hikari-topology.yaml",
        "shardline.datasource.pool=hikari",
        "spring.datasource.hikari.pool-name=app-pool",
        "spring.sql.init.mode=never"})
class BootPoolTest {

    @Autowired
    ApplicationContext context;
    @Autowired
    DataSource dataSource;
    @Autowired
    ShardlineDataSource shardline;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void bootsPoolWrapsTheShardlineDataSourceWhichStaysABean() throws Exception {
        assertThat(dataSource).isInstanceOf(HikariDataSource.class);
        HikariDataSource hikari = (HikariDataSource) dataSource;
        assertThat(hikari.getPoolName()).isEqualTo("app-pool");
        assertThat(hikari.getMaximumPoolSize()).isEqualTo(10);
        assertThat(context.getBeanNamesForType(ShardlineDataSource.class)).containsExactly("shardlineDataSource");
        PooledWorkload.run(jdbc, shardline, "pooled_rows", "spring_hikari_p", "spring_hikari_a", "spring_hikari_b");
        // once the pool has started, it unwraps to the ShardlineDataSource
        assertThat(hikari.unwrap(ShardlineDataSource.class)).isSameAs(shardline);
    }
}
