package io.shardline.driver;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.TreeSet;
import org.h2.tools.Server;

/**
 * The database engine the nodes of a {@link TestTopology} run on: how a node's database is
 * created, reached (by Shardline and directly by the test), taken down and dropped, and the few
 * SQL details in which engine-neutral scenarios differ by engine.
 *
 * <p>Every node is a database of its own: an in-memory H2 database, an H2 file database behind a
 * TCP server of its own, or a database created (and dropped) on the local MariaDB or PostgreSQL
 * server. A node a test takes down ({@link TestTopology.Builder#interruptible}) is, on H2, served
 * by its own TCP server, which is stopped and restarted; on a database server it is reached
 * through a {@link TcpProxy}, which is cut and reopened (one server holds every node).
 *
 * <p>Engines other than H2 need their server and run only when switched on: MariaDB with
 * {@code -Pmariadb} (system property {@code shardline.mariadb.skip=false}, which {@code .ci/run}
 * always sets), PostgreSQL with {@code -Ppostgresql} ({@code shardline.postgresql.skip=false});
 * otherwise {@link #assumeEnabled()} skips the test, as {@link TestTopology.Builder#build()} does.
 */
public enum Engine {

    /** In-memory H2 databases in this JVM (interruptible nodes: {@link #H2_TCP} nodes). */
    H2("H2") {
        @Override
        Node create(String name, String database, Path dir, boolean interruptible, String password) throws IOException {
            return interruptible ? new H2ServerNode(name, database, dir, password) : new H2MemoryNode(name, database, password);
        }
    },

    /**
     * H2 file databases, each served by a TCP server of its own in this JVM: reachable from other
     * JVMs (e.g. a forked application that is killed) and every node can be taken down.
     */
    H2_TCP("H2 over TCP") {
        @Override
        Node create(String name, String database, Path dir, boolean interruptible, String password) throws IOException {
            return new H2ServerNode(name, database, dir, password);
        }
    },

    /** Databases on the local MariaDB server (127.0.0.1:3306, root, empty password), through mysql-connector-j. */
    MARIADB("MariaDB") {
        @Override
        void assumeEnabled() {
            assumeSwitchedOn("shardline.mariadb.skip", "MariaDB tests need -Pmariadb (CI switches it on after starting the server)");
        }

        @Override
        Node create(String name, String database, Path dir, boolean interruptible, String password) throws Exception {
            return new ServerNode(this, name, database, interruptible, password);
        }

        @Override
        String tableOptions() {
            return " ENGINE=InnoDB";
        }

        @Override
        String identity() {
            return "BIGINT AUTO_INCREMENT";
        }

        @Override
        String restartIdentity(String table, String column, long next) {
            return "ALTER TABLE " + table + " AUTO_INCREMENT = " + next;
        }

        @Override
        String shardlineSchema(Connection node) throws SQLException {
            return "shardline_" + node.getCatalog(); // a schema is a database: one per node on a shared server
        }

        @Override
        String currentSchema() {
            return "DATABASE()";
        }

        @Override
        String duplicateKeyError() {
            return "duplicate";
        }

        @Override
        String quote(String identifier) {
            return '`' + identifier + '`';
        }

        @Override
        boolean onServer() {
            return true;
        }

        @Override
        int serverPort() {
            return 3306;
        }

        @Override
        String serverUrl(String database) {
            return "jdbc:mysql://127.0.0.1:3306/" + database + "?useSSL=false&allowPublicKeyRetrieval=true&serverTimezone=UTC";
        }

        @Override
        String user() {
            return "root";
        }

        @Override
        void drop(Statement admin, String database) throws SQLException {
            admin.execute("DROP DATABASE IF EXISTS " + database);
            admin.execute("DROP DATABASE IF EXISTS shardline_" + database); // Shardline's tables of that node
        }
    },

