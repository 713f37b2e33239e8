package io.shardline.driver.config;

import static io.shardline.driver.config.YamlDocument.echo;
import static io.shardline.driver.config.YamlDocument.isNull;
import static io.shardline.driver.config.YamlDocument.isSecret;
import static io.shardline.driver.config.YamlDocument.join;
import static io.shardline.driver.config.YamlDocument.suggestion;

import io.shardline.driver.config.YamlDocument.Entry;
import io.shardline.routing.Topology;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The meaning of a topology file: walks a {@link YamlDocument} with the schema of
 * {@code docs/configuration.md} (data sources, shards and their roles, table rules, replication
 * and read settings), checks every reference and value, and builds the {@link Topology}. Every
 * problem is recorded in the document, located; nothing stops at the first one.
 */
final class TopologyValidator {

    private static final Pattern SQL_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private static final List<String> TOP_KEYS =
            List.of("dataSources", "shards", "tables", "defaultShard", "replication", "reads");
    private static final List<String> DATA_SOURCE_KEYS = List.of("url", "username", "password", "pool");
    private static final List<String> SHARD_KEYS = List.of("primary", "replicas");
    private static final List<String> REPLICA_KEYS = List.of("dataSource", "weight");
    private static final List<String> TABLE_KEYS = List.of("shardKey", "strategy", "broadcast", "keyGenerator",
            "boundaries");
    private static final List<String> KEY_GENERATOR_KEYS = List.of("column", "type");
    private static final List<String> REPLICATION_KEYS = List.of("mode", "ackReplicas", "ackTimeout",
            "applyInterval", "retry", "schema", "batchSize", "logAlertEntries", "appliers", "applyThreads");
    private static final List<String> APPLIERS = List.of("embedded", "external");
    private static final List<String> RETRY_KEYS = List.of("initialBackoff", "maxBackoff");
    private static final List<String> READS_KEYS = List.of("balancer", "consistency", "maxLag", "fallbackToPrimary",
            "scope");
    private static final List<String> SCOPES = List.of("instance", "connection");

    private static final List<String> MODES = List.of("async", "sync");
    private static final List<String> STRATEGIES = List.of("mod", "hash", "range");
    private static final List<String> KEY_GENERATOR_TYPES = List.of("snowflake");
    private static final List<String> BALANCERS = List.of("round-robin", "random", "weighted", "least-lag");
    private static final List<String> CONSISTENCIES = List.of("eventual", "read-your-writes", "primary");

    /** Strategy of a sharded table that names no strategy. */
    static final String DEFAULT_STRATEGY = "hash";

    private final YamlDocument yaml;

    TopologyValidator(YamlDocument yaml) {
        this.yaml = yaml;
    }

