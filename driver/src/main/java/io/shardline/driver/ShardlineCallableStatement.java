package io.shardline.driver;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;

/**
 * A stored-procedure call. Calls are writes (a procedure may change data), so they run on the
 * primary and are replayed on replicas with the same IN parameters. OUT parameters are read from
 * the primary's statement; a call with OUT parameters is refused as a write, because the replica
 * could not bind them the same way.
 *
 * <p>The {@link CallableStatement} methods are generated in {@link CallableStatementMethods}; they
 * forward to the accessors below, which hold the policy.
 */
final class ShardlineCallableStatement extends CallableStatementMethods {

    private CallableStatement callable;

    /** Set once an OUT parameter is registered. */
    private boolean outParameters;

    ShardlineCallableStatement(ShardlineConnection connection, String sql, int type, int concurrency, int holdability) {
        super(connection, sql, type, concurrency, holdability);
    }

    @Override
    PreparedStatement prepare(Connection c, String identity) throws SQLException {
        CallableStatement cs = c.prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
        callable = cs;
        return cs;
    }

    @Override
    CallableStatement callable() throws SQLException {
        if (callable == null || callable.isClosed()) {
            throw new SQLException("execute the call before reading its OUT parameters", "HY010");
        }
        return callable;
    }

    @Override
    CallableStatement outParameter(int index) throws SQLException {
        outParameters = true;
        return callable();
    }

    /** Named IN parameters could not be replayed positionally on the replicas. */
    @Override
    CallableStatement namedParameter(String method) throws SQLException {
        throw new SQLFeatureNotSupportedException("named IN parameters (" + method + "(String, ...)) are not supported"
                + " by Shardline: use positional parameters", "0A000");
    }

    @Override
    void beforeWrite() throws SQLException {
        if (outParameters) {
            throw new SQLFeatureNotSupportedException("a CALL with OUT parameters cannot be replicated (replicas could not"
                    + " bind them the same way): " + ShardlineConnection.abbreviate(sql), "0A000");
        }
    }
}
