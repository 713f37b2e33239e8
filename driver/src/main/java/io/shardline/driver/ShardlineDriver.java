package io.shardline.driver;

import io.shardline.driver.config.TopologyLoader;

import io.shardline.routing.Topology;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The Shardline JDBC driver: {@code jdbc:shardline:classpath:<resource>},
 * {@code jdbc:shardline:file:<path>} or {@code jdbc:shardline:<path>}, naming a topology YAML.
 *
 * <p>All connections opened for the same URL share one runtime (pools, appliers), built by the
 * first {@link #connect}; later connects only look it up. The runtime lives until
 * {@link #close(String)} (or JVM exit: its threads are daemons; a shutdown hook first lets its
 * replicas catch up, bounded, see {@code ShardlineRuntime}).
 */
public final class ShardlineDriver implements Driver {

    /** The URL prefix this driver accepts. */
    public static final String PREFIX = "jdbc:shardline:";

    private static final Map<String, ShardlineRuntime> RUNTIMES = new ConcurrentHashMap<>();

    static {
        try {
            DriverManager.registerDriver(new ShardlineDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Creates a driver; applications normally let {@link DriverManager} do this. */
    public ShardlineDriver() {
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) return null;
        return new ShardlineConnection(runtime(url), url);
    }

    /** The runtime for a URL, started on first use. */
    static ShardlineRuntime runtime(String url) throws SQLException {
        ShardlineRuntime rt = RUNTIMES.get(url);
        if (rt != null && !rt.isClosed()) return rt;
        synchronized (RUNTIMES) {
            rt = RUNTIMES.get(url);
            if (rt != null && !rt.isClosed()) return rt;
            Topology topology = TopologyLoader.load(url.substring(PREFIX.length()), Thread.currentThread().getContextClassLoader());
            rt = ShardlineRuntime.start(url, topology, () -> RUNTIMES.remove(url));
            RUNTIMES.put(url, rt);
            return rt;
        }
    }

    /**
     * Shuts down the runtime of a URL (appliers stopped, pools closed); the next connect builds a
     * new one.
     */
    public static void close(String url) {
        ShardlineRuntime rt = RUNTIMES.remove(url);
        if (rt != null) rt.close();
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 0;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("Shardline logs through SLF4J", "0A000");
    }
}