    /** The topology, or null when the document has problems (they are recorded in it). */
    Topology build(Node root) {
        Map<String, Entry> top = yaml.mapping(root, "", TOP_KEYS);
        if (top == null) return null;

        // dataSources
        Map<String, Topology.DataSourceConfig> dataSources = new LinkedHashMap<>();
        Set<String> dataSourceNames = new LinkedHashSet<>();
        boolean dataSourcesKnown = false;
        Entry dsEntry = top.get("dataSources");
        if (dsEntry == null || isNull(dsEntry.value())) {
            yaml.problemAt(dsEntry == null ? root : dsEntry.value(), "dataSources",
                    dsEntry == null ? "required key missing" : "must define at least one data source");
        } else {
            Map<String, Entry> dss = yaml.mapping(dsEntry.value(), "dataSources", null);
            if (dss != null) {
                if (dss.isEmpty()) yaml.problemAt(dsEntry.value(), "dataSources", "must define at least one data source");
                dataSourceNames.addAll(dss.keySet());
                dataSourcesKnown = true;
                for (Map.Entry<String, Entry> e : dss.entrySet()) {
                    Topology.DataSourceConfig ds = dataSource(e.getKey(), e.getValue().value(), "dataSources." + e.getKey());
                    if (ds != null) dataSources.put(e.getKey(), ds);
                }
            }
        }

        // shards
        List<Topology.ShardConfig> shards = new ArrayList<>();
        Set<String> shardNames = new LinkedHashSet<>();
        Entry shEntry = top.get("shards");
        if (shEntry == null || isNull(shEntry.value())) {
            yaml.problemAt(shEntry == null ? root : shEntry.value(), "shards",
                    shEntry == null ? "required key missing" : "must define at least one shard");
        } else {
            Map<String, Entry> shs = yaml.mapping(shEntry.value(), "shards", null);
            if (shs != null) {
                if (shs.isEmpty()) yaml.problemAt(shEntry.value(), "shards", "must define at least one shard");
                shardNames.addAll(shs.keySet());
                Map<String, String> roles = new HashMap<>();
                int index = 0;
                for (Map.Entry<String, Entry> e : shs.entrySet()) {
                    Topology.ShardConfig shard = shard(e.getKey(), index++, e.getValue().value(),
                            "shards." + e.getKey(), dataSourcesKnown ? dataSourceNames : null, roles);
                    if (shard != null) shards.add(shard);
                }
            }
        }

        // tables
        Map<String, Topology.TableRule> tables = new LinkedHashMap<>();
        Entry tEntry = top.get("tables");
        if (tEntry != null && !isNull(tEntry.value())) {
            Map<String, Entry> ts = yaml.mapping(tEntry.value(), "tables", null);
            if (ts != null) {
                Map<String, String> lowerNames = new HashMap<>();
                for (Map.Entry<String, Entry> e : ts.entrySet()) {
                    String lower = e.getKey().toLowerCase(Locale.ROOT);
                    String path = "tables." + e.getKey();
                    String previous = lowerNames.putIfAbsent(lower, e.getKey());
                    if (previous != null) {
                        yaml.problemAt(e.getValue().key(), path, "table defined twice (as '" + previous
                                + "'; table names are case-insensitive)");
                        continue;
                    }
                    Topology.TableRule rule = table(lower, e.getValue().value(), path, shardNames.size());
                    if (rule != null) tables.put(lower, rule);
                }
            }
        }

        // defaultShard
        String defaultShard = null;
        Entry dEntry = top.get("defaultShard");
        if (dEntry != null) {
            defaultShard = yaml.string(dEntry.value(), "defaultShard");
            if (defaultShard == null) {
                if (isNull(dEntry.value())) yaml.problemAt(dEntry.value(), "defaultShard", "value missing (name a shard)");
            } else if (!shardNames.isEmpty() && !shardNames.contains(defaultShard)) {
                yaml.problemAt(dEntry.value(), "defaultShard", "no shard named '" + defaultShard + "'"
                        + suggestion(defaultShard, shardNames) + " (shards: " + String.join(", ", shardNames) + ")");
                defaultShard = null;
            }
        }

        Topology.ReplicationConfig replication = replication(top.get("replication"));
        Topology.ReadConfig reads = reads(top.get("reads"));

        if (!!yaml.hasProblems() || shards.isEmpty()) return null;
        return new Topology(yaml.source(), dataSources, shards, tables, defaultShard, replication, reads);
    }

    // ------------------------------------------------------------------------------------ sections

    private Topology.DataSourceConfig dataSource(String name, Node node, String path) {
        if (isNull(node)) {
            yaml.problemAt(node, path + ".url", "required key missing");
            return null;
        }
        Map<String, Entry> m = yaml.mapping(node, path, DATA_SOURCE_KEYS);
        if (m == null) return null;
        String url = null;
        Entry urlEntry = m.get("url");
        if (urlEntry == null) {
            yaml.problemAt(node, path + ".url", "required key missing");
        } else {
            url = yaml.string(urlEntry.value(), path + ".url");
            if (url == null && isNull(urlEntry.value())) {
                yaml.problemAt(urlEntry.value(), path + ".url", "value missing");
            } else if (url != null && !url.startsWith("jdbc:")) {
                yaml.problemAt(urlEntry.value(), path + ".url", "not a JDBC URL (must start with 'jdbc:')");
                url = null;
            }
        }
        String username = m.containsKey("username") ? yaml.string(m.get("username").value(), path + ".username") : null;
        String password = m.containsKey("password") ? yaml.string(m.get("password").value(), path + ".password") : null;
        Map<String, String> pool = m.containsKey("pool") ? pool(m.get("pool").value(), path + ".pool") : Map.of();
        if (url == null || pool == null) return null;
        return new Topology.DataSourceConfig(name, url, username, password, pool);
    }

