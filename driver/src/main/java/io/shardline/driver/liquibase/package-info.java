/**
 * Liquibase integration: a database type that lets Liquibase accept {@code jdbc:shardline:} URLs
 * (see {@link io.shardline.driver.liquibase.ShardlineLiquibaseDatabase}). Registered for the class
 * path; uses only the driver's API.
 */
package io.shardline.driver.liquibase;
