package io.shardline.driver.internal;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The routing decision of a Shardline connection, without any database call, for the benchmarks
 * that measure it ({@code RoutingDecisionBenchmark}). Not API: this package is exported only to
 * {@code io.shardline.benchmarks}. Obtained with {@code connection.unwrap(RoutingProbe.class)}.
 */
public interface RoutingProbe {

    /** The decision where a read of {@code sql} runs, analysed once, as a prepared statement holds it. */
    ReadDecision readDecision(String sql) throws SQLException;

    /** The decision which shard a statement of {@code sql} goes to, analysed once. */
    ShardDecision shardDecision(String sql) throws SQLException;

    /** Where a read runs now: balancer plus the consistency checks (state, ejection, read-your-writes, lag). */
    interface ReadDecision {
        /** The physical connection the read would use now. */
        Connection choose() throws SQLException;
    }

    /** Which shard(s) a statement goes to for the given bound parameters. */
    interface ShardDecision {
        /** The route for these parameters (an opaque value; the benchmark only consumes it). */
        Object route(Object[] params) throws SQLException;
    }
}