    private Map<String, String> pool(Node node, String path) {
        if (isNull(node)) return Map.of();
        Map<String, Entry> m = yaml.mapping(node, path, null);
        if (m == null) return null;
        Map<String, String> pool = new LinkedHashMap<>();
        boolean ok = true;
        for (Map.Entry<String, Entry> e : m.entrySet()) {
            String key = e.getKey();
            String p = path + "." + key;
            Node keyNode = e.getValue().key();
            Node valueNode = e.getValue().value();
            if (PoolFactory.RESERVED.containsKey(key)) {
                yaml.problemAt(keyNode, p, "not allowed in pool: " + PoolFactory.RESERVED.get(key));
                ok = false;
                continue;
            }
            boolean driverProperty = key.startsWith(PoolFactory.DATA_SOURCE_PREFIX)
                    && key.length() > PoolFactory.DATA_SOURCE_PREFIX.length();
            if (!driverProperty && !PoolFactory.isProperty(key)) {
                Set<String> known = new LinkedHashSet<>(PoolFactory.propertyNames());
                known.removeAll(PoolFactory.RESERVED.keySet());
                yaml.problemAt(keyNode, p, "unknown HikariCP property" + suggestion(key, known));
                ok = false;
                continue;
            }
            String value = yaml.string(valueNode, p);
            if (value == null) {
                if (isNull(valueNode)) yaml.problemAt(valueNode, p, "value missing");
                ok = false;
                continue;
            }
            if (!driverProperty) {
                try {
                    PoolFactory.convert(key, value);
                } catch (IllegalArgumentException ex) {
                    yaml.problemAt(valueNode, p, "bad value" + echo(p, value) + ": " + ex.getMessage());
                    ok = false;
                    continue;
                }
            }
            pool.put(key, value);
        }
        return ok ? pool : null;
    }

    private Topology.ShardConfig shard(String name, int index, Node node, String path,
                                       Set<String> dataSourceNames, Map<String, String> roles) {
        if (isNull(node)) {
            yaml.problemAt(node, path + ".primary", "required key missing");
            return null;
        }
        Map<String, Entry> m = yaml.mapping(node, path, SHARD_KEYS);
        if (m == null) return null;
        boolean ok = true;
        String primary = null;
        Entry pEntry = m.get("primary");
        if (pEntry == null) {
            yaml.problemAt(node, path + ".primary", "required key missing");
            ok = false;
        } else {
            primary = yaml.string(pEntry.value(), path + ".primary");
            if (primary == null) {
                if (isNull(pEntry.value())) yaml.problemAt(pEntry.value(), path + ".primary", "value missing");
                ok = false;
            } else {
                ok &= reference(primary, pEntry.value(), path + ".primary", dataSourceNames, roles,
                        "the primary of shard '" + name + "'");
            }
        }
        List<Topology.ReplicaConfig> replicas = new ArrayList<>();
        Entry rEntry = m.get("replicas");
        if (rEntry != null && !isNull(rEntry.value())) {
            Node rNode = rEntry.value();
            if (!(rNode instanceof SequenceNode seq)) {
                yaml.wrongType(rNode, path + ".replicas", "a list");
                ok = false;
            } else {
                int i = 0;
                for (Node item : seq.getValue()) {
                    String ip = path + ".replicas[" + i++ + "]";
                    Topology.ReplicaConfig replica = replica(item, ip, name, dataSourceNames, roles);
                    if (replica == null) ok = false;
                    else replicas.add(replica);
                }
            }
        }
        return ok ? new Topology.ShardConfig(name, index, primary, replicas) : null;
    }

