package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls: OUT parameters in the normal JDBC order (registerOutParameter before execute) are
 * recorded and applied to the physical statement, also on a call that writes — its changes are
 * captured on the primary, replicas never run the call; parameters by name are refused with
 * SQLState 0A000 naming the method. Never the HY010 a registration before execute used to get.
 */
public class CallableStatementTest {

    @TempDir
    Path dir;
    ShardlineDataSource ds;
    @AutoClose
    TestTopology mariaDb;

    @AfterEach
    void stop() throws SQLException {
        if (ds != null && mariaDb == null) ds.close();
    }

    /** An H2 Java alias that writes: {@code CALL ADD_NOTE(?, ?)}. */
    public static void addNote(Connection conn, int id, String note) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO note (id, text) VALUES (?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, note);
            ps.executeUpdate();
        }
    }

    @Test
    void outParametersWorkAndWhatACallWritesReplicatesOnH2() throws Exception {
        TestTopology topo = TestTopology.on(Engine.H2).in(dir).replicas(2).build();
        ds = ShardlineDataSource.forUrl(topo.url());
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE note (id INT PRIMARY KEY, text VARCHAR(20))");
            st.execute("CREATE ALIAS ADD_NOTE FOR \"" + CallableStatementTest.class.getName() + ".addNote\"");
        }
        try (Connection c = ds.getConnection()) {
            try (CallableStatement cs = c.prepareCall("{? = call ABS(?)}")) {
                cs.registerOutParameter(1, Types.INTEGER);
                cs.setInt(2, -5);
                cs.execute();
                assertThat(cs.getInt(1)).isEqualTo(5);
                assertNamedRefused(() -> cs.registerOutParameter("result", Types.INTEGER), "registerOutParameter");
            }
            try (CallableStatement cs = c.prepareCall("{call ADD_NOTE(?, ?)}")) {
                cs.setInt(1, 1);
                cs.setString(2, "first");
                cs.execute();
                assertNamedRefused(() -> cs.setString("text", "x"), "setString");
            }
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
        for (int i = 0; i < 2; i++) {
            try (Connection r = topo.replica(i)) {
                assertThat(TestTopology.dump(r, "note", "id")).as("replica " + i).containsExactly(List.of("1", "first"));
            }
        }
    }

    @Test
    void readingOutParametersBeforeExecuteIsAFunctionSequenceError() throws Exception {
        ds = ShardlineDataSource.forUrl(TestTopology.on(Engine.H2).in(dir).replicas(1).build().url());
        try (Connection c = ds.getConnection(); CallableStatement cs = c.prepareCall("{call ABS(?)}")) {
            assertThatThrownBy(() -> cs.getInt(1)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("execute the call before reading its OUT parameters")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("HY010");
            cs.setInt(1, -5);
            assertThat(cs.execute()).isTrue();
            try (ResultSet rs = cs.getResultSet()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(5);
            }
        }
    }

    /**
     * A call that is not replicated ({@code CALL H2VERSION()}, a session function, runs on the
     * primary and is not logged) records its registrations and applies them, in order, to every
     * physical statement it is prepared as, and to those already prepared.
     */
    @Test
    void registrationsOfACallThatIsNotReplicatedAreAppliedToThePhysicalStatements() throws Exception {
        ds = ShardlineDataSource.forUrl(TestTopology.on(Engine.H2).in(dir).replicas(1).build().url());
        try (Connection c = ds.getConnection();
             ShardlineCallableStatement cs = (ShardlineCallableStatement) c.prepareCall("CALL H2VERSION()")) {
            cs.registerOutParameter(1, Types.VARCHAR);
            List<String> first = new ArrayList<>();
            cs.prepare(physicalConnection(first));
            assertThat(first).containsExactly("registerOutParameter(int,int)[1, 12]");
            cs.registerOutParameter(2, JDBCType.INTEGER, 0);
            assertThat(first).containsExactly("registerOutParameter(int,int)[1, 12]",
                    "registerOutParameter(int,java.sql.SQLType,int)[2, INTEGER, 0]");
            List<String> second = new ArrayList<>();
            cs.prepare(physicalConnection(second));
            assertThat(second).isEqualTo(first);
        }
        // on H2 itself: H2 has no OUT parameter in a call without parameters, and its own refusal
        // at execute (when the physical statement is prepared) shows the registration reached it
        try (Connection c = ds.getConnection(); CallableStatement cs = c.prepareCall("CALL H2VERSION()")) {
            cs.registerOutParameter(1, Types.VARCHAR);
            assertThatThrownBy(cs::execute).isInstanceOf(SQLException.class).hasMessageContaining("parameterIndex");
        }
    }

    @Test
    void mariaDbProcedureThatWritesAndReturnsAnOutParameterReplicates() throws Exception {
        mariaDb = TestTopology.on(Engine.MARIADB).replicas(1).build();
        ds = mariaDb.dataSource();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(20)) ENGINE=InnoDB");
            st.execute("CREATE PROCEDURE add_item(IN p_id INT, IN p_name VARCHAR(20), OUT total INT)"
                    + " BEGIN INSERT INTO item VALUES (p_id, p_name); SELECT COUNT(*) INTO total FROM item; END");
            st.execute("CREATE PROCEDURE list_items() SELECT id, name FROM item ORDER BY id");
        }
        try (Connection c = ds.getConnection()) {
            try (CallableStatement cs = c.prepareCall("{call add_item(?, ?, ?)}")) {
                cs.registerOutParameter(3, Types.INTEGER);
                for (int i = 1; i <= 2; i++) {
                    cs.setInt(1, i);
                    cs.setString(2, "item-" + i);
                    cs.execute();
                    assertThat(cs.getInt(3)).isEqualTo(i);
                }
            }
            c.setAutoCommit(false);
            try (CallableStatement cs = c.prepareCall("{call add_item(?, ?, ?)}")) {
                cs.registerOutParameter(3, Types.INTEGER);
                cs.setInt(1, 3);
                cs.setString(2, "rolled back");
                cs.execute();
                assertThat(cs.getInt(3)).isEqualTo(3);
            }
            c.rollback();
            c.setAutoCommit(true);
            try (CallableStatement cs = c.prepareCall("{call list_items()}"); ResultSet rs = cs.executeQuery()) {
                List<String> names = new ArrayList<>();
                while (rs.next()) names.add(rs.getInt(1) + ":" + rs.getString(2));
                assertThat(names).containsExactly("1:item-1", "2:item-2");
            }
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(20))).isTrue();
        try (Connection r = mariaDb.replica(0)) {
            assertThat(TestTopology.dump(r, "item", "id")).containsExactly(List.of("1", "item-1"), List.of("2", "item-2"));
        }
    }

    private static void assertNamedRefused(ThrowingCallable call, String method) {
        assertThatThrownBy(call).isInstanceOf(SQLFeatureNotSupportedException.class)
                .hasMessageContaining(method + "(String, ...): parameters by name are not supported")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("0A000");
    }

    /** A physical connection whose prepareCall returns an open statement that logs the registrations it receives. */
    private static Connection physicalConnection(List<String> log) {
        CallableStatement statement = (CallableStatement) Proxy.newProxyInstance(CallableStatementTest.class.getClassLoader(),
                new Class<?>[] {CallableStatement.class}, (proxy, m, args) -> {
                    if (m.getName().equals("registerOutParameter")) {
                        log.add(JdbcCalls.key(m) + java.util.Arrays.toString(args));
                        return null;
                    }
                    return JdbcCalls.objectMethod(proxy, m, args, "physical statement");
                });
        return (Connection) Proxy.newProxyInstance(CallableStatementTest.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, m, args) -> m.getName().equals("prepareCall") ? statement
                        : JdbcCalls.objectMethod(proxy, m, args, "physical connection"));
    }
}
