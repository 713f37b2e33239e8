package io.shardline.cli;

import io.shardline.replication.Verification;
import io.shardline.driver.NodeStatus;
import io.shardline.driver.ShardlineDataSource;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shardline demo}: a self-contained tour. Writes a topology YAML for three embedded,
 * in-memory H2 databases (1 primary + 2 replicas), runs a small JDBC workload through
 * {@code jdbc:shardline:file:<yaml>}, then reads the three physical databases directly and checks
 * that the replicas hold exactly what the primary holds.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = ShardlineCli.Version.class,
        description = {
            "Runs a JDBC workload through Shardline over embedded H2 (1 primary + 2 replicas,",
            "in memory; no setup), then checks that the replicas converged to the primary.",
            "Exit code 0 when every replica is identical to the primary, 1 otherwise."})
final class DemoCommand implements Callable<Integer> {

    /** Physical databases of the demo topology, in the order they are reported. */
    static final Map<String, String> NODES = new LinkedHashMap<>();

    static {
        NODES.put("primary", "jdbc:h2:mem:demo_p;DB_CLOSE_DELAY=-1");
        NODES.put("replica-a", "jdbc:h2:mem:demo_a;DB_CLOSE_DELAY=-1");
        NODES.put("replica-b", "jdbc:h2:mem:demo_b;DB_CLOSE_DELAY=-1");
    }

    static final String TOPOLOGY = """
            # One shard: every write goes to the primary and is replicated by Shardline itself
            # (through its log on the primary) to both replicas; reads are balanced over them.
            dataSources:
              primary:   { url: "jdbc:h2:mem:demo_p;DB_CLOSE_DELAY=-1", username: sa, password: "" }
              replica-a: { url: "jdbc:h2:mem:demo_a;DB_CLOSE_DELAY=-1", username: sa, password: "" }
              replica-b: { url: "jdbc:h2:mem:demo_b;DB_CLOSE_DELAY=-1", username: sa, password: "" }
            shards:
              s0:
                primary: primary
                replicas: [replica-a, replica-b]
            defaultShard: s0
            replication:
              mode: async                    # commit returns after the primary commit
            reads:
              balancer: round-robin
              consistency: read-your-writes  # a replica serves a read once it has this connection's last commit
              fallbackToPrimary: true
            """;