    private Topology.ReplicaConfig replica(Node item, String path, String shard,
                                           Set<String> dataSourceNames, Map<String, String> roles) {
        String role = "a replica of shard '" + shard + "'";
        if (item instanceof ScalarNode) {
            String ds = yaml.string(item, path);
            if (ds == null) {
                yaml.problemAt(item, path, "value missing (name a data source)");
                return null;
            }
            return reference(ds, item, path, dataSourceNames, roles, role) ? new Topology.ReplicaConfig(ds, 1) : null;
        }
        if (!(item instanceof MappingNode)) {
            yaml.wrongType(item, path, "a data source name or a mapping {dataSource, weight}");
            return null;
        }
        Map<String, Entry> m = yaml.mapping(item, path, REPLICA_KEYS);
        if (m == null) return null;
        boolean ok = true;
        String ds = null;
        Entry dsEntry = m.get("dataSource");
        if (dsEntry == null) {
            yaml.problemAt(item, path + ".dataSource", "required key missing");
            ok = false;
        } else {
            ds = yaml.string(dsEntry.value(), path + ".dataSource");
            if (ds == null) {
                if (isNull(dsEntry.value())) yaml.problemAt(dsEntry.value(), path + ".dataSource", "value missing");
                ok = false;
            } else {
                ok = reference(ds, dsEntry.value(), path + ".dataSource", dataSourceNames, roles, role);
            }
        }
        Integer weight = 1;
        if (m.containsKey("weight")) {
            weight = yaml.integer(m.get("weight").value(), path + ".weight", 1);
            if (weight == null) ok = false;
        }
        return ok ? new Topology.ReplicaConfig(ds, weight) : null;
    }

    /**
     * Checks that {@code ds} is a defined data source not yet given another role. With
     * {@code dataSourceNames == null} (the dataSources section itself is broken) only roles are checked.
     */
    private boolean reference(String ds, Node node, String path, Set<String> dataSourceNames,
                              Map<String, String> roles, String role) {
        if (dataSourceNames != null && !dataSourceNames.contains(ds)) {
            yaml.problemAt(node, path, "undefined data source '" + ds + "'" + suggestion(ds, dataSourceNames)
                    + (dataSourceNames.isEmpty() ? "" : " (defined: " + String.join(", ", dataSourceNames) + ")"));
            return false;
        }
        String previous = roles.putIfAbsent(ds, role);
        if (previous != null) {
            yaml.problemAt(node, path, "duplicate role: data source '" + ds + "' is already " + previous
                    + "; each data source may play one role");
            return false;
        }
        return true;
    }

