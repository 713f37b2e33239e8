/**
 * The replication log: Shardline's own schema on every node (changes, commits, pruned,
 * watermark), every statement on those tables per dialect, change capture on the primary
 * (triggers), and the versioned encodings of log entries and row changes (the one place that
 * owns the formats). Uses {@code io.shardline.routing.sql} for analysis and the JDK.
 */
package io.shardline.replication.log;
