package io.shardline.spring;

import io.shardline.driver.ShardlineDataSource;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernatePropertiesCustomizer;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.jdbc.SchemaManagement;
import org.springframework.boot.jdbc.SchemaManagementProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Boot's default {@code spring.jpa.hibernate.ddl-auto} over a Shardline topology. Boot defaults it
 * to {@code create-drop} for an embedded database with no schema manager (Flyway, Liquibase) and to
 * {@code none} otherwise, judging "embedded" from the connection metadata: never true for a
 * {@code jdbc:shardline:} URL. When every node of the topology is embedded ({@link EmbeddedTopology})
 * this restores Boot's default, so that an application that ran on in-memory H2 runs the same
 * over an in-memory Shardline topology. An explicit {@code ddl-auto} (or
 * {@code hibernate.hbm2ddl.auto}, or a JPA schema-generation action) always wins.
 */
@AutoConfiguration(after = ShardlineDataSourceAutoConfiguration.class, before = HibernateJpaAutoConfiguration.class)
@ConditionalOnClass(name = {"org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean",
        "org.hibernate.engine.spi.SessionImplementor"})
@ConditionalOnBean(ShardlineDataSource.class)
public class ShardlineJpaAutoConfiguration {

    static final String HBM2DDL_AUTO = "hibernate.hbm2ddl.auto";
    static final String JAKARTA_DATABASE_ACTION = "jakarta.persistence.schema-generation.database.action";

    @Bean
    HibernatePropertiesCustomizer shardlineEmbeddedDdlAuto(ObjectProvider<ShardlineDataSource> shardline,
            ObjectProvider<DataSource> dataSource, ObjectProvider<SchemaManagementProvider> schemaManagers,
            Environment env) {
        return properties -> {
            ShardlineDataSource sds = shardline.getIfUnique();
            if (sds == null || !EmbeddedTopology.isEmbedded(sds.topology())) return;
            if (properties.containsKey(HBM2DDL_AUTO) || properties.containsKey(JAKARTA_DATABASE_ACTION)) return;
            Binder binder = Binder.get(env);
            // "none", explicitly: Boot removed the key, so it can only be seen in the environment
            if (binder.bind("spring.jpa.hibernate.ddl-auto", String.class).isBound()) return;
            if (binder.bind("spring.jpa.properties", Bindable.mapOf(String.class, String.class)).map(m -> m.containsKey(HBM2DDL_AUTO)).orElse(false)) {
                return;
            }
            DataSource ds = dataSource.getIfUnique();
            for (SchemaManagementProvider p : schemaManagers) {
                if (ds != null && p.getSchemaManagement(ds) == SchemaManagement.MANAGED) return;
            }
            properties.put(HBM2DDL_AUTO, "create-drop");
        };
    }
}
