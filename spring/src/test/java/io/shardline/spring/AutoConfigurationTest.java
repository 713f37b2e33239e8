package io.shardline.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.shardline.driver.ShardlineDataSource;
import io.shardline.spring.actuate.ShardlineHealthContributorAutoConfiguration;
import io.shardline.spring.actuate.ShardlineMetricsAutoConfiguration;
import io.shardline.spring.session.ShardlineSessionAutoConfiguration;
import io.shardline.spring.session.ShardlineSessionClientInterceptor;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.sql.init.SqlInitializationAutoConfiguration;
import org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/** The auto-configurations' conditions, with light contexts (no web server, no JPA). */
class AutoConfigurationTest {

    static final String URL = "spring.datasource.url=jdbc:shardline:classpath:runner-topology.yaml";

    /** Not the module's data.sql (it fills a table of schema.sql). */
    static final String NO_DATA = "spring.sql.init.data-locations=optional:classpath:no-data.sql";

    final ApplicationContextRunner jdbc = new ApplicationContextRunner()
            .withPropertyValues("spring.sql.init.mode=never")
            .withConfiguration(AutoConfigurations.of(ShardlineDataSourceAutoConfiguration.class, DataSourceAutoConfiguration.class,
                    JdbcTemplateAutoConfiguration.class, ShardlineSqlInitializationAutoConfiguration.class,
                    SqlInitializationAutoConfiguration.class, ShardlineHealthContributorAutoConfiguration.class,
                    HealthContributorAutoConfiguration.class, ShardlineMetricsAutoConfiguration.class));