    private Topology.TableRule table(String table, Node node, String path, int shardCount) {
        Map<String, Entry> m = isNull(node) ? Map.of() : yaml.mapping(node, path, TABLE_KEYS);
        if (m == null) return null;
        boolean ok = true;
        boolean broadcast = false;
        if (m.containsKey("broadcast")) {
            Boolean b = yaml.bool(m.get("broadcast").value(), path + ".broadcast");
            if (b == null) ok = false;
            else broadcast = b;
        }
        String shardKey = null;
        String strategy = null;
        Entry kEntry = m.get("shardKey");
        Entry sEntry = m.get("strategy");
        if (broadcast) {
            if (kEntry != null) {
                yaml.problemAt(kEntry.key(), path + ".shardKey", "a broadcast table has no shardKey (it is copied to every shard)");
                ok = false;
            }
            if (sEntry != null) {
                yaml.problemAt(sEntry.key(), path + ".strategy", "a broadcast table has no strategy (it is copied to every shard)");
                ok = false;
            }
        } else {
            if (kEntry == null) {
                yaml.problemAt(node, path + ".shardKey", "required key missing for a sharded table (or set broadcast: true)");
                ok = false;
            } else {
                shardKey = yaml.string(kEntry.value(), path + ".shardKey");
                if (shardKey == null || shardKey.isBlank()) {
                    if (shardKey != null || isNull(kEntry.value())) {
                        yaml.problemAt(kEntry.value(), path + ".shardKey", "value missing (name the shard key column)");
                    }
                    ok = false;
                }
            }
            strategy = DEFAULT_STRATEGY;
            if (sEntry != null) {
                strategy = yaml.choice(sEntry.value(), path + ".strategy", STRATEGIES);
                if (strategy == null) ok = false;
            }
        }
        String kgColumn = null;
        String kgType = null;
        Entry gEntry = m.get("keyGenerator");
        if (gEntry != null && !isNull(gEntry.value())) {
            String gp = path + ".keyGenerator";
            Map<String, Entry> g = yaml.mapping(gEntry.value(), gp, KEY_GENERATOR_KEYS);
            if (g == null) {
                ok = false;
            } else {
                Entry cEntry = g.get("column");
                if (cEntry == null) {
                    yaml.problemAt(gEntry.value(), gp + ".column", "required key missing");
                    ok = false;
                } else {
                    kgColumn = yaml.string(cEntry.value(), gp + ".column");
                    if (kgColumn == null) {
                        if (isNull(cEntry.value())) yaml.problemAt(cEntry.value(), gp + ".column", "value missing");
                        ok = false;
                    }
                }
                kgType = "snowflake";
                if (g.containsKey("type")) {
                    kgType = yaml.choice(g.get("type").value(), gp + ".type", KEY_GENERATOR_TYPES);
                    if (kgType == null) ok = false;
                }
            }
        }
        // boundaries (range strategy only): shardCount - 1 strictly increasing values
        List<String> boundaries = new ArrayList<>();
        Entry bEntry = m.get("boundaries");
        if ("range".equals(strategy)) {
            if (bEntry == null || isNull(bEntry.value())) {
                yaml.problemAt(bEntry == null ? node : bEntry.value(), path + ".boundaries",
                        "required for strategy range (a list of " + Math.max(0, shardCount - 1)
                        + " strictly increasing boundaries, one less than the shards)");
                ok = false;
            } else if (!(bEntry.value() instanceof SequenceNode bSeq)) {
                yaml.wrongType(bEntry.value(), path + ".boundaries", "a list");
                ok = false;
            } else {
                boolean itemsOk = true;
                int i = 0;
                for (Node item : bSeq.getValue()) {
                    String v = yaml.string(item, path + ".boundaries[" + i + "]");
                    if (v == null) {
                        if (isNull(item)) yaml.problemAt(item, path + ".boundaries[" + i + "]", "value missing");
                        itemsOk = false;
                    } else {
                        boundaries.add(v);
                    }
                    i++;
                }
                if (!itemsOk) {
                    ok = false;
                } else if (shardCount > 0) {
                    try {
                        new io.shardline.routing.shard.RangeStrategy(boundaries, shardCount);
                    } catch (IllegalArgumentException ex) {
                        yaml.problemAt(bEntry.value(), path + ".boundaries", ex.getMessage());
                        ok = false;
                    }
                }
            }
        } else if (bEntry != null) {
            yaml.problemAt(bEntry.key(), path + ".boundaries", "boundaries apply only to strategy range"
                    + (broadcast ? " (this table is broadcast)" : " (this table uses " + strategy + ")"));
            ok = false;
        }
        return ok ? new Topology.TableRule(table, shardKey, strategy, broadcast, kgColumn, kgType, boundaries) : null;
    }

