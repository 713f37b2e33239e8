package io.shardline.spring;

import io.shardline.driver.ShardlineDataSource;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.sql.init.SqlDataSourceScriptDatabaseInitializer;
import org.springframework.boot.autoconfigure.sql.init.SqlInitializationAutoConfiguration;
import org.springframework.boot.autoconfigure.sql.init.SqlInitializationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.jdbc.datasource.init.DatabasePopulator;

/**
 * {@code spring.sql.init} (schema.sql, data.sql) over a Shardline topology.
 *
 * <p>Boot runs the scripts by default ({@code spring.sql.init.mode=embedded}) only for an embedded
 * database, and decides that from the DataSource's connection metadata
 * ({@code EmbeddedDatabaseConnection.isEmbedded(DataSource)}: product name and URL). A Shardline
 * connection reports its {@code jdbc:shardline:} URL, so Boot would skip the scripts even when
 * every node is an in-memory H2 database. This provides Boot's own initializer
 * ({@link SqlDataSourceScriptDatabaseInitializer}, so Boot's backs off and the usual ordering with
 * JPA and {@code spring.jpa.defer-datasource-initialization} stays) with Boot's question asked of
 * every node of the topology ({@link EmbeddedTopology}): all embedded - the scripts run in mode
 * {@code embedded}; one node on a server - they run only with {@code spring.sql.init.mode=always},
 * exactly as for that server without Shardline. The scripts run through Shardline: DDL reaches
 * every node, data is written on the primary and replicated.
 */
@AutoConfiguration(after = {ShardlineDataSourceAutoConfiguration.class, DataSourceAutoConfiguration.class},
        before = SqlInitializationAutoConfiguration.class)
@ConditionalOnClass({DatabasePopulator.class, SqlDataSourceScriptDatabaseInitializer.class})
@ConditionalOnBean(ShardlineDataSource.class)
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBooleanProperty(name = "spring.sql.init.enabled", matchIfMissing = true)
@Conditional(ShardlineSqlInitializationAutoConfiguration.ModeIsNotNever.class)
@EnableConfigurationProperties(SqlInitializationProperties.class)
public class ShardlineSqlInitializationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(SqlDataSourceScriptDatabaseInitializer.class)
    SqlDataSourceScriptDatabaseInitializer dataSourceScriptDatabaseInitializer(DataSource dataSource,
            SqlInitializationProperties properties, ObjectProvider<ShardlineDataSource> shardline) {
        ShardlineDataSource sds = shardline.getIfUnique();
        return new SqlDataSourceScriptDatabaseInitializer(dataSource, properties) {
            @Override
            protected boolean isEmbeddedDatabase() {
                return sds != null ? EmbeddedTopology.isEmbedded(sds.topology()) : super.isEmbeddedDatabase();
            }
        };
    }

    /** {@code spring.sql.init.mode} is not {@code never} (Boot's own condition for script initialization). */
    static class ModeIsNotNever extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String mode = context.getEnvironment().getProperty("spring.sql.init.mode");
            return "never".equalsIgnoreCase(mode == null ? null : mode.trim())
                    ? ConditionOutcome.noMatch("spring.sql.init.mode is never")
                    : ConditionOutcome.match("spring.sql.init.mode is not never");
        }
    }
}
