package io.shardline.driver;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The kill -9 scenarios of {@link CrashSafetyTest} on MariaDB: three fresh databases on the local
 * server are the primary and the two replicas (InnoDB tables; Shardline's own tables in
 * {@code shardline_<database>} per node). Skipped unless {@code -Pmariadb}.
 */
class CrashSafetyMariaDbTest extends CrashSafetyTest {

    private MariaDb db;

    @Override
    protected Path startNodes(Path dir) throws Exception {
        db = new MariaDb(dir, NODES.length - 1, REPLICATION_YAML); // skips the test unless -Pmariadb
        return db.yaml;
    }

    @Override
    protected void stopNodes() throws Exception {
        if (db != null) db.close();
    }

    @Override
    protected Connection node(int i) throws SQLException {
        return i == 0 ? db.primary() : db.replica(i - 1);
    }

    @Override
    protected String shardlineTable(int i, String table) {
        return "`shardline_" + (i == 0 ? db.primaryDb : db.replicaDbs.get(i - 1)) + "`." + table;
    }

    @Override
    protected String tableOptions() {
        return " ENGINE=InnoDB";
    }

    @Override
    protected List<String> tables(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT UPPER(TABLE_NAME) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = DATABASE()"
                     + " ORDER BY 1")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
