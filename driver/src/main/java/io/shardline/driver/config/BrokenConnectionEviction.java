package io.shardline.driver.config;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;

/**
 * Tells HikariCP to discard a physical connection whose failure says the connection itself is
 * gone. HikariCP recognises SQLState class 08 by itself, but some drivers report a dead session
 * otherwise (H2: "database is already closed" 90121, "connection is broken" 90067), and a pool
 * that keeps handing out such a connection would keep a recovered replica looking DOWN forever.
 */
final class BrokenConnectionEviction implements SQLExceptionOverride {

    @java.lang.Override
    public Override adjudicate(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLNonTransientConnectionException || t instanceof SQLRecoverableException
                    || t instanceof IOException) {
                return Override.MUST_EVICT;
            }
            if (t instanceof SQLException s) {
                String state = s.getSQLState();
                if (state != null && state.startsWith("08")) return Override.MUST_EVICT;
                int code = s.getErrorCode();
                if ("90067".equals(state) || "90121".equals(state) || "90098".equals(state)
                        || code == 90067 || code == 90121 || code == 90098) {
                    return Override.MUST_EVICT;
                }
            }
        }
        return Override.CONTINUE_EVICT;
    }
}
