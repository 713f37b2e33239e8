/**
 * Flyway integration: a Flyway database plugin that lets Flyway 10+ accept {@code jdbc:shardline:}
 * URLs.
 *
 * <p>Flyway only opens a JDBC URL that a registered database type claims. {@link
 * io.shardline.driver.flyway.ShardlineDatabaseType} claims {@code jdbc:shardline:} URLs and names
 * {@link io.shardline.driver.ShardlineDriver} as their driver; it is registered through
 * {@code META-INF/services/org.flywaydb.core.extensibility.Plugin} and only loaded when Flyway is on
 * the classpath (flyway-core is an optional dependency of the driver). Once connected, Flyway picks
 * the database type from the product name the driver's metadata reports, i.e. the underlying
 * database's own type (H2, MySQL/MariaDB, ...), so SQL parsing, the schema history table and
 * locking are exactly Flyway's for that database. A Flyway handed a
 * {@link io.shardline.driver.ShardlineDataSource} does not need this plugin at all.
 */
package io.shardline.driver.flyway;