    /**
     * Databases on the local PostgreSQL server (127.0.0.1:5432, postgres, trust); Shardline's
     * tables in schema {@code shardline} of each. Not used by a scenario yet.
     */
    POSTGRESQL("PostgreSQL") {
        @Override
        void assumeEnabled() {
            assumeSwitchedOn("shardline.postgresql.skip", "PostgreSQL tests need -Ppostgresql (and the server on 127.0.0.1:5432)");
        }

        @Override
        Node create(String name, String database, Path dir, boolean interruptible, String password) throws Exception {
            return new ServerNode(this, name, database, interruptible, password);
        }

        @Override
        String shardlineSchema(Connection node) {
            return "shardline";
        }

        @Override
        String duplicateKeyError() {
            return "duplicate key";
        }

        @Override
        boolean onServer() {
            return true;
        }

        @Override
        int serverPort() {
            return 5432;
        }

        @Override
        String serverUrl(String database) {
            return "jdbc:postgresql://127.0.0.1:5432/" + database;
        }

        @Override
        String user() {
            return "postgres";
        }

        @Override
        String adminDatabase() {
            return "postgres";
        }

        @Override
        void drop(Statement admin, String database) throws SQLException {
            admin.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    };

    private final String displayName;

    Engine(String displayName) {
        this.displayName = displayName;
    }

    @Override
    public String toString() {
        return displayName;
    }

    // ------------------------------------------------------------------ nodes

    /** Skips the calling test unless this engine's tests are switched on (H2: always on). */
    void assumeEnabled() {
    }

    private static void assumeSwitchedOn(String skipProperty, String why) {
        assumeFalse(Boolean.parseBoolean(System.getProperty(skipProperty, "true")), why);
    }

    /**
     * Creates the physical database of node {@code name}.
     *
     * @param database a name for the database, unique in this JVM run, [a-z0-9_] only
     * @param dir a directory the node may keep files in
     * @param interruptible whether the test takes the node down ({@link Node#takeDown()})
     * @param password the password of the node's login, or null for the engine's (H2 only: a new
     *     H2 database takes the password of its first connection)
     */
    abstract Node create(String name, String database, Path dir, boolean interruptible, String password) throws Exception;

    /** Whether the nodes are databases on one shared local server (MariaDB, PostgreSQL) rather than H2 databases of their own. */
    boolean onServer() {
        return false;
    }

    // server engines only
    int serverPort() {
        throw new UnsupportedOperationException(this + " has no server");
    }

    String serverUrl(String database) {
        throw new UnsupportedOperationException(this + " has no server");
    }

    String user() {
        return "sa";
    }

    /** The database the fixture connects to to create and drop the nodes' databases ("" = none). */
    String adminDatabase() {
        return "";
    }

    void drop(Statement admin, String database) throws SQLException {
        throw new UnsupportedOperationException(this + " has no server");
    }

    // ------------------------------------------------------------------ SQL of the scenarios

    /** Appended to every CREATE TABLE of a scenario. */
    String tableOptions() {
        return "";
    }

    /** The column type of a key the database generates ({@code getGeneratedKeys}). */
    String identity() {
        return "BIGINT GENERATED BY DEFAULT AS IDENTITY";
    }

    /** A statement making the next generated key of {@code table.column} {@code next} (a gap only the node it runs on has). */
    String restartIdentity(String table, String column, long next) {
        return "ALTER TABLE " + table + " ALTER COLUMN " + column + " RESTART WITH " + next;
    }

    /** The schema (MariaDB: the database) holding Shardline's own tables on the node {@code node} is connected to. */
    String shardlineSchema(Connection node) throws SQLException {
        return "SHARDLINE";
    }

    /** The qualified name of Shardline's table {@code table} ({@code commits}, {@code changes}, {@code watermark}) on a node. */
    final String shardlineTable(Connection node, String table) throws SQLException {
        return quote(shardlineSchema(node)) + "." + table;
    }

    /** An SQL expression for the schema (MariaDB: database) the application's tables live in. */
    String currentSchema() {
        return "CURRENT_SCHEMA";
    }

    /** The application's tables on a node (its current schema), lower case, sorted. */
    final TreeSet<String> tables(Connection node) throws SQLException {
        return tablesWhere(node, "TABLE_SCHEMA = " + currentSchema());
    }

    /** Shardline's own tables on a node, lower case, sorted. */
    final TreeSet<String> shardlineTables(Connection node) throws SQLException {
        return tablesWhere(node, "TABLE_SCHEMA = '" + shardlineSchema(node) + "'");
    }

    private static TreeSet<String> tablesWhere(Connection c, String condition) throws SQLException {
        TreeSet<String> out = new TreeSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND " + condition)) {
            while (rs.next()) out.add(rs.getString(1).toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /** What the error of a duplicate primary key contains (case-insensitive). */
    String duplicateKeyError() {
        return "primary key";
    }

    /** A quoted identifier, case preserved. */
    String quote(String identifier) {
        return '"' + identifier + '"';
    }

    // ------------------------------------------------------------------ node kinds

    /** One physical database of a topology. */
    abstract static class Node implements AutoCloseable {
        final String name;

        Node(String name) {
            this.name = name;
        }

        /** The JDBC URL Shardline reaches the node through (the topology's {@code url}). */
        abstract String url();

        abstract String user();

        /** The password, or null for none. */
        String password() {
            return null;
        }

        /** A plain JDBC connection to the node, bypassing Shardline (and any proxy). */
        abstract Connection direct() throws SQLException;

        /** Makes the node unreachable: open connections are cut, new ones refused. */
        void takeDown() throws Exception {
            throw new UnsupportedOperationException("node " + name + " was not built interruptible");
        }

        /** Makes the node reachable again, with its data. */
        void bringUp() throws Exception {
            throw new UnsupportedOperationException("node " + name + " was not built interruptible");
        }

        /** Drops the database and stops what serves it. */
        @Override
        public abstract void close() throws SQLException;
    }

    /** A named in-memory H2 database, kept until {@link #close()} (DB_CLOSE_DELAY=-1). */
    private static final class H2MemoryNode extends Node {
        private final String url;
        private final String password;

        H2MemoryNode(String name, String database, String password) {
            super(name);
            this.url = "jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1";
            this.password = password;
        }

        @Override
        String password() {
            return password;
        }

        @Override
        String url() {
            return url;
        }

        @Override
        String user() {
            return "sa";
        }

        @Override
        Connection direct() throws SQLException {
            return DriverManager.getConnection(url, "sa", password == null ? "" : password);
        }

        @Override
        public void close() throws SQLException {
            try (Connection c = direct(); Statement st = c.createStatement()) {
                st.execute("SHUTDOWN"); // frees the database
            }
        }
    }

    /** An H2 file database in a directory of its own, served by a TCP server of its own on a fixed port. */
    private static final class H2ServerNode extends Node {
        private final Path base;
        private final int port;
        private final String url;
        private final String password;
        private Server server;

        H2ServerNode(String name, String database, Path dir, String password) throws IOException {
            super(name);
            this.password = password;
            this.base = Files.createDirectories(dir.resolve("server-" + database));
            this.port = freePort();
            this.url = "jdbc:h2:tcp://127.0.0.1:" + port + "/./" + database;
            start();
        }

        private void start() throws IOException {
            try {
                server = Server.createTcpServer("-tcpPort", Integer.toString(port), "-baseDir", base.toString(), "-ifNotExists").start();
            } catch (SQLException e) {
                throw new IOException("H2 TCP server on port " + port, e);
            }
        }

        @Override
        String url() {
            return url;
        }

        @Override
        String user() {
            return "sa";
        }

        @Override
        String password() {
            return password;
        }

        @Override
        Connection direct() throws SQLException {
            return DriverManager.getConnection(url, "sa", password == null ? "" : password);
        }

        @Override
        synchronized void takeDown() {
            if (server != null) server.stop();
            server = null;
        }

        @Override
        synchronized void bringUp() throws IOException {
            if (server == null) start();
        }

        @Override
        public synchronized void close() {
            takeDown(); // the files go with the fixture's directory
        }
    }

    /** A database created on the engine's local server, optionally reached through a {@link TcpProxy}. */
    private static final class ServerNode extends Node {
        private final Engine engine;
        private final String database;
        private final TcpProxy proxy;

        ServerNode(Engine engine, String name, String database, boolean interruptible, String password) throws Exception {
            super(name);
            if (password != null) throw new IllegalArgumentException(engine + " nodes log in as the server's " + engine.user());
            this.engine = engine;
            this.database = database;
            try (Connection c = admin(engine); Statement st = c.createStatement()) {
                engine.drop(st, database); // a leftover of a killed run
                st.execute("CREATE DATABASE " + database);
            }
            this.proxy = interruptible ? new TcpProxy(engine.serverPort()) : null;
        }

        private static Connection admin(Engine engine) throws SQLException {
            return DriverManager.getConnection(engine.serverUrl(engine.adminDatabase()), engine.user(), "");
        }

        @Override
        String url() {
            String direct = engine.serverUrl(database);
            return proxy == null ? direct : direct.replace(":" + engine.serverPort() + "/", ":" + proxy.port() + "/");
        }

        @Override
        String user() {
            return engine.user();
        }

        @Override
        String password() {
            return "";
        }

        @Override
        Connection direct() throws SQLException {
            return DriverManager.getConnection(engine.serverUrl(database), engine.user(), "");
        }

        @Override
        void takeDown() throws Exception {
            if (proxy == null) super.takeDown();
            proxy.stop();
        }

        @Override
        void bringUp() throws Exception {
            if (proxy == null) super.bringUp();
            proxy.start();
        }

        @Override
        public void close() throws SQLException {
            if (proxy != null) proxy.close();
            try (Connection c = admin(engine); Statement st = c.createStatement()) {
                engine.drop(st, database);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
