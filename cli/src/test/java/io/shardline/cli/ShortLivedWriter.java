package io.shardline.cli;

import io.shardline.driver.ShardlineDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;

/**
 * A batch job in a JVM of its own: writes {@code rows} rows through Shardline and exits. Its
 * topology says {@code appliers: external}, so it leaves applying to a replicator.
 * Arguments: topology file, first id, rows.
 */
public final class ShortLivedWriter {

    private ShortLivedWriter() {
    }

    public static void main(String[] args) throws Exception {
        int first = Integer.parseInt(args[1]);
        int rows = Integer.parseInt(args[2]);
        try (ShardlineDataSource ds = ShardlineDataSource.fromYaml(Path.of(args[0]));
             Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO job (id, note) VALUES (?, ?)")) {
            for (int i = first; i < first + rows; i++) {
                ps.setInt(1, i);
                ps.setString(2, "row " + i);
                ps.executeUpdate();
            }
            System.out.println("wrote " + rows);
        }
    }
}
