/**
 * The topology model, SQL statement analysis and read balancing. This module performs no I/O:
 * everything in it is a pure decision over SQL text and configuration.
 */
package io.shardline.routing;
