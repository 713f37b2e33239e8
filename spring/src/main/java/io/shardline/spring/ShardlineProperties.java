package io.shardline.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.Ordered;

/**
 * The {@code shardline.*} properties of the Spring Boot starter. The topology itself (nodes,
 * pools, replication, reads) stays in the topology YAML; these only say where it is and how the
 * starter plugs it into Spring.
 */
@ConfigurationProperties(prefix = "shardline")
public class ShardlineProperties {

    /**
     * Where the topology YAML is: {@code classpath:topology.yaml}, {@code file:/etc/app/topology.yaml}
     * or a file path (the forms of a {@code jdbc:shardline:} URL, without the prefix). An
     * alternative to {@code spring.datasource.url=jdbc:shardline:...}; setting both to different
     * topologies is an error.
     */
    private String topology;

    private final DataSource datasource = new DataSource();

    private final Session session = new Session();

    private final Health health = new Health();

    public String getTopology() {
        return topology;
    }

    public void setTopology(String topology) {
        this.topology = topology;
    }

    public DataSource getDatasource() {
        return datasource;
    }

    public Session getSession() {
        return session;
    }

    public Health getHealth() {
        return health;
    }

    /** How the application's {@code DataSource} bean is made. */
    public static class DataSource {

        /**
         * {@code shardline}: the DataSource bean is the {@code ShardlineDataSource} itself, whose
         * per-node HikariCP pools (sized in the topology YAML) are the only pools.
         * {@code hikari}: Boot's HikariCP pool ({@code spring.datasource.hikari.*}) of logical
         * Shardline connections on top of it; the {@code ShardlineDataSource} stays available as
         * the bean {@code shardlineDataSource}.
         */
        private Pool pool = Pool.SHARDLINE;

        public Pool getPool() {
            return pool;
        }

        public void setPool(Pool pool) {
            this.pool = pool;
        }
    }

    /** See {@link DataSource#getPool()}. */
    public enum Pool {
        SHARDLINE, HIKARI
    }

    /** Read-your-writes session tokens carried by HTTP headers. */
    public static class Session {

        /**
         * Whether a servlet filter opens a read-your-writes scope per request, resumed from the
         * request's session header and returned in the response's.
         */
        private boolean enabled = true;

        /** The HTTP header that carries the session token, in requests and responses. */
        private String header = "Shardline-Session";

        /**
         * Whether the RestClient, RestTemplate and WebClient builders of the application context
         * get an interceptor that sends the current thread's token with every outgoing request.
         */
        private boolean propagate = true;

        /** Order of the servlet filter (early, so that the whole request runs in the scope). */
        private int filterOrder = Ordered.HIGHEST_PRECEDENCE + 100;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getHeader() {
            return header;
        }

        public void setHeader(String header) {
            this.header = header;
        }

        public boolean isPropagate() {
            return propagate;
        }

        public void setPropagate(boolean propagate) {
            this.propagate = propagate;
        }

        public int getFilterOrder() {
            return filterOrder;
        }

        public void setFilterOrder(int filterOrder) {
            this.filterOrder = filterOrder;
        }
    }

    /** The {@code shardline} actuator health indicator. */
    public static class Health {

        /**
         * The status reported when a replica is DOWN or BROKEN while every primary is up (reads
         * then go to the other replicas or the primary): {@code DOWN} by default; e.g.
         * {@code OUT_OF_SERVICE}, or a custom status mapped in {@code management.endpoint.health.status.*},
         * to keep an instance in service on a replica outage. A primary that is DOWN is always DOWN.
         */
        private String replicaFailureStatus = "DOWN";

        public String getReplicaFailureStatus() {
            return replicaFailureStatus;
        }

        public void setReplicaFailureStatus(String replicaFailureStatus) {
            this.replicaFailureStatus = replicaFailureStatus;
        }
    }
}
