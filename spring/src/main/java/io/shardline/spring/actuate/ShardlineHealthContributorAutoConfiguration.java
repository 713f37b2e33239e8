package io.shardline.spring.actuate;

import io.shardline.driver.ShardlineDataSource;
import io.shardline.spring.ShardlineDataSourceAutoConfiguration;
import io.shardline.spring.ShardlineProperties;
import java.util.Map;
import org.springframework.boot.actuate.autoconfigure.health.CompositeHealthContributorConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The {@code shardline} health contributor: a {@link ShardlineHealthIndicator} for the
 * ShardlineDataSource bean (one child per bean, by bean name, if there are several). Switched off
 * with {@code management.health.shardline.enabled=false}.
 */
@AutoConfiguration(after = ShardlineDataSourceAutoConfiguration.class, before = HealthContributorAutoConfiguration.class)
@ConditionalOnClass({HealthContributor.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(ShardlineDataSource.class)
@ConditionalOnEnabledHealthIndicator("shardline")
@EnableConfigurationProperties(ShardlineProperties.class)
public class ShardlineHealthContributorAutoConfiguration
        extends CompositeHealthContributorConfiguration<ShardlineHealthIndicator, ShardlineDataSource> {

    public ShardlineHealthContributorAutoConfiguration(ShardlineProperties properties) {
        super(ds -> new ShardlineHealthIndicator(ds, new Status(properties.getHealth().getReplicaFailureStatus().trim())));
    }

    @Bean
    @ConditionalOnMissingBean(name = {"shardlineHealthIndicator", "shardlineHealthContributor"})
    public HealthContributor shardlineHealthContributor(Map<String, ShardlineDataSource> dataSources) {
        return createContributor(dataSources);
    }
}
