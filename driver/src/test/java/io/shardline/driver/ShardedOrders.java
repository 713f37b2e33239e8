package io.shardline.driver;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The orders of the sharding scenarios: one table sharded by {@code customer_id}, and the same
 * rows written into the sharded topology and into a reference database (what every cross-shard
 * query must answer). Keys include negative ones (shards by floorMod); statuses and amounts include
 * NULL.
 */
final class ShardedOrders {

    private ShardedOrders() {
    }

    /** The table, on {@code engine}. */
    static String ddl(Engine engine) {
        return "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, status VARCHAR(10),"
                + " amount DECIMAL(12,2), note VARCHAR(20))" + engine.tableOptions();
    }

    /** Writes {@code n} orders (ids 1..n, the same every time) through {@code sharded} and into {@code reference}, in transactions of 500. */
    static void fill(Connection sharded, Connection reference, int n) throws SQLException {
        Random rnd = new Random(42);
        String[] statuses = {"NEW", "PAID", "SHIPPED", null};
        String sql = "INSERT INTO orders (id, customer_id, status, amount, note) VALUES (?, ?, ?, ?, ?)";
        try (PreparedStatement ps = sharded.prepareStatement(sql); PreparedStatement ref = reference.prepareStatement(sql)) {
            sharded.setAutoCommit(false);
            for (int i = 1; i <= n; i++) {
                long customer = rnd.nextInt(500) - 20; // some negative keys: floorMod
                String status = statuses[rnd.nextInt(statuses.length)];
                BigDecimal amount = rnd.nextInt(10) == 0 ? null : BigDecimal.valueOf(rnd.nextInt(100_000), 2);
                for (PreparedStatement p : List.of(ps, ref)) {
                    p.setLong(1, i);
                    p.setLong(2, customer);
                    p.setString(3, status);
                    p.setBigDecimal(4, amount);
                    p.setString(5, "n" + (i % 17));
                    p.addBatch();
                }
                if (i % 500 == 0) {
                    ps.executeBatch();
                    ref.executeBatch();
                    sharded.commit();
                }
            }
            ps.executeBatch();
            ref.executeBatch();
            sharded.commit();
            sharded.setAutoCommit(true);
        }
    }

    /**
     * A query's answer, row by row: numbers exactly, as the engine's own type and scale give them
     * (only integer widths are ignored: COUNT may come as BIGINT or DECIMAL). Closes {@code rs}.
     */
    static List<List<Object>> answer(ResultSet rs) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        try (rs) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object o = rs.getObject(i);
                    // integer widths may differ (COUNT as BIGINT or DECIMAL): compare integers by value, decimals with their scale
                    if (o instanceof Number n && !(o instanceof BigDecimal)) o = new BigDecimal(n.toString());
                    if (o instanceof BigDecimal d && d.scale() <= 0) o = d.toBigIntegerExact();
                    row.add(o);
                }
                out.add(row);
            }
        }
        return out;
    }
}
