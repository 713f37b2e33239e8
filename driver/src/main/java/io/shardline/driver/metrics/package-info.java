/**
 * API: Micrometer meters of a {@link io.shardline.driver.ShardlineDataSource}, present when the
 * application has Micrometer (an optional dependency). Uses only the driver's public API.
 */
package io.shardline.driver.metrics;
