package io.shardline.spring;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Reads a physical H2 database directly, behind Shardline's back. */
public final class Physical {

    private Physical() {
    }

    public static Connection open(String memName, String password) throws SQLException {
        return DriverManager.getConnection("jdbc:h2:mem:" + memName + ";DB_CLOSE_DELAY=-1", "sa", password);
    }

    public static Connection open(String memName) throws SQLException {
        return open(memName, "");
    }

    /** Every row of {@code table} ordered by {@code orderBy}, each as its column values' strings. */
    public static List<List<String>> dump(String memName, String table, String orderBy) throws SQLException {
        try (Connection c = open(memName)) {
            return dump(c, table, orderBy);
        }
    }

    public static List<List<String>> dump(Connection c, String table, String orderBy) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + table + " ORDER BY " + orderBy)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) row.add(rs.getString(i));
                rows.add(row);
            }
        }
        return rows;
    }

    public static void execute(String memName, String sql) throws SQLException {
        try (Connection c = open(memName); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
