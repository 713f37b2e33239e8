package io.shardline.driver.config;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.shardline.routing.Topology;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds HikariCP pools for the data sources of a topology.
 *
 * <p>The {@code pool:} section of a data source is passed through to {@link HikariConfig}: each key
 * must be the name of a HikariConfig setter taking a string, number or boolean (found by
 * reflection), or start with {@code dataSource.} (a JDBC driver property). Millisecond settings
 * (the {@code long} ones such as {@code connectionTimeout}) also accept durations like {@code 30s}.
 */
public final class PoolFactory {

    /** Prefix of keys passed to the JDBC driver as data source properties. */
    static final String DATA_SOURCE_PREFIX = "dataSource.";

    /** HikariConfig properties that Shardline sets itself and that may not appear under {@code pool:}. */
    static final Map<String, String> RESERVED = Map.of(
            "jdbcUrl", "it comes from the data source's url",
            "username", "it comes from the data source's username",
            "password", "it comes from the data source's password",
            "dataSourceClassName", "Shardline connects through the data source's url",
            "poolName", "Shardline names the pool shardline-<data source>");

    private static final Set<Class<?>> SIMPLE = Set.of(String.class, int.class, Integer.class,
            long.class, Long.class, boolean.class, Boolean.class);

    /** Settable HikariConfig properties (by name) whose setter takes a simple type. */
    private static final Map<String, Method> SETTERS = findSetters();

    private PoolFactory() {
    }

    private static Map<String, Method> findSetters() {
        Map<String, Method> setters = new TreeMap<>();
        for (Method m : HikariConfig.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 1) continue;
            String n = m.getName();
            if (!n.startsWith("set") || n.length() < 4) continue;
            if (!SIMPLE.contains(m.getParameterTypes()[0])) continue;
            String prop = Character.toLowerCase(n.charAt(3)) + n.substring(4);
            setters.put(prop, m);
        }
        return Collections.unmodifiableMap(setters);
    }

    /** Names of all HikariConfig properties that can be set from YAML (including reserved ones). */
    static Set<String> propertyNames() {
        return SETTERS.keySet();
    }

    /** True if {@code name} is a HikariConfig property settable from a scalar. */
    static boolean isProperty(String name) {
        return SETTERS.containsKey(name);
    }

    /**
     * Converts a YAML value to the type of the named HikariConfig property.
     *
     * @throws IllegalArgumentException with a short description of what was expected
     */
    static Object convert(String property, String value) {
        Method m = SETTERS.get(property);
        if (m == null) throw new IllegalArgumentException("not a HikariCP property");
        Class<?> t = m.getParameterTypes()[0];
        String v = value == null ? "" : value.trim();
        if (t == String.class) return value;
        if (t == int.class || t == Integer.class) {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected an integer");
            }
        }
        if (t == long.class || t == Long.class) {
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                Duration d = YamlDocument.parseDuration(v);
                if (d == null) {
                    throw new IllegalArgumentException("expected milliseconds or a duration like 500ms, 5s, 2m");
                }
                return d.toMillis();
            }
        }
        if (t == boolean.class || t == Boolean.class) {
            if (v.equalsIgnoreCase("true")) return Boolean.TRUE;
            if (v.equalsIgnoreCase("false")) return Boolean.FALSE;
            throw new IllegalArgumentException("expected true or false");
        }
        throw new IllegalArgumentException("unsupported type " + t.getSimpleName());
    }

    /**
     * Builds the HikariCP configuration for a data source without starting a pool.
     *
     * @param ds the data source (url, credentials, pool settings)
     * @param name the data source's name; the pool is named {@code shardline-<name>}
     */
    public static HikariConfig config(Topology.DataSourceConfig ds, String name) {
        HikariConfig config = new HikariConfig();
        for (Map.Entry<String, String> e : new TreeMap<>(ds.pool()).entrySet()) {
            String key = e.getKey();
            if (key.startsWith(DATA_SOURCE_PREFIX)) {
                config.addDataSourceProperty(key.substring(DATA_SOURCE_PREFIX.length()), e.getValue());
                continue;
            }
            if (RESERVED.containsKey(key)) {
                throw new IllegalArgumentException("pool property '" + key + "' of data source '" + name
                        + "' is not allowed: " + RESERVED.get(key));
            }
            Method setter = SETTERS.get(key);
            if (setter == null) {
                throw new IllegalArgumentException("unknown HikariCP property '" + key + "' in data source '" + name + "'");
            }
            Object value;
            try {
                value = convert(key, e.getValue());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("bad value for pool property '" + key + "' of data source '"
                        + name + "': " + ex.getMessage(), ex);
            }
            try {
                setter.invoke(config, value);
            } catch (IllegalAccessException ex) {
                throw new IllegalStateException(ex);
            } catch (InvocationTargetException ex) {
                Throwable c = ex.getCause();
                throw new IllegalArgumentException("pool property '" + key + "' of data source '" + name
                        + "': " + (c == null ? ex : c.getMessage()), c);
            }
        }
        config.setJdbcUrl(ds.url());
        if (ds.username() != null) config.setUsername(ds.username());
        if (ds.password() != null) config.setPassword(ds.password());
        config.setPoolName("shardline-" + name);
        config.setExceptionOverride(new BrokenConnectionEviction());
        return config;
    }

    /**
     * Builds and starts a HikariCP pool for a data source.
     *
     * @param ds the data source (url, credentials, pool settings)
     * @param name the data source's name; the pool is named {@code shardline-<name>}
     */
    static HikariDataSource create(Topology.DataSourceConfig ds, String name) {
        return new HikariDataSource(config(ds, name));
    }
}
