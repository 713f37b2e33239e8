package io.shardline.driver;

import io.shardline.routing.sql.StatementInfo;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A stored-procedure call. Calls are writes (a procedure may change data): they run on the
 * primary, whose capture triggers record every row the procedure changes, so OUT parameters work
 * as on the primary's own driver.
 *
 * <p>The {@link CallableStatement} methods are generated in {@link CallableStatementMethods}; they
 * forward to the three accessors below, which hold the policy:
 * <ul>
 *   <li>{@link #outParameter(int) registerOutParameter(index, ...)}, the normal JDBC order (before
 *   execute): the registration is recorded and applied to every physical statement the call is
 *   prepared as (and to those already prepared), so that the OUT values can be read after
 *   execute.</li>
 *   <li>{@link #namedParameter(String) Parameters by name} are refused (SQLState 0A000): Shardline
 *   holds a statement's parameters by position until it knows where the statement runs.</li>
 *   <li>{@link #callable() The getters} read the physical statement of the last execution; before
 *   any execution that is a function sequence error (HY010).</li>
 * </ul>
 */
final class ShardlineCallableStatement extends CallableStatementMethods {

    /** A recorded {@code registerOutParameter(index, ...)} call. */
    private record Registration(Method method, Object[] args) {
        void applyTo(CallableStatement cs) throws SQLException {
            try {
                method.invoke(cs, args);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof SQLException s) throw s;
                if (e.getCause() instanceof RuntimeException r) throw r;
                if (e.getCause() instanceof Error r) throw r;
                throw new SQLException(e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(method + " is not public", e);
            }
        }
    }

    /** The OUT-parameter registrations, in call order. */
    private final List<Registration> registrations = new ArrayList<>();

    /** The physical statements this call was prepared as (one per node it ran on). */
    private final List<CallableStatement> prepared = new ArrayList<>();

    /** Receives {@code registerOutParameter(index, ...)} from the generated methods and records it. */
    private final CallableStatement recorder = (CallableStatement) Proxy.newProxyInstance(
            ShardlineCallableStatement.class.getClassLoader(), new Class<?>[] {CallableStatement.class}, this::record);

    ShardlineCallableStatement(ShardlineConnection connection, String sql, int type, int concurrency, int holdability) {
        super(connection, sql, type, concurrency, holdability);
    }

    @Override
    PreparedStatement prepare(Connection c) throws SQLException {
        CallableStatement cs = c.prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
        try {
            for (Registration r : registrations) r.applyTo(cs);
        } catch (SQLException | RuntimeException e) {
            try {
                cs.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        for (Iterator<CallableStatement> it = prepared.iterator(); it.hasNext(); ) {
            if (it.next().isClosed()) it.remove();
        }
        prepared.add(cs);
        return cs;
    }

    @Override
    CallableStatement callable() throws SQLException {
        checkOpen();
        if (current instanceof CallableStatement cs && !cs.isClosed()) return cs;
        throw new SQLException("execute the call before reading its OUT parameters", "HY010");
    }

    @Override
    CallableStatement outParameter(int index) throws SQLException {
        checkOpen();
        return recorder;
    }

    @Override
    CallableStatement namedParameter(String method) throws SQLException {
        throw new SQLFeatureNotSupportedException(method + "(String, ...): parameters by name are not supported by"
                + " Shardline (it holds parameters by position until it knows where the call runs): use parameter indexes", "0A000");
    }

    /** The {@link #recorder}'s invocation handler. */
    private Object record(Object proxy, Method method, Object[] args) throws SQLException {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "OUT-parameter registrations of " + StatementInfo.abbreviate(sql);
            };
        }
        if (!method.getName().equals("registerOutParameter")) {
            throw new IllegalStateException("only registerOutParameter is recorded, not " + method);
        }
        checkOpen();
        Registration r = new Registration(method, args.clone());
        for (CallableStatement cs : prepared) {
            if (!cs.isClosed()) r.applyTo(cs);
        }
        registrations.add(r);
        return null;
    }
}
