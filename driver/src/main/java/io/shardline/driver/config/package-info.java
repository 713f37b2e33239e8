/**
 * Configuration: {@link io.shardline.driver.config.TopologyLoader} (where a topology comes from),
 * {@code YamlDocument} (reading YAML safely, placeholders, located problems, secrets never
 * echoed), {@code TopologyValidator} (what each key means, every problem at once), and
 * {@link io.shardline.driver.config.PoolFactory} (HikariCP pools from the validated settings).
 * Uses {@code io.shardline.routing} (the model) and the API's {@code ShardlineConfigException}.
 */
package io.shardline.driver.config;
