/**
 * JMX: the MBean interfaces operators see ({@code io.shardline:type=Shardline,...} and one
 * {@code type=Node} per node) and their registration, which reads a runtime only through
 * {@link io.shardline.driver.jmx.ShardlineJmx.Source}. Exported to {@code java.management} only.
 */
package io.shardline.driver.jmx;
