package io.shardline.spring.actuate;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.shardline.driver.ShardlineDataSource;
import io.shardline.driver.metrics.ShardlineMeterBinder;
import io.shardline.spring.ShardlineDataSourceAutoConfiguration;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Shardline's meters ({@link ShardlineMeterBinder}: {@code shardline.replication.lag},
 * {@code shardline.replica.state}, {@code shardline.reads}, ...) in every MeterRegistry of the
 * context: Boot binds {@link MeterBinder} beans by itself. With several ShardlineDataSource beans
 * each meter also gets a {@code datasource} tag naming its bean. Filter them out with
 * {@code management.metrics.enable.shardline=false}.
 */
@AutoConfiguration(after = ShardlineDataSourceAutoConfiguration.class)
@ConditionalOnClass({MeterRegistry.class, MeterBinder.class, ShardlineMeterBinder.class})
@ConditionalOnBean(ShardlineDataSource.class)
public class ShardlineMetricsAutoConfiguration {

    @Bean
    public MeterBinder shardlineMeterBinder(Map<String, ShardlineDataSource> dataSources) {
        return registry -> dataSources.forEach((name, ds) -> {
            // bound through the data source: its close() removes the meters again
            if (dataSources.size() == 1) ds.bindTo(registry);
            else ds.bindTo(registry, "datasource", name);
        });
    }
}