    @Test
    void withoutAShardlineUrlTheStarterStaysOut() {
        jdbc.withPropertyValues("spring.datasource.url=jdbc:h2:mem:spring_plain;DB_CLOSE_DELAY=-1").run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(DataSource.class).doesNotHaveBean(ShardlineDataSource.class);
            assertThat(ctx.getBean(DataSource.class)).isInstanceOf(HikariDataSource.class);
            assertThat(ctx).doesNotHaveBean("shardlineHealthContributor").doesNotHaveBean("shardlineMeterBinder");
        });
    }

    @Test
    void aShardlineUrlMakesTheShardlineDataSourceTheDataSource() {
        jdbc.withPropertyValues(URL).run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(DataSource.class);
            assertThat(ctx.getBean(DataSource.class)).isInstanceOf(ShardlineDataSource.class);
            assertThat(ctx.getBean(JdbcTemplate.class).queryForObject("SELECT 1", Integer.class)).isEqualTo(1);
            assertThat(ctx).hasBean("shardlineHealthContributor").hasBean("shardlineMeterBinder");
            assertThat(ctx.getBean("shardlineHealthContributor")).isInstanceOf(HealthContributor.class);
        });
    }

    @Test
    void shardlineTopologyAloneWorksToo() {
        jdbc.withPropertyValues("shardline.topology=classpath:runner-topology.yaml").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(DataSource.class)).isInstanceOf(ShardlineDataSource.class);
        });
    }

    @Test
    void shardlineTopologyAndADifferentDatasourceUrlAreAConfigurationError() {
        jdbc.withPropertyValues("shardline.topology=classpath:runner-topology.yaml",
                "spring.datasource.url=jdbc:h2:mem:other;PASSWORD=x").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("shardline.topology")
                    .hasMessageContaining("spring.datasource.url").hasMessageNotContaining("PASSWORD");
        });
    }

    @Test
    void theSameTopologyInBothPropertiesIsFine() {
        jdbc.withPropertyValues("shardline.topology=classpath:runner-topology.yaml", URL).run(ctx -> assertThat(ctx).hasNotFailed());
    }

    @Test
    void anApplicationDataSourceWins() {
        jdbc.withPropertyValues(URL).withBean("dataSource", DataSource.class, SimpleDriverDataSource::new).run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(DataSource.class).doesNotHaveBean(ShardlineDataSource.class);
            assertThat(ctx.getBean(DataSource.class)).isInstanceOf(SimpleDriverDataSource.class);
        });
    }

    @Test
    void aBadTopologyFailsTheStartWithEveryProblem() {
        jdbc.withPropertyValues("spring.datasource.url=jdbc:shardline:classpath:no-such-topology.yaml").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("no-such-topology.yaml");
        });
    }

    @Test
    void theHealthIndicatorCanBeSwitchedOff() {
        jdbc.withPropertyValues(URL, "management.health.shardline.enabled=false")
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean("shardlineHealthContributor"));
    }

    @Test
    void sqlInitRunsForAnEmbeddedTopologyInModeEmbedded() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ShardlineDataSourceAutoConfiguration.class, DataSourceAutoConfiguration.class,
                        JdbcTemplateAutoConfiguration.class, ShardlineSqlInitializationAutoConfiguration.class,
                        SqlInitializationAutoConfiguration.class))
                .withPropertyValues(URL, "spring.sql.init.schema-locations=classpath:runner-schema.sql", NO_DATA)
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean(JdbcTemplate.class).queryForObject("SELECT COUNT(*) FROM runner_init", Integer.class)).isZero();
                });
    }

    @Test
    void sqlInitSkipsATopologyWithANodeOnAServerUnlessModeIsAlways() {
        ApplicationContextRunner server = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ShardlineDataSourceAutoConfiguration.class, DataSourceAutoConfiguration.class,
                        JdbcTemplateAutoConfiguration.class, ShardlineSqlInitializationAutoConfiguration.class,
                        SqlInitializationAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=jdbc:shardline:classpath:runner-server-topology.yaml",
                        "spring.sql.init.schema-locations=classpath:runner-server-schema.sql", NO_DATA);
        server.run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(tableExists(ctx.getBean(JdbcTemplate.class), "RUNNER_SERVER_INIT")).isFalse();
        });
        server.withPropertyValues("spring.sql.init.mode=always").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(tableExists(ctx.getBean(JdbcTemplate.class), "RUNNER_SERVER_INIT")).isTrue();
        });
    }

    @Test
    void embeddedMeansEveryNodeInMemoryByBootsRule() {
        assertThat(EmbeddedTopology.isEmbeddedUrl("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1")).isTrue();
        assertThat(EmbeddedTopology.isEmbeddedUrl("jdbc:hsqldb:mem:x")).isTrue();
        assertThat(EmbeddedTopology.isEmbeddedUrl("jdbc:h2:file:/tmp/x")).isFalse();
        assertThat(EmbeddedTopology.isEmbeddedUrl("jdbc:h2:tcp://localhost/mem:x")).isFalse();
        assertThat(EmbeddedTopology.isEmbeddedUrl("jdbc:mariadb://127.0.0.1:3306/app")).isFalse();
        assertThat(EmbeddedTopology.isEmbeddedUrl("jdbc:postgresql://127.0.0.1/app")).isFalse();
    }

    @Test
    void theSessionFilterAndClientInterceptorsAreRegisteredAndCanBeSwitchedOff() {
        WebApplicationContextRunner web = new WebApplicationContextRunner()
                .withPropertyValues("spring.sql.init.mode=never", URL)
                .withConfiguration(AutoConfigurations.of(ShardlineDataSourceAutoConfiguration.class, DataSourceAutoConfiguration.class,
                        ShardlineSessionAutoConfiguration.class, RestClientAutoConfiguration.class));
        web.run(ctx -> {
            assertThat(ctx).hasNotFailed().hasBean("shardlineSessionFilter").hasSingleBean(ShardlineSessionClientInterceptor.class)
                    .hasBean("shardlineSessionRestClientCustomizer").hasBean("shardlineSessionRestTemplateCustomizer")
                    .hasBean("shardlineSessionWebClientCustomizer");
            FilterRegistrationBean<?> filter = ctx.getBean("shardlineSessionFilter", FilterRegistrationBean.class);
            assertThat(filter.getOrder()).isEqualTo(Integer.MIN_VALUE + 100);
        });
        web.withPropertyValues("shardline.session.enabled=false", "shardline.session.propagate=false").run(ctx -> {
            assertThat(ctx).hasNotFailed().doesNotHaveBean("shardlineSessionFilter")
                    .doesNotHaveBean(ShardlineSessionClientInterceptor.class).doesNotHaveBean("shardlineSessionRestClientCustomizer")
                    .doesNotHaveBean("shardlineSessionWebClientCustomizer");
        });
        // no Shardline, no session machinery
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ShardlineSessionAutoConfiguration.class))
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean("shardlineSessionFilter"));
    }

    private static boolean tableExists(JdbcTemplate jdbc, String table) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = ?", Integer.class, table) > 0;
    }
}
