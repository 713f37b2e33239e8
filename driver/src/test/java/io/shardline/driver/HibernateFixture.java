package io.shardline.driver;

import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;

/**
 * Hibernate ORM, configured as an application would, over a {@link TestTopology}'s
 * {@code jdbc:shardline:} URL: Shardline's driver, Hibernate's own connection pool, the schema
 * created from the entities. The one Hibernate configuration of the tests.
 */
final class HibernateFixture {

    private HibernateFixture() {
    }

    /**
     * A session factory for {@code entities}, closed by the topology before its data source (the
     * data source shares, and on close shuts down, the URL's runtime Hibernate connects through).
     */
    static SessionFactory sessionFactory(TestTopology topology, Class<?>... entities) {
        Configuration config = new Configuration();
        for (Class<?> entity : entities) config.addAnnotatedClass(entity);
        SessionFactory sf = config
                .setProperty("hibernate.connection.url", topology.url())
                .setProperty("hibernate.connection.driver_class", ShardlineDriver.class.getName())
                .setProperty("hibernate.connection.autocommit", "true")
                .setProperty("hibernate.connection.pool_size", "4")
                .setProperty("hibernate.hbm2ddl.auto", "create")
                .setProperty("hibernate.show_sql", "false")
                .buildSessionFactory();
        return topology.closeFirst(sf);
    }
}
