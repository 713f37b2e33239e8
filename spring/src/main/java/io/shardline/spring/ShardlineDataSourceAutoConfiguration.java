package io.shardline.spring;

import com.zaxxer.hikari.HikariDataSource;
import io.shardline.driver.ShardlineDataSource;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * The application's {@link DataSource} when the environment names a Shardline topology
 * ({@code spring.datasource.url=jdbc:shardline:...} or {@code shardline.topology}). Runs before
 * Boot's {@link DataSourceAutoConfiguration}, which then backs off (it makes a DataSource only when
 * there is none).
 *
 * <p>By default the DataSource bean <em>is</em> the {@link ShardlineDataSource}: Shardline keeps a
 * HikariCP pool per physical node (sized by {@code pool:} in the topology YAML) and a logical
 * connection is cheap, so a second pool of logical connections on top would only hold physical
 * connections idle. {@code spring.datasource.hikari.*} therefore does not apply; the URL alone is
 * enough (no {@code driver-class-name}, no credentials: they are in the topology). With
 * {@code shardline.datasource.pool=hikari} Boot's usual HikariCP pool ({@code spring.datasource.hikari.*})
 * wraps the ShardlineDataSource instead, which stays available as the bean
 * {@code shardlineDataSource}.
 *
 * <p>The ShardlineDataSource shares the runtime of its URL with {@code ShardlineDriver}
 * ({@link ShardlineDataSource#forUrl}); closing the context closes that runtime.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass({DataSource.class, ShardlineDataSource.class})
@ConditionalOnShardlineTopology
@EnableConfigurationProperties(ShardlineProperties.class)
public class ShardlineDataSourceAutoConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ShardlineDataSourceAutoConfiguration.class);

    static ShardlineDataSource start(Environment env) throws SQLException {
        String url = ShardlineUrl.resolve(env);
        if (StringUtils.hasText(env.getProperty("spring.datasource.username"))
                || StringUtils.hasText(env.getProperty("spring.datasource.password"))) {
            LOG.warn("spring.datasource.username/password are ignored for {}: each node's credentials are in the topology",
                    url);
        }
        return ShardlineDataSource.forUrl(url);
    }

    /** The DataSource bean is the ShardlineDataSource (the default). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(DataSource.class)
    @ConditionalOnProperty(name = "shardline.datasource.pool", havingValue = "shardline", matchIfMissing = true)
    static class ShardlinePools {

        @Bean(destroyMethod = "close")
        ShardlineDataSource dataSource(Environment env) throws SQLException {
            return start(env);
        }
    }

    /** {@code shardline.datasource.pool=hikari}: Boot's HikariCP pool of logical connections over the ShardlineDataSource. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HikariDataSource.class)
    @ConditionalOnMissingBean(DataSource.class)
    @ConditionalOnProperty(name = "shardline.datasource.pool", havingValue = "hikari")
    static class BootPool {

        @Bean(destroyMethod = "close")
        ShardlineDataSource shardlineDataSource(Environment env) throws SQLException {
            return start(env);
        }

        @Bean(destroyMethod = "close")
        @Primary
        @ConfigurationProperties(prefix = "spring.datasource.hikari")
        HikariDataSource dataSource(ShardlineDataSource shardlineDataSource, Environment env) {
            HikariDataSource pool = new HikariDataSource();
            pool.setDataSource(shardlineDataSource);
            String name = env.getProperty("spring.datasource.name");
            if (StringUtils.hasText(name)) pool.setPoolName(name);
            return pool;
        }
    }
}