    private Topology.ReplicationConfig replication(Entry entry) {
        Topology.ReplicationConfig d = Topology.ReplicationConfig.defaults();
        if (entry == null || isNull(entry.value())) return d;
        Map<String, Entry> m = yaml.mapping(entry.value(), "replication", REPLICATION_KEYS);
        if (m == null) return d;
        String mode = m.containsKey("mode") ? yaml.choice(m.get("mode").value(), "replication.mode", MODES) : d.mode();
        String ackReplicas = d.ackReplicas();
        if (m.containsKey("ackReplicas")) {
            Node n = m.get("ackReplicas").value();
            String v = yaml.string(n, "replication.ackReplicas");
            if (v != null) {
                String t = v.trim();
                if (t.equalsIgnoreCase("all")) {
                    ackReplicas = "all";
                } else {
                    try {
                        int k = Integer.parseInt(t);
                        if (k < 1) throw new NumberFormatException();
                        ackReplicas = Integer.toString(k);
                    } catch (NumberFormatException e) {
                        yaml.problemAt(n, "replication.ackReplicas", "bad value '" + v + "' (use all or a number >= 1)");
                    }
                }
            } else if (isNull(n)) {
                yaml.problemAt(n, "replication.ackReplicas", "value missing (use all or a number >= 1)");
            }
        }
        Duration ackTimeout = m.containsKey("ackTimeout")
                ? yaml.duration(m.get("ackTimeout").value(), "replication.ackTimeout") : d.ackTimeout();
        Duration applyInterval = m.containsKey("applyInterval")
                ? yaml.duration(m.get("applyInterval").value(), "replication.applyInterval") : d.applyInterval();
        Duration initialBackoff = d.initialBackoff();
        Duration maxBackoff = d.maxBackoff();
        Entry rEntry = m.get("retry");
        if (rEntry != null && !isNull(rEntry.value())) {
            Map<String, Entry> r = yaml.mapping(rEntry.value(), "replication.retry", RETRY_KEYS);
            if (r != null) {
                if (r.containsKey("initialBackoff")) {
                    initialBackoff = yaml.duration(r.get("initialBackoff").value(), "replication.retry.initialBackoff");
                }
                if (r.containsKey("maxBackoff")) {
                    maxBackoff = yaml.duration(r.get("maxBackoff").value(), "replication.retry.maxBackoff");
                }
                if (initialBackoff != null && maxBackoff != null && maxBackoff.compareTo(initialBackoff) < 0) {
                    yaml.problemAt(rEntry.value(), "replication.retry.maxBackoff", "must not be less than initialBackoff");
                }
            }
        }
        String schema = d.schema();
        if (m.containsKey("schema")) {
            Node n = m.get("schema").value();
            schema = yaml.string(n, "replication.schema");
            if (schema == null) {
                if (isNull(n)) yaml.problemAt(n, "replication.schema", "value missing (an SQL identifier, default shardline)");
            } else if (!SQL_IDENTIFIER.matcher(schema).matches()) {
                yaml.problemAt(n, "replication.schema", "bad schema name '" + schema
                        + "' (use an SQL identifier: letters, digits, _; not starting with a digit)");
                schema = null;
            }
        }
        Integer batchSize = m.containsKey("batchSize")
                ? yaml.integer(m.get("batchSize").value(), "replication.batchSize", 1) : Integer.valueOf(d.batchSize());
        Integer logAlertEntries = m.containsKey("logAlertEntries")
                ? yaml.integer(m.get("logAlertEntries").value(), "replication.logAlertEntries", 1)
                : Integer.valueOf((int) d.logAlertEntries());
        String appliers = m.containsKey("appliers")
                ? yaml.choice(m.get("appliers").value(), "replication.appliers", APPLIERS) : d.appliers();
        Integer applyThreads = m.containsKey("applyThreads")
                ? yaml.integer(m.get("applyThreads").value(), "replication.applyThreads", 1) : Integer.valueOf(d.applyThreads());
        if (applyThreads != null && applyThreads > 64) {
            yaml.problemAt(m.get("applyThreads").value(), "replication.applyThreads", "at most 64 (one replica connection each)");
            applyThreads = null;
        }
        if (mode == null || ackReplicas == null || ackTimeout == null || applyInterval == null
                || initialBackoff == null || maxBackoff == null || schema == null || batchSize == null
                || logAlertEntries == null || appliers == null || applyThreads == null) {
            return d;
        }
        return new Topology.ReplicationConfig(mode, ackReplicas, ackTimeout, applyInterval, initialBackoff,
                maxBackoff, schema, batchSize, logAlertEntries, appliers, applyThreads);
    }

    private Topology.ReadConfig reads(Entry entry) {
        Topology.ReadConfig d = Topology.ReadConfig.defaults();
        if (entry == null || isNull(entry.value())) return d;
        Map<String, Entry> m = yaml.mapping(entry.value(), "reads", READS_KEYS);
        if (m == null) return d;
        String balancer = m.containsKey("balancer")
                ? yaml.choice(m.get("balancer").value(), "reads.balancer", BALANCERS) : d.balancer();
        String consistency = m.containsKey("consistency")
                ? yaml.choice(m.get("consistency").value(), "reads.consistency", CONSISTENCIES) : d.consistency();
        Duration maxLag = m.containsKey("maxLag") ? yaml.duration(m.get("maxLag").value(), "reads.maxLag") : d.maxLag();
        Boolean fallback = m.containsKey("fallbackToPrimary")
                ? yaml.bool(m.get("fallbackToPrimary").value(), "reads.fallbackToPrimary") : Boolean.valueOf(d.fallbackToPrimary());
        String scope = m.containsKey("scope") ? yaml.choice(m.get("scope").value(), "reads.scope", SCOPES) : d.scope();
        if (balancer == null || consistency == null || maxLag == null || fallback == null || scope == null) return d;
        return new Topology.ReadConfig(balancer, consistency, maxLag, fallback, scope);
    }
}
