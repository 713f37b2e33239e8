/**
 * The runnable jar's commands: {@code demo}, {@code status}, {@code verify}, {@code resync}, built
 * with picocli on the driver's public API only (LayeringTest checks it).
 */
package io.shardline.cli;
