/**
 * Actuator integration: the {@code shardline} health indicator and the Micrometer meters
 * ({@code io.shardline.driver.metrics}). Uses the driver's public API only.
 */
package io.shardline.spring.actuate;
