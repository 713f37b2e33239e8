package io.shardline.driver;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fresh databases on the local MariaDB server (127.0.0.1:3306, root, empty password) used as the
 * nodes of a topology. MariaDB tests run with {@code -Pmariadb} (which {@code .ci/run} always
 * switches on after starting the server); without it they are skipped.
 */
final class MariaDb implements AutoCloseable {

    static final String SERVER = "jdbc:mysql://127.0.0.1:3306/";
    private static final AtomicInteger SEQ = new AtomicInteger();

    final String prefix = "shardline_test_" + ProcessHandle.current().pid() + "_" + SEQ.incrementAndGet();
    final String primaryDb = prefix + "_p";
    final List<String> replicaDbs = new ArrayList<>();
    final Path yaml;
    final String url;

    /** Skips the calling test unless MariaDB tests are switched on. */
    static void assumeEnabled() {
        assumeFalse(Boolean.parseBoolean(System.getProperty("shardline.mariadb.skip", "true")),
                "MariaDB tests need -Pmariadb (CI switches it on after starting the server)");
    }

    MariaDb(Path dir, int replicas, String extraYaml) throws IOException, SQLException {
        this(dir, replicas, extraYaml, java.util.Map.of());
    }

    /**
     * @param replicaPorts replica index to the TCP port Shardline reaches it on (e.g. a
     *     {@link TcpProxy} in front of the server, to take one replica down); others use 3306
     */
    MariaDb(Path dir, int replicas, String extraYaml, java.util.Map<Integer, Integer> replicaPorts)
            throws IOException, SQLException {
        assumeEnabled();
        for (int i = 0; i < replicas; i++) replicaDbs.add(prefix + "_r" + i);
        try (Connection c = server(); Statement st = c.createStatement()) {
            for (String db : all()) {
                st.execute("DROP DATABASE IF EXISTS " + db);
                st.execute("DROP DATABASE IF EXISTS shardline_" + db);
                st.execute("CREATE DATABASE " + db);
            }
        }
        StringBuilder y = new StringBuilder("dataSources:\n");
        y.append("  primary: { url: \"").append(jdbcUrl(primaryDb)).append("\", username: root, password: \"\" }\n");
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < replicas; i++) {
            String u = jdbcUrl(replicaDbs.get(i));
            if (replicaPorts.containsKey(i)) u = u.replace(":3306/", ":" + replicaPorts.get(i) + "/");
            y.append("  replica-").append(i).append(": { url: \"").append(u)
                    .append("\", username: root, password: \"\", pool: { connectionTimeout: 500 } }\n");
            names.append(i == 0 ? "" : ", ").append("replica-").append(i);
        }
        y.append("shards:\n  s0:\n    primary: primary\n    replicas: [").append(names).append("]\n");
        if (extraYaml != null) y.append(extraYaml);
        yaml = dir.resolve(prefix + ".yaml");
        Files.writeString(yaml, y.toString());
        url = "jdbc:shardline:file:" + yaml;
    }

    static String jdbcUrl(String db) {
        return SERVER + db + "?useSSL=false&allowPublicKeyRetrieval=true&serverTimezone=UTC";
    }

    private List<String> all() {
        List<String> a = new ArrayList<>();
        a.add(primaryDb);
        a.addAll(replicaDbs);
        return a;
    }

    static Connection server() throws SQLException {
        return DriverManager.getConnection(SERVER + "?useSSL=false&allowPublicKeyRetrieval=true", "root", "");
    }

    Connection primary() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(primaryDb), "root", "");
    }

    Connection replica(int i) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(replicaDbs.get(i)), "root", "");
    }

    /** Drops the databases this topology created (its own and Shardline's per-node databases). */
    @Override
    public void close() throws SQLException {
        ShardlineDriver.close(url);
        try (Connection c = server(); Statement st = c.createStatement()) {
            for (String db : all()) {
                st.execute("DROP DATABASE IF EXISTS " + db);
                st.execute("DROP DATABASE IF EXISTS shardline_" + db);
            }
        }
    }
}
