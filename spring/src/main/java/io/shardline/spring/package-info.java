/**
 * The Spring Boot starter's auto-configuration: the Shardline {@code DataSource} for a
 * {@code jdbc:shardline:} {@code spring.datasource.url} (or {@code shardline.topology}),
 * {@code spring.sql.init} and Boot's default {@code ddl-auto} for topologies whose nodes are all
 * embedded, and the {@code shardline.*} properties. Uses the driver's public API only.
 */
package io.shardline.spring;