    private static final String[] CITIES = {"Lisbon", "Oslo", "Tunis", "Quito", "Osaka", "Perth", "Lima"};
    private static final String[] FIRST = {"Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Ken"};
    private static final String[] LAST = {"Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson"};
    private static final LocalDateTime EPOCH = LocalDateTime.of(2025, 1, 1, 9, 0);
    private static final int BATCH = 100;
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "1000",
            description = "Orders to insert (default: ${DEFAULT-VALUE}); customers: N/10, at least 10.")
    int rows;

    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        if (rows < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rows must be at least 1");
        }
        out = spec.commandLine().getOut();
        Path yaml = Files.createTempFile("shardline-demo-", ".yaml");
        try {
            Files.writeString(yaml, TOPOLOGY, StandardCharsets.UTF_8);
            String url = "jdbc:shardline:file:" + yaml.toAbsolutePath();
            out.println("Shardline demo: 1 primary + 2 replicas, embedded H2 in memory");
            out.println();
            out.println("Topology (" + yaml.toAbsolutePath() + "):");
            TOPOLOGY.lines().forEach(l -> out.println("  " + l));
            out.println();
            out.println("JDBC URL: " + url);
            out.println();
            out.flush();
            return run(url);
        } finally {
            shutdownDatabases();
            Files.deleteIfExists(yaml);
            out.flush();
        }
    }

    private int run(String url) throws Exception {
        boolean caughtUp;
        boolean verified;
        List<NodeStatus> status;
        // DriverManager is all an application needs; the data source (sharing the same runtime) is
        // only used here for status() and awaitReplication().
        try (Connection c = DriverManager.getConnection(url);
             ShardlineDataSource ds = ShardlineDataSource.forUrl(url)) {
            long t0 = System.nanoTime();
            int customers = workload(c, ds);
            long t1 = System.nanoTime();
            caughtUp = ds.awaitReplication(CATCH_UP_TIMEOUT);
            long t2 = System.nanoTime();
            out.printf("Workload took %d ms. Replication: %s (waited %d ms).%n%n", (t1 - t0) / 1_000_000,
                    caughtUp ? "every replica has applied every commit" : "replicas did NOT catch up within "
                            + CATCH_UP_TIMEOUT.toSeconds() + " s", (t2 - t1) / 1_000_000);
            status = ds.status();
            printStatus(status);
            out.println();
            out.println("Verify (as `shardline verify --config <yaml>`: chunked checksums, primary vs each replica):");
            verified = VerifyCommand.run(ds, io.shardline.replication.Verification.Options.defaults(), out, true) == 0;
            out.println();
            if (customers < 0) return 1;
        }
        // runtime closed: nothing writes any more; read the physical databases directly
        boolean identical = printConvergence(status);
        out.println();
        if (identical && caughtUp && verified) {
            out.println("Result: every replica is identical to the primary.");
            return 0;
        }
        out.println("Result: replicas DIFFER from the primary (see above).");
        return 1;
    }

    /** The application side: plain JDBC through the Shardline driver. Returns the customer count. */
    private int workload(Connection c, ShardlineDataSource ds) throws SQLException, InterruptedException {
        int customers = Math.max(10, rows / 10);
        out.println("Workload (plain JDBC through the Shardline driver):");

        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL,"
                    + " email VARCHAR(200), city VARCHAR(40) NOT NULL)");
            st.execute("CREATE TABLE orders (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                    + " customer_id BIGINT NOT NULL REFERENCES customers(id), amount DECIMAL(12,2) NOT NULL,"
                    + " status VARCHAR(16) NOT NULL, created_at TIMESTAMP NOT NULL, shipped_at TIMESTAMP)");
        }
        step(1, "CREATE TABLE customers, orders", "DDL runs on every node, in log order");

        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO customers (id, name, email, city) VALUES (?, ?, ?, ?)")) {
            for (int id = 1; id <= customers; id++) insertCustomer(ps, id);
        }
        step(2, customers + " customers inserted one by one", "prepared statement, auto-commit");

        long firstId = -1;
        long lastId = -1;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO orders (customer_id, amount, status, created_at) VALUES (?, ?, 'NEW', ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            for (int i = 0; i < rows; i++) {
                ps.setLong(1, i % customers + 1);
                ps.setBigDecimal(2, amount(i));
                ps.setTimestamp(3, Timestamp.valueOf(EPOCH.plusMinutes(i)));
                ps.addBatch();
                if ((i + 1) % BATCH == 0 || i == rows - 1) {
                    ps.executeBatch();
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        while (keys.next()) {
                            long k = keys.getLong(1);
                            if (firstId < 0) firstId = k;
                            lastId = k;
                        }
                    }
                }
            }
        }
        step(3, rows + " orders inserted in batches of " + BATCH,
                "identity ids " + firstId + ".." + lastId + " captured, sent to replicas");

        c.setAutoCommit(false);
        try (PreparedStatement cust = c.prepareStatement(
                     "INSERT INTO customers (id, name, email, city) VALUES (?, ?, ?, ?)");
             PreparedStatement ord = c.prepareStatement(
                     "INSERT INTO orders (customer_id, amount, status, created_at) VALUES (?, ?, 'NEW', ?)");
             PreparedStatement upd = c.prepareStatement("UPDATE customers SET email = ? WHERE id = ?")) {
            int id = customers + 1;
            insertCustomer(cust, id);
            for (int k = 0; k < 2; k++) insertOrder(ord, id, rows + k);
            upd.setString(1, "vip" + id + "@example.com");
            upd.setLong(2, id);
            upd.executeUpdate();
            c.commit();
            step(4, "transaction: 1 customer + 2 orders + 1 update", "COMMIT: replicated as one unit");

            id = customers + 2;
            insertCustomer(cust, id);
            for (int k = 0; k < 5; k++) insertOrder(ord, id, rows + 2 + k);
            c.rollback();
            step(5, "transaction: 1 customer + 5 orders", "ROLLBACK: never logged, never replicated");
        } finally {
            c.setAutoCommit(true);
        }
        customers += 1;

        int shipped;
        int repriced;
        int emails;
        try (PreparedStatement ship = c.prepareStatement(
                     "UPDATE orders SET status = 'SHIPPED', shipped_at = ? WHERE MOD(id, 3) = 0");
             PreparedStatement reprice = c.prepareStatement("UPDATE orders SET amount = amount * 1.10 WHERE customer_id = ?");
             PreparedStatement email = c.prepareStatement("UPDATE customers SET email = ? WHERE id = ?")) {
            ship.setTimestamp(1, Timestamp.valueOf(EPOCH.plusDays(30)));
            shipped = ship.executeUpdate();
            reprice.setLong(1, 2);
            repriced = reprice.executeUpdate();
            email.setString(1, "ada@example.org");
            email.setLong(2, 3);
            emails = email.executeUpdate();
        }
        step(6, "updates: " + shipped + " orders shipped, " + repriced + " repriced (+10%), " + emails + " email changed",
                "prepared, auto-commit");

        int deleted;
        try (PreparedStatement del = c.prepareStatement("DELETE FROM orders WHERE customer_id = ?")) {
            del.setLong(1, 1);
            deleted = del.executeUpdate();
        }
        step(7, "delete: the " + deleted + " orders of customer 1", "auto-commit");

        // read-your-writes: a replica serves this connection's reads once it has applied its last
        // commit; wait for that so the reads below are balanced over the replicas
        ds.awaitReplication(CATCH_UP_TIMEOUT);
        int points = 0;
        int found = 0;
        try (PreparedStatement pc = c.prepareStatement("SELECT name, city FROM customers WHERE id = ?");
             PreparedStatement po = c.prepareStatement("SELECT amount, status FROM orders WHERE id = ?")) {
            for (int k = 0; k < 10; k++) {
                pc.setLong(1, 1 + (long) k * customers / 10);
                po.setLong(1, 1 + ((long) k * rows / 10 + 2) % rows); // not customer 1's: deleted
                for (PreparedStatement ps : new PreparedStatement[] {pc, po}) {
                    try (ResultSet rs = ps.executeQuery()) {
                        points++;
                        if (rs.next()) found++;
                    }
                }
            }
        }
        long count;
        BigDecimal sum;
        Map<String, Long> byStatus = new TreeMap<>();
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*), SUM(amount) FROM orders")) {
                rs.next();
                count = rs.getLong(1);
                sum = rs.getBigDecimal(2);
            }
            try (ResultSet rs = st.executeQuery("SELECT status, COUNT(*) FROM orders GROUP BY status ORDER BY status")) {
                while (rs.next()) byStatus.put(rs.getString(1), rs.getLong(2));
            }
        }
        StringBuilder statuses = new StringBuilder();
        byStatus.forEach((k, v) -> statuses.append(statuses.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        step(8, "reads: " + points + " point selects (" + found + " rows found), 2 aggregates",
                "auto-commit, balanced over the replicas");
        out.println("       orders: " + count + ", total amount " + sum + "; " + statuses);
        out.println();
        out.flush();
        return customers;
    }

    private void step(int n, String what, String note) {
        out.printf("  %d. %-52s %s%n", n, what, note == null ? "" : "(" + note + ")");
        out.flush();
    }

    private static void insertCustomer(PreparedStatement ps, int id) throws SQLException {
        String first = FIRST[id % FIRST.length];
        String last = LAST[(id / FIRST.length) % LAST.length];
        ps.setLong(1, id);
        ps.setString(2, first + " " + last + " #" + id);
        ps.setString(3, first.toLowerCase() + "." + id + "@example.com");
        ps.setString(4, CITIES[id % CITIES.length]);
        ps.executeUpdate();
    }

    private static void insertOrder(PreparedStatement ps, long customerId, int i) throws SQLException {
        ps.setLong(1, customerId);
        ps.setBigDecimal(2, amount(i));
        ps.setTimestamp(3, Timestamp.valueOf(EPOCH.plusMinutes(i)));
        ps.executeUpdate();
    }

    private static BigDecimal amount(int i) {
        return BigDecimal.valueOf(500 + (i * 7919L) % 99_500, 2); // 5.00 .. 999.99
    }

    private void printStatus(List<NodeStatus> status) {
        out.println("Statements routed per node (ShardlineDataSource.status()):");
        List<String[]> t = new ArrayList<>();
        t.add(new String[] {"NODE", "ROLE", "STATE", "POSITION", "LAG", "READS", "WRITES"});
        for (NodeStatus s : status) {
            t.add(new String[] {s.node(), s.role(), s.state(), Long.toString(s.position()), Long.toString(s.lagEntries()),
                Long.toString(s.reads()), Long.toString(s.writes())});
        }
        printTable(t, new boolean[] {false, false, false, true, true, true, true});
        for (NodeStatus s : status) {
            if (s.lastError() != null) out.println("  last error on " + s.node() + ": " + s.lastError());
        }
        out.println();
        out.flush();
    }

    /** One physical database as read directly, bypassing Shardline. */
    private record Snapshot(String node, String position, Map<String, Long> rows, Map<String, String> checksums,
                            String error) {
    }

    private boolean printConvergence(List<NodeStatus> status) {
        out.println("Convergence (each H2 database read directly, bypassing Shardline):");
        out.println("  position: primary's log head / replica's watermark; table columns: rows;");
        out.println("  checksums: SHA-256 of each table's rows in primary-key order (first 8 hex digits)");
        List<Snapshot> snaps = new ArrayList<>();
        for (Map.Entry<String, String> n : NODES.entrySet()) {
            snaps.add(snapshot(n.getKey(), n.getValue(), n.getKey().equals("primary")));
        }
        Snapshot primary = snaps.get(0);
        List<String> tables = new ArrayList<>(primary.rows().keySet());
        List<String[]> t = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("NODE", "ROLE", "POSITION"));
        for (String table : tables) header.add(table.toUpperCase());
        header.add("CHECKSUMS");
        header.add("IDENTICAL TO PRIMARY");
        t.add(header.toArray(String[]::new));
        boolean allIdentical = true;
        List<String> problems = new ArrayList<>();
        for (Snapshot s : snaps) {
            boolean isPrimary = s == primary;
            List<String> row = new ArrayList<>(List.of(s.node(), isPrimary ? "primary" : "replica", s.position()));
            List<String> sums = new ArrayList<>();
            for (String table : tables) {
                Long r = s.rows().get(table);
                row.add(r == null ? "-" : r.toString());
                sums.add(Objects.requireNonNullElse(s.checksums().get(table), "-"));
            }
            row.add(String.join(" ", sums));
            String identical;
            if (isPrimary) {
                identical = "-";
            } else {
                boolean same = s.error() == null && primary.error() == null
                        && s.rows().equals(primary.rows()) && s.checksums().equals(primary.checksums());
                identical = same ? "yes" : "no";
                allIdentical &= same;
            }
            row.add(identical);
            t.add(row.toArray(String[]::new));
            if (s.error() != null) problems.add(s.node() + ": " + s.error());
            if (!isPrimary) {
                for (String table : s.rows().keySet()) {
                    if (!primary.rows().containsKey(table)) problems.add(s.node() + ": table " + table + " not on the primary");
                }
            }
        }
        boolean[] right = new boolean[header.size()];
        for (int i = 2; i < 3 + tables.size(); i++) right[i] = true;
        printTable(t, right);
        for (String p : problems) out.println("  ! " + p);
        out.flush();
        return allIdentical;
    }

    private static Snapshot snapshot(String node, String url, boolean primary) {
        Map<String, Long> rows = new TreeMap<>();
        Map<String, String> sums = new TreeMap<>();
        String position = "?";
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery(primary
                         ? "SELECT COALESCE(MAX(position), 0) FROM shardline.commits"
                         : "SELECT position FROM shardline.watermark WHERE id = 1")) {
                if (rs.next()) position = Long.toString(rs.getLong(1));
            } catch (SQLException e) {
                position = "?";
            }
            DatabaseMetaData md = c.getMetaData();
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = md.getTables(null, "PUBLIC", "%", new String[] {"TABLE"})) {
                while (rs.next()) tables.add(rs.getString("TABLE_NAME"));
            }
            for (String table : tables) {
                long[] count = new long[1];
                sums.put(table, checksum(c, md, table, count));
                rows.put(table, count[0]);
            }
            return new Snapshot(node, position, rows, sums, null);
        } catch (SQLException e) {
            return new Snapshot(node, position, rows, sums, e.getMessage());
        }
    }

    /** SHA-256 of every row, ordered by primary key (all columns if none); first 8 hex digits. */
    private static String checksum(Connection c, DatabaseMetaData md, String table, long[] count) throws SQLException {
        Map<Short, String> pk = new TreeMap<>();
        try (ResultSet rs = md.getPrimaryKeys(null, "PUBLIC", table)) {
            while (rs.next()) pk.put(rs.getShort("KEY_SEQ"), "\"" + rs.getString("COLUMN_NAME") + "\"");
        }
        String order = pk.isEmpty() ? "" : " ORDER BY " + String.join(", ", pk.values());
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM \"PUBLIC\".\"" + table + "\"" + (pk.isEmpty() ? " ORDER BY 1" : order))) {
            ResultSetMetaData meta = rs.getMetaData();
            int n = meta.getColumnCount();
            StringBuilder sb = new StringBuilder();
            while (rs.next()) {
                count[0]++;
                sb.setLength(0);
                for (int i = 1; i <= n; i++) {
                    String v = rs.getString(i);
                    sb.append(v == null ? "\u0000" : v).append('\u001f');
                }
                sb.append('\u001e');
                digest.update(sb.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 8);
    }

    private void printTable(List<String[]> rows, boolean[] rightAlign) {
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], r[i].length());
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder("  ");
            for (int i = 0; i < r.length; i++) {
                if (i > 0) sb.append("  ");
                String pad = " ".repeat(w[i] - r[i].length());
                boolean last = i == r.length - 1;
                if (rightAlign[i]) sb.append(pad).append(r[i]);
                else sb.append(r[i]).append(last ? "" : pad);
            }
            out.println(sb);
        }
    }

    /** Drops the in-memory databases so a second run in the same JVM starts from scratch. */
    private static void shutdownDatabases() {
        for (String url : NODES.values()) {
            try (Connection c = DriverManager.getConnection(url + ";IFEXISTS=TRUE", "sa", "");
                 Statement st = c.createStatement()) {
                st.execute("SHUTDOWN");
            } catch (SQLException e) {
                // not created, or already gone
            }
        }
    }
}
