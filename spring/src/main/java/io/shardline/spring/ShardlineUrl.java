package io.shardline.spring;

import io.shardline.driver.ShardlineDriver;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Which Shardline topology the application runs, from {@code shardline.topology} or a
 * {@code jdbc:shardline:} {@code spring.datasource.url}: one place, shared by the conditions and the
 * DataSource bean.
 */
final class ShardlineUrl {

    static final String TOPOLOGY_PROPERTY = "shardline.topology";
    static final String URL_PROPERTY = "spring.datasource.url";

    private ShardlineUrl() {
    }

    /**
     * The {@code jdbc:shardline:} URL the environment names, or null if it names none.
     *
     * @throws IllegalStateException if {@code shardline.topology} and {@code spring.datasource.url}
     *     name different databases
     */
    static String resolve(Environment env) {
        String topology = env.getProperty(TOPOLOGY_PROPERTY);
        String url = env.getProperty(URL_PROPERTY);
        if (StringUtils.hasText(topology)) {
            String t = topology.trim();
            String fromTopology = t.startsWith(ShardlineDriver.PREFIX) ? t : ShardlineDriver.PREFIX + t;
            if (StringUtils.hasText(url) && !url.trim().equals(fromTopology)) {
                throw new IllegalStateException("Both " + TOPOLOGY_PROPERTY + " (" + topology + ") and " + URL_PROPERTY
                        + " (" + redact(url) + ") are set and name different databases: set one of them (e.g. "
                        + URL_PROPERTY + "=" + fromTopology + " alone)");
            }
            return fromTopology;
        }
        if (StringUtils.hasText(url) && url.trim().startsWith(ShardlineDriver.PREFIX)) return url.trim();
        return null;
    }

    /** True if the environment names a Shardline topology (without throwing on a conflict). */
    static boolean isConfigured(Environment env) {
        if (StringUtils.hasText(env.getProperty(TOPOLOGY_PROPERTY))) return true;
        String url = env.getProperty(URL_PROPERTY);
        return url != null && url.trim().startsWith(ShardlineDriver.PREFIX);
    }

    /** A JDBC URL for a message: the part after '?' or ';' may carry credentials. */
    private static String redact(String url) {
        int cut = url.length();
        for (char c : new char[] {'?', ';'}) {
            int i = url.indexOf(c);
            if (i >= 0 && i < cut) cut = i;
        }
        return cut < url.length() ? url.substring(0, cut) + "..." : url;
    }
}
