package io.shardline.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds throw-away topologies over fresh in-memory H2 databases, and reads nodes directly. */
final class TestTopologies {

    private static final AtomicInteger SEQ = new AtomicInteger();

    private TestTopologies() {
    }

    /** A one-shard topology: 1 primary, {@code replicas} replicas, each a fresh H2 in-memory database. */
    static final class H2 {
        final String prefix = "t" + SEQ.incrementAndGet() + "_" + System.nanoTime() % 100000;
        final Path yaml;
        final String url;
        final String primaryUrl;
        final List<String> replicaUrls = new ArrayList<>();

        H2(Path dir, int replicas, String extraYaml) throws IOException {
            primaryUrl = "jdbc:h2:mem:" + prefix + "_p;DB_CLOSE_DELAY=-1";
            StringBuilder y = new StringBuilder("dataSources:\n");
            y.append("  primary: { url: \"").append(primaryUrl).append("\", username: sa }\n");
            StringBuilder names = new StringBuilder();
            for (int i = 0; i < replicas; i++) {
                String u = "jdbc:h2:mem:" + prefix + "_r" + i + ";DB_CLOSE_DELAY=-1";
                replicaUrls.add(u);
                y.append("  replica-").append(i).append(": { url: \"").append(u).append("\", username: sa }\n");
                names.append(i == 0 ? "" : ", ").append("replica-").append(i);
            }
            y.append("shards:\n  s0:\n    primary: primary\n    replicas: [").append(names).append("]\n");
            if (extraYaml != null) y.append(extraYaml);
            yaml = dir.resolve(prefix + ".yaml");
            Files.writeString(yaml, y.toString());
            url = "jdbc:shardline:file:" + yaml;
        }

        Connection primary() throws SQLException {
            return DriverManager.getConnection(primaryUrl, "sa", "");
        }

        Connection replica(int i) throws SQLException {
            return DriverManager.getConnection(replicaUrls.get(i), "sa", "");
        }
    }

    /** Every row of {@code table}, ordered by the given columns, as strings: for exact comparisons. */
    static List<List<String>> dump(Connection c, String table, String orderBy) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + table + " ORDER BY " + orderBy)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object o = rs.getObject(i);
                    row.add(o instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : String.valueOf(o));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    static long count(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
