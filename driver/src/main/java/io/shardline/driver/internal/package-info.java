/**
 * Not API. Narrow views into the driver's core for Shardline's own benchmarks, exported only to
 * {@code io.shardline.benchmarks}; applications never see this package on the module path.
 */
package io.shardline.driver.internal;
