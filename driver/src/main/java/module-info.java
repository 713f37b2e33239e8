/**
 * The Shardline JDBC driver. Applications see {@code io.shardline.driver} (driver, data source,
 * status, session token, configuration error) and {@code io.shardline.driver.metrics} (the
 * Micrometer binder); the JMX interfaces are opened to the JMX machinery only, and everything
 * else (JDBC core, merge, config, Flyway plugin) stays inside the module.
 */
module io.shardline.driver {
    requires transitive java.sql;
    requires transitive io.shardline.routing;
    requires transitive io.shardline.replication;
    requires java.management;
    requires java.sql.rowset;
    requires com.zaxxer.hikari;
    requires org.snakeyaml.engine.v2;
    requires org.slf4j;
    // optional integrations: present only when the application has them
    requires static flyway.core;
    requires static micrometer.core;
    requires static liquibase.core;

    exports io.shardline.driver;
    exports io.shardline.driver.metrics;
    exports io.shardline.driver.jmx to java.management;
    exports io.shardline.driver.internal to io.shardline.benchmarks;

    provides java.sql.Driver with io.shardline.driver.ShardlineDriver;
    // The Flyway and Liquibase plugins (io.shardline.driver.flyway, .liquibase) are registered for the class path only, in
    // META-INF/services: a `provides` of a service whose module is optional (`requires static`)
    // would make this module unresolvable without Flyway (ModuleDescriptorTest proves it resolves).
}
