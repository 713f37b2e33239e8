/**
 * The replication log: Shardline's own schema on every node (log, log head, watermark), every
 * statement on those tables per dialect, and the versioned binary encoding of a log entry (the one
 * place that owns the format). Uses {@code io.shardline.routing.sql} for analysis and the JDK.
 */
package io.shardline.replication.log;
