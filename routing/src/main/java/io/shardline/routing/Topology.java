package io.shardline.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable, validated description of the physical databases and the roles they play: the
 * in-memory form of the topology YAML (see {@code docs/configuration.md}).
 *
 * <p>A topology is produced by the driver's YAML loader, which has already checked every
 * cross-reference; code that receives a {@code Topology} may rely on it being consistent (every
 * shard's primary and replicas name a defined data source, the default shard exists, ...).
 */
public final class Topology {

    /** How a physical database is reached. {@code password} never appears in {@link #toString()}. */
    public record DataSourceConfig(String name, String url, String username, String password,
                                   Map<String, String> pool) {
        public DataSourceConfig {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(url, "url");
            pool = Map.copyOf(pool == null ? Map.of() : pool);
        }

        @Override
        public String toString() {
            return "DataSourceConfig[name=" + name + ", url=" + url + ", username=" + username
                    + ", password=" + (password == null || password.isEmpty() ? "<none>" : "******")
                    + ", pool=" + pool + "]";
        }
    }

    /** A replica of a shard, with its balancing weight (default 1). */
    public record ReplicaConfig(String dataSource, int weight) {
        public ReplicaConfig {
            Objects.requireNonNull(dataSource, "dataSource");
            if (weight < 1) throw new IllegalArgumentException("weight must be >= 1");
        }
    }

    /** A shard: one primary and its replicas, in the order listed. */
    public record ShardConfig(String name, int index, String primary, List<ReplicaConfig> replicas) {
        public ShardConfig {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(primary, "primary");
            replicas = List.copyOf(replicas);
        }
    }

    /**
     * How a table is placed: sharded by a key and strategy, or broadcast to every shard.
     *
     * @param boundaries for the {@code range} strategy: the ordered boundaries ({@code shardCount - 1}
     *                   of them, strictly increasing; see {@code io.shardline.routing.shard.RangeStrategy}); empty otherwise
     */
    public record TableRule(String table, String shardKey, String strategy, boolean broadcast,
                            String keyGeneratorColumn, String keyGeneratorType, List<String> boundaries) {
        /** Copies the boundaries (null becomes empty). */
        public TableRule {
            boundaries = boundaries == null ? List.of() : List.copyOf(boundaries);
        }

        /** A rule without range boundaries (mod, hash, broadcast). */
        public TableRule(String table, String shardKey, String strategy, boolean broadcast,
                         String keyGeneratorColumn, String keyGeneratorType) {
            this(table, shardKey, strategy, broadcast, keyGeneratorColumn, keyGeneratorType, List.of());
        }
    }

    /**
     * Replication settings ({@code replication:} in YAML).
     *
     * @param appliers {@code embedded} (every application runtime applies the log to the replicas;
     *                 the default) or {@code external} (a {@code shardline replicate} process does;
     *                 the application only watches the replicas' positions)
     * @param applyThreads how many replica connections an applier may apply a round's entries on at
     *                 once, entries that touch common rows always on the same one (writesets)
     */
    public record ReplicationConfig(String mode, String ackReplicas, Duration ackTimeout,
                                    Duration applyInterval, Duration initialBackoff,
                                    Duration maxBackoff, String schema, int batchSize,
                                    long logAlertEntries, String appliers, int applyThreads) {
        /** The default of {@code applyThreads}. */
        public static final int DEFAULT_APPLY_THREADS = 1;

        /** Settings with the default {@code applyThreads}. */
        public ReplicationConfig(String mode, String ackReplicas, Duration ackTimeout, Duration applyInterval,
                                 Duration initialBackoff, Duration maxBackoff, String schema, int batchSize,
                                 long logAlertEntries, String appliers) {
            this(mode, ackReplicas, ackTimeout, applyInterval, initialBackoff, maxBackoff, schema, batchSize,
                    logAlertEntries, appliers, DEFAULT_APPLY_THREADS);
        }

        /** Settings with embedded appliers. */
        public ReplicationConfig(String mode, String ackReplicas, Duration ackTimeout, Duration applyInterval,
                                 Duration initialBackoff, Duration maxBackoff, String schema, int batchSize,
                                 long logAlertEntries) {
            this(mode, ackReplicas, ackTimeout, applyInterval, initialBackoff, maxBackoff, schema, batchSize,
                    logAlertEntries, "embedded");
        }

        /** The defaults used when the YAML has no {@code replication:} section. */
        public static ReplicationConfig defaults() {
            return new ReplicationConfig("async", "all", Duration.ofSeconds(5), Duration.ZERO,
                    Duration.ofMillis(100), Duration.ofSeconds(30), "shardline", 500, 1_000_000L);
        }

        /** True when this runtime applies the log itself ({@code appliers: embedded}). */
        public boolean embeddedAppliers() {
            return !"external".equals(appliers);
        }

        /** The same settings with {@code appliers} replaced (a replicator always applies). */
        public ReplicationConfig withAppliers(String appliers) {
            return new ReplicationConfig(mode, ackReplicas, ackTimeout, applyInterval, initialBackoff, maxBackoff,
                    schema, batchSize, logAlertEntries, appliers, applyThreads);
        }

        /**
         * How many replicas must acknowledge a synchronous commit, given how many the shard has.
         */
        public int requiredAcks(int replicas) {
            return "all".equals(ackReplicas) ? replicas : Math.min(replicas, Integer.parseInt(ackReplicas));
        }

        /** True when commits wait for replicas to acknowledge. */
        public boolean sync() {
            return "sync".equals(mode);
        }
    }

    /**
     * Read settings ({@code reads:} in YAML).
     *
     * @param scope what {@code read-your-writes} covers: {@code instance} (a read sees every commit
     *              this application instance made, whichever connection made it; the default) or
     *              {@code connection} (only the reading connection's own commits)
     */
    public record ReadConfig(String balancer, String consistency, Duration maxLag,
                             boolean fallbackToPrimary, String scope) {
        /** Settings with the default {@code scope} ({@code instance}). */
        public ReadConfig(String balancer, String consistency, Duration maxLag, boolean fallbackToPrimary) {
            this(balancer, consistency, maxLag, fallbackToPrimary, "instance");
        }

        /** The defaults used when the YAML has no {@code reads:} section. */
        public static ReadConfig defaults() {
            return new ReadConfig("round-robin", "read-your-writes", Duration.ofSeconds(5), true, "instance");
        }
    }

    private final String source;
    private final Map<String, DataSourceConfig> dataSources;
    private final List<ShardConfig> shards;
    private final Map<String, TableRule> tables;
    private final String defaultShard;
    private final ReplicationConfig replication;
    private final ReadConfig reads;

    /**
     * Creates a topology. The caller (normally the YAML loader) has validated the references.
     *
     * @param source where it came from, e.g. a file path; used in messages only
     */
    public Topology(String source, Map<String, DataSourceConfig> dataSources, List<ShardConfig> shards,
                    Map<String, TableRule> tables, String defaultShard,
                    ReplicationConfig replication, ReadConfig reads) {
        this.source = source;
        this.dataSources = Map.copyOf(dataSources);
        this.shards = List.copyOf(shards);
        this.tables = Map.copyOf(tables);
        this.defaultShard = defaultShard != null ? defaultShard : this.shards.get(0).name();
        this.replication = replication != null ? replication : ReplicationConfig.defaults();
        this.reads = reads != null ? reads : ReadConfig.defaults();
    }

    /** Where this topology was loaded from (for messages). */
    public String source() { return source; }

    /** Every physical database, by name. */
    public Map<String, DataSourceConfig> dataSources() { return dataSources; }

    /** The shards, in the order listed; a shard's index is its position here. */
    public List<ShardConfig> shards() { return shards; }

    /** Table placement rules by lower-cased table name; tables not listed live on the default shard. */
    public Map<String, TableRule> tables() { return tables; }

    /** The shard holding unlisted tables. */
    public String defaultShard() { return defaultShard; }

    /** Replication settings. */
    public ReplicationConfig replication() { return replication; }

    /** Read routing settings. */
    public ReadConfig reads() { return reads; }

    /** The same topology with other replication settings. */
    public Topology withReplication(ReplicationConfig replication) {
        return new Topology(source, dataSources, shards, tables, defaultShard, replication, reads);
    }

    /** The named data source; throws if it does not exist. */
    public DataSourceConfig dataSource(String name) {
        DataSourceConfig ds = dataSources.get(name);
        if (ds == null) throw new IllegalArgumentException("no data source named '" + name + "'");
        return ds;
    }

    @Override
    public String toString() {
        return "Topology[" + source + ", shards=" + shards + "]";
    }
}
