package io.shardline.driver.config;

import io.shardline.driver.ShardlineConfigException;

import io.shardline.routing.Topology;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads and validates a topology YAML file into a {@link Topology}.
 *
 * <p>The YAML is composed into a node tree (snakeyaml-engine's low-level compose API: no Java
 * objects are constructed from tags), then walked with the schema of {@code docs/configuration.md}.
 * Every problem found anywhere in the file is collected, with its {@code file:line:column} and key
 * path, and all of them are thrown together in one {@link ShardlineConfigException}.
 *
 * <p>{@code ${NAME}} and {@code ${NAME:default}} in any scalar value are replaced by the Java system
 * property {@code NAME}, else the environment variable {@code NAME}, else the default.
 *
 * <p>Values under a {@code password} key are never echoed in a message.
 */
public final class TopologyLoader {

    private static final Pattern PLACEHOLDER =
            Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.\\-]*)(?::([^}]*))?}");
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
    private static final Pattern SQL_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    /** Raw-text scan for password values: a safety net so they can be scrubbed from any message. */
    private static final Pattern RAW_PASSWORD = Pattern.compile(
            "(?i)password[\"']?\\s*:[ \\t]*(?:\"([^\"\\n]*)\"|'([^'\\n]*)'|([^\\s,}#][^,}#\\n]*))");

    private static final List<String> TOP_KEYS =
            List.of("dataSources", "shards", "tables", "defaultShard", "replication", "reads");
    private static final List<String> DATA_SOURCE_KEYS = List.of("url", "username", "password", "pool");
    private static final List<String> SHARD_KEYS = List.of("primary", "replicas");
    private static final List<String> REPLICA_KEYS = List.of("dataSource", "weight");
    private static final List<String> TABLE_KEYS = List.of("shardKey", "strategy", "broadcast", "keyGenerator",
            "boundaries");
    private static final List<String> KEY_GENERATOR_KEYS = List.of("column", "type");
    private static final List<String> REPLICATION_KEYS = List.of("mode", "ackReplicas", "ackTimeout",
            "applyInterval", "retry", "schema", "batchSize", "logAlertEntries");
    private static final List<String> RETRY_KEYS = List.of("initialBackoff", "maxBackoff");
    private static final List<String> READS_KEYS = List.of("balancer", "consistency", "maxLag", "fallbackToPrimary");

    private static final List<String> MODES = List.of("async", "sync");
    private static final List<String> STRATEGIES = List.of("mod", "hash", "range");
    private static final List<String> KEY_GENERATOR_TYPES = List.of("snowflake");
    private static final List<String> BALANCERS = List.of("round-robin", "random", "weighted", "least-lag");
    private static final List<String> CONSISTENCIES = List.of("eventual", "read-your-writes", "primary");

    /** Strategy of a sharded table that names no strategy. */
    static final String DEFAULT_STRATEGY = "hash";

    private final String source;
    private final Set<Problem> problems = new LinkedHashSet<>();
    private final Set<String> secrets = new HashSet<>();

    private record Problem(int line, int column, String path, String message) {
    }

    /** A mapping entry: its key node (for locations) and value node. */
    private record Entry(ScalarNode key, Node value) {
    }

    private TopologyLoader(String source) {
        this.source = source;
    }

    // ------------------------------------------------------------------------------------ entry points

    /**
     * Loads a topology from what follows {@code jdbc:shardline:} in a JDBC URL:
     * {@code classpath:<resource>}, {@code file:<path>} or a plain {@code <path>}.
     *
     * @param cl class loader for {@code classpath:} resources; {@code null} for the thread's context loader
     */
    public static Topology load(String spec, ClassLoader cl) throws ShardlineConfigException {
        if (spec == null || spec.isBlank()) {
            throw new ShardlineConfigException(List.of(
                    "no topology given (use jdbc:shardline:classpath:<resource>, jdbc:shardline:file:<path> or jdbc:shardline:<path>)"));
        }
        if (spec.startsWith("classpath:")) {
            String resource = spec.substring("classpath:".length());
            String lookup = resource.startsWith("/") ? resource.substring(1) : resource;
            ClassLoader loader = cl != null ? cl : Thread.currentThread().getContextClassLoader();
            if (loader == null) loader = TopologyLoader.class.getClassLoader();
            InputStream in = loader.getResourceAsStream(lookup);
            if (in == null) {
                throw new ShardlineConfigException(List.of(resource + ": topology resource not found on the classpath"));
            }
            try (in) {
                return load(in, resource);
            } catch (IOException e) {
                throw new ShardlineConfigException(List.of(resource + ": cannot read: " + e.getMessage()), e);
            }
        }
        Path path;
        try {
            if (spec.startsWith("file://")) {
                path = Path.of(URI.create(spec));
            } else if (spec.startsWith("file:")) {
                path = Path.of(spec.substring("file:".length()));
            } else {
                path = Path.of(spec);
            }
        } catch (RuntimeException e) {
            throw new ShardlineConfigException(List.of(spec + ": not a valid path: " + e.getMessage()), e);
        }
        return load(path);
    }

    /** Loads a topology file; messages name it by {@code path.toString()}. */
    public static Topology load(Path path) throws ShardlineConfigException {
        String name = path.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ShardlineConfigException(List.of(name + ": topology file not found"), e);
        } catch (IOException e) {
            throw new ShardlineConfigException(List.of(name + ": cannot read topology file: " + e), e);
        }
        return parse(decode(bytes), name);
    }

    /**
     * Loads a topology from a stream (UTF-8, optional BOM). The stream is read fully, not closed.
     *
     * @param sourceName names the source in messages, e.g. {@code topology.yaml}
     */
    public static Topology load(InputStream in, String sourceName) throws ShardlineConfigException {
        try {
            return parse(decode(in.readAllBytes()), sourceName);
        } catch (IOException e) {
            throw new ShardlineConfigException(List.of(sourceName + ": cannot read: " + e.getMessage()), e);
        }
    }

    /** Parses and validates YAML text. */
    public static Topology parse(String yaml, String sourceName) throws ShardlineConfigException {
        TopologyLoader loader = new TopologyLoader(sourceName);
        return loader.run(yaml);
    }

    private static String decode(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    // ------------------------------------------------------------------------------------ top level

    private Topology run(String yaml) throws ShardlineConfigException {
        collectRawSecrets(yaml);
        Topology topology = null;
        Optional<Node> root = Optional.empty();
        boolean syntaxError = false;
        try {
            LoadSettings settings = LoadSettings.builder()
                    .setLabel(source)
                    .setSchema(new CoreSchema())
                    .setAllowRecursiveKeys(false)
                    .setMaxAliasesForCollections(50)
                    .setUseMarks(true)
                    .build();
            root = new Compose(settings).composeString(yaml);
        } catch (MarkedYamlEngineException e) {
            syntaxError = true;
            Optional<Mark> mark = e.getProblemMark().isPresent() ? e.getProblemMark() : e.getContextMark();
            String what = (e.getContext() != null ? e.getContext() + ": " : "")
                    + (e.getProblem() != null ? e.getProblem() : "invalid YAML");
            problems.add(new Problem(mark.map(m -> m.getLine() + 1).orElse(1),
                    mark.map(m -> m.getColumn() + 1).orElse(1), "(yaml)", "invalid YAML: " + what));
        } catch (YamlEngineException e) {
            syntaxError = true;
            problems.add(new Problem(1, 1, "(yaml)", "invalid YAML: " + e.getMessage()));
        }
        if (!syntaxError) {
            if (root.isEmpty() || isNull(root.get())) {
                problems.add(new Problem(1, 1, "(file)", "empty file: a topology needs dataSources and shards"));
            } else {
                checkDuplicateKeys(root.get(), "", Collections.newSetFromMap(new IdentityHashMap<>()));
                topology = build(root.get());
            }
        }
        if (!problems.isEmpty() || topology == null) {
            throw new ShardlineConfigException(format());
        }
        return topology;
    }

    private List<String> format() {
        List<Problem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
        List<String> lines = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Problem p : sorted) {
            String line = scrub(source + ":" + p.line() + ":" + p.column() + ": " + p.path() + ": " + p.message());
            if (seen.add(line)) lines.add(line);
        }
        return lines;
    }

    private String scrub(String message) {
        String out = message;
        for (String secret : secrets) {
            if (secret.length() >= 4) out = out.replace(secret, "******");
        }
        return out;
    }

    private void collectRawSecrets(String yaml) {
        Matcher m = RAW_PASSWORD.matcher(yaml);
        while (m.find()) {
            for (int g = 1; g <= 3; g++) {
                if (m.group(g) != null) {
                    String v = m.group(g).trim();
                    // a placeholder is not the secret; its resolved value is collected in string()
                    if (!v.isEmpty() && !v.contains("${")) secrets.add(v);
                }
            }
        }
    }

    private Topology build(Node root) {
        Map<String, Entry> top = mapping(root, "", TOP_KEYS);
        if (top == null) return null;

        // dataSources
        Map<String, Topology.DataSourceConfig> dataSources = new LinkedHashMap<>();
        Set<String> dataSourceNames = new LinkedHashSet<>();
        boolean dataSourcesKnown = false;
        Entry dsEntry = top.get("dataSources");
        if (dsEntry == null || isNull(dsEntry.value())) {
            problemAt(dsEntry == null ? root : dsEntry.value(), "dataSources",
                    dsEntry == null ? "required key missing" : "must define at least one data source");
        } else {
            Map<String, Entry> dss = mapping(dsEntry.value(), "dataSources", null);
            if (dss != null) {
                if (dss.isEmpty()) problemAt(dsEntry.value(), "dataSources", "must define at least one data source");
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
            problemAt(shEntry == null ? root : shEntry.value(), "shards",
                    shEntry == null ? "required key missing" : "must define at least one shard");
        } else {
            Map<String, Entry> shs = mapping(shEntry.value(), "shards", null);
            if (shs != null) {
                if (shs.isEmpty()) problemAt(shEntry.value(), "shards", "must define at least one shard");
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
            Map<String, Entry> ts = mapping(tEntry.value(), "tables", null);
            if (ts != null) {
                Map<String, String> lowerNames = new HashMap<>();
                for (Map.Entry<String, Entry> e : ts.entrySet()) {
                    String lower = e.getKey().toLowerCase(Locale.ROOT);
                    String path = "tables." + e.getKey();
                    String previous = lowerNames.putIfAbsent(lower, e.getKey());
                    if (previous != null) {
                        problemAt(e.getValue().key(), path, "table defined twice (as '" + previous
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
            defaultShard = string(dEntry.value(), "defaultShard");
            if (defaultShard == null) {
                if (isNull(dEntry.value())) problemAt(dEntry.value(), "defaultShard", "value missing (name a shard)");
            } else if (!shardNames.isEmpty() && !shardNames.contains(defaultShard)) {
                problemAt(dEntry.value(), "defaultShard", "no shard named '" + defaultShard + "'"
                        + suggestion(defaultShard, shardNames) + " (shards: " + String.join(", ", shardNames) + ")");
                defaultShard = null;
            }
        }

        Topology.ReplicationConfig replication = replication(top.get("replication"));
        Topology.ReadConfig reads = reads(top.get("reads"));

        if (!problems.isEmpty() || shards.isEmpty()) return null;
        return new Topology(source, dataSources, shards, tables, defaultShard, replication, reads);
    }

    // ------------------------------------------------------------------------------------ sections

    private Topology.DataSourceConfig dataSource(String name, Node node, String path) {
        if (isNull(node)) {
            problemAt(node, path + ".url", "required key missing");
            return null;
        }
        Map<String, Entry> m = mapping(node, path, DATA_SOURCE_KEYS);
        if (m == null) return null;
        String url = null;
        Entry urlEntry = m.get("url");
        if (urlEntry == null) {
            problemAt(node, path + ".url", "required key missing");
        } else {
            url = string(urlEntry.value(), path + ".url");
            if (url == null && isNull(urlEntry.value())) {
                problemAt(urlEntry.value(), path + ".url", "value missing");
            } else if (url != null && !url.startsWith("jdbc:")) {
                problemAt(urlEntry.value(), path + ".url", "not a JDBC URL (must start with 'jdbc:')");
                url = null;
            }
        }
        String username = m.containsKey("username") ? string(m.get("username").value(), path + ".username") : null;
        String password = m.containsKey("password") ? string(m.get("password").value(), path + ".password") : null;
        Map<String, String> pool = m.containsKey("pool") ? pool(m.get("pool").value(), path + ".pool") : Map.of();
        if (url == null || pool == null) return null;
        return new Topology.DataSourceConfig(name, url, username, password, pool);
    }

    private Map<String, String> pool(Node node, String path) {
        if (isNull(node)) return Map.of();
        Map<String, Entry> m = mapping(node, path, null);
        if (m == null) return null;
        Map<String, String> pool = new LinkedHashMap<>();
        boolean ok = true;
        for (Map.Entry<String, Entry> e : m.entrySet()) {
            String key = e.getKey();
            String p = path + "." + key;
            Node keyNode = e.getValue().key();
            Node valueNode = e.getValue().value();
            if (PoolFactory.RESERVED.containsKey(key)) {
                problemAt(keyNode, p, "not allowed in pool: " + PoolFactory.RESERVED.get(key));
                ok = false;
                continue;
            }
            boolean driverProperty = key.startsWith(PoolFactory.DATA_SOURCE_PREFIX)
                    && key.length() > PoolFactory.DATA_SOURCE_PREFIX.length();
            if (!driverProperty && !PoolFactory.isProperty(key)) {
                Set<String> known = new LinkedHashSet<>(PoolFactory.propertyNames());
                known.removeAll(PoolFactory.RESERVED.keySet());
                problemAt(keyNode, p, "unknown HikariCP property" + suggestion(key, known));
                ok = false;
                continue;
            }
            String value = string(valueNode, p);
            if (value == null) {
                if (isNull(valueNode)) problemAt(valueNode, p, "value missing");
                ok = false;
                continue;
            }
            if (!driverProperty) {
                try {
                    PoolFactory.convert(key, value);
                } catch (IllegalArgumentException ex) {
                    problemAt(valueNode, p, "bad value" + echo(p, value) + ": " + ex.getMessage());
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
            problemAt(node, path + ".primary", "required key missing");
            return null;
        }
        Map<String, Entry> m = mapping(node, path, SHARD_KEYS);
        if (m == null) return null;
        boolean ok = true;
        String primary = null;
        Entry pEntry = m.get("primary");
        if (pEntry == null) {
            problemAt(node, path + ".primary", "required key missing");
            ok = false;
        } else {
            primary = string(pEntry.value(), path + ".primary");
            if (primary == null) {
                if (isNull(pEntry.value())) problemAt(pEntry.value(), path + ".primary", "value missing");
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
                wrongType(rNode, path + ".replicas", "a list");
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
            String ds = string(item, path);
            if (ds == null) {
                problemAt(item, path, "value missing (name a data source)");
                return null;
            }
            return reference(ds, item, path, dataSourceNames, roles, role) ? new Topology.ReplicaConfig(ds, 1) : null;
        }
        if (!(item instanceof MappingNode)) {
            wrongType(item, path, "a data source name or a mapping {dataSource, weight}");
            return null;
        }
        Map<String, Entry> m = mapping(item, path, REPLICA_KEYS);
        if (m == null) return null;
        boolean ok = true;
        String ds = null;
        Entry dsEntry = m.get("dataSource");
        if (dsEntry == null) {
            problemAt(item, path + ".dataSource", "required key missing");
            ok = false;
        } else {
            ds = string(dsEntry.value(), path + ".dataSource");
            if (ds == null) {
                if (isNull(dsEntry.value())) problemAt(dsEntry.value(), path + ".dataSource", "value missing");
                ok = false;
            } else {
                ok = reference(ds, dsEntry.value(), path + ".dataSource", dataSourceNames, roles, role);
            }
        }
        Integer weight = 1;
        if (m.containsKey("weight")) {
            weight = integer(m.get("weight").value(), path + ".weight", 1);
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
            problemAt(node, path, "undefined data source '" + ds + "'" + suggestion(ds, dataSourceNames)
                    + (dataSourceNames.isEmpty() ? "" : " (defined: " + String.join(", ", dataSourceNames) + ")"));
            return false;
        }
        String previous = roles.putIfAbsent(ds, role);
        if (previous != null) {
            problemAt(node, path, "duplicate role: data source '" + ds + "' is already " + previous
                    + "; each data source may play one role");
            return false;
        }
        return true;
    }

    private Topology.TableRule table(String table, Node node, String path, int shardCount) {
        Map<String, Entry> m = isNull(node) ? Map.of() : mapping(node, path, TABLE_KEYS);
        if (m == null) return null;
        boolean ok = true;
        boolean broadcast = false;
        if (m.containsKey("broadcast")) {
            Boolean b = bool(m.get("broadcast").value(), path + ".broadcast");
            if (b == null) ok = false;
            else broadcast = b;
        }
        String shardKey = null;
        String strategy = null;
        Entry kEntry = m.get("shardKey");
        Entry sEntry = m.get("strategy");
        if (broadcast) {
            if (kEntry != null) {
                problemAt(kEntry.key(), path + ".shardKey", "a broadcast table has no shardKey (it is copied to every shard)");
                ok = false;
            }
            if (sEntry != null) {
                problemAt(sEntry.key(), path + ".strategy", "a broadcast table has no strategy (it is copied to every shard)");
                ok = false;
            }
        } else {
            if (kEntry == null) {
                problemAt(node, path + ".shardKey", "required key missing for a sharded table (or set broadcast: true)");
                ok = false;
            } else {
                shardKey = string(kEntry.value(), path + ".shardKey");
                if (shardKey == null || shardKey.isBlank()) {
                    if (shardKey != null || isNull(kEntry.value())) {
                        problemAt(kEntry.value(), path + ".shardKey", "value missing (name the shard key column)");
                    }
                    ok = false;
                }
            }
            strategy = DEFAULT_STRATEGY;
            if (sEntry != null) {
                strategy = choice(sEntry.value(), path + ".strategy", STRATEGIES);
                if (strategy == null) ok = false;
            }
        }
        String kgColumn = null;
        String kgType = null;
        Entry gEntry = m.get("keyGenerator");
        if (gEntry != null && !isNull(gEntry.value())) {
            String gp = path + ".keyGenerator";
            Map<String, Entry> g = mapping(gEntry.value(), gp, KEY_GENERATOR_KEYS);
            if (g == null) {
                ok = false;
            } else {
                Entry cEntry = g.get("column");
                if (cEntry == null) {
                    problemAt(gEntry.value(), gp + ".column", "required key missing");
                    ok = false;
                } else {
                    kgColumn = string(cEntry.value(), gp + ".column");
                    if (kgColumn == null) {
                        if (isNull(cEntry.value())) problemAt(cEntry.value(), gp + ".column", "value missing");
                        ok = false;
                    }
                }
                kgType = "snowflake";
                if (g.containsKey("type")) {
                    kgType = choice(g.get("type").value(), gp + ".type", KEY_GENERATOR_TYPES);
                    if (kgType == null) ok = false;
                }
            }
        }
        // boundaries (range strategy only): shardCount - 1 strictly increasing values
        List<String> boundaries = new ArrayList<>();
        Entry bEntry = m.get("boundaries");
        if ("range".equals(strategy)) {
            if (bEntry == null || isNull(bEntry.value())) {
                problemAt(bEntry == null ? node : bEntry.value(), path + ".boundaries",
                        "required for strategy range (a list of " + Math.max(0, shardCount - 1)
                        + " strictly increasing boundaries, one less than the shards)");
                ok = false;
            } else if (!(bEntry.value() instanceof SequenceNode bSeq)) {
                wrongType(bEntry.value(), path + ".boundaries", "a list");
                ok = false;
            } else {
                boolean itemsOk = true;
                int i = 0;
                for (Node item : bSeq.getValue()) {
                    String v = string(item, path + ".boundaries[" + i + "]");
                    if (v == null) {
                        if (isNull(item)) problemAt(item, path + ".boundaries[" + i + "]", "value missing");
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
                        problemAt(bEntry.value(), path + ".boundaries", ex.getMessage());
                        ok = false;
                    }
                }
            }
        } else if (bEntry != null) {
            problemAt(bEntry.key(), path + ".boundaries", "boundaries apply only to strategy range"
                    + (broadcast ? " (this table is broadcast)" : " (this table uses " + strategy + ")"));
            ok = false;
        }
        return ok ? new Topology.TableRule(table, shardKey, strategy, broadcast, kgColumn, kgType, boundaries) : null;
    }

    private Topology.ReplicationConfig replication(Entry entry) {
        Topology.ReplicationConfig d = Topology.ReplicationConfig.defaults();
        if (entry == null || isNull(entry.value())) return d;
        Map<String, Entry> m = mapping(entry.value(), "replication", REPLICATION_KEYS);
        if (m == null) return d;
        String mode = m.containsKey("mode") ? choice(m.get("mode").value(), "replication.mode", MODES) : d.mode();
        String ackReplicas = d.ackReplicas();
        if (m.containsKey("ackReplicas")) {
            Node n = m.get("ackReplicas").value();
            String v = string(n, "replication.ackReplicas");
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
                        problemAt(n, "replication.ackReplicas", "bad value '" + v + "' (use all or a number >= 1)");
                    }
                }
            } else if (isNull(n)) {
                problemAt(n, "replication.ackReplicas", "value missing (use all or a number >= 1)");
            }
        }
        Duration ackTimeout = m.containsKey("ackTimeout")
                ? duration(m.get("ackTimeout").value(), "replication.ackTimeout") : d.ackTimeout();
        Duration applyInterval = m.containsKey("applyInterval")
                ? duration(m.get("applyInterval").value(), "replication.applyInterval") : d.applyInterval();
        Duration initialBackoff = d.initialBackoff();
        Duration maxBackoff = d.maxBackoff();
        Entry rEntry = m.get("retry");
        if (rEntry != null && !isNull(rEntry.value())) {
            Map<String, Entry> r = mapping(rEntry.value(), "replication.retry", RETRY_KEYS);
            if (r != null) {
                if (r.containsKey("initialBackoff")) {
                    initialBackoff = duration(r.get("initialBackoff").value(), "replication.retry.initialBackoff");
                }
                if (r.containsKey("maxBackoff")) {
                    maxBackoff = duration(r.get("maxBackoff").value(), "replication.retry.maxBackoff");
                }
                if (initialBackoff != null && maxBackoff != null && maxBackoff.compareTo(initialBackoff) < 0) {
                    problemAt(rEntry.value(), "replication.retry.maxBackoff", "must not be less than initialBackoff");
                }
            }
        }
        String schema = d.schema();
        if (m.containsKey("schema")) {
            Node n = m.get("schema").value();
            schema = string(n, "replication.schema");
            if (schema == null) {
                if (isNull(n)) problemAt(n, "replication.schema", "value missing (an SQL identifier, default shardline)");
            } else if (!SQL_IDENTIFIER.matcher(schema).matches()) {
                problemAt(n, "replication.schema", "bad schema name '" + schema
                        + "' (use an SQL identifier: letters, digits, _; not starting with a digit)");
                schema = null;
            }
        }
        Integer batchSize = m.containsKey("batchSize")
                ? integer(m.get("batchSize").value(), "replication.batchSize", 1) : Integer.valueOf(d.batchSize());
        Integer logAlertEntries = m.containsKey("logAlertEntries")
                ? integer(m.get("logAlertEntries").value(), "replication.logAlertEntries", 1)
                : Integer.valueOf((int) d.logAlertEntries());
        if (mode == null || ackReplicas == null || ackTimeout == null || applyInterval == null
                || initialBackoff == null || maxBackoff == null || schema == null || batchSize == null
                || logAlertEntries == null) {
            return d;
        }
        return new Topology.ReplicationConfig(mode, ackReplicas, ackTimeout, applyInterval, initialBackoff,
                maxBackoff, schema, batchSize, logAlertEntries);
    }

    private Topology.ReadConfig reads(Entry entry) {
        Topology.ReadConfig d = Topology.ReadConfig.defaults();
        if (entry == null || isNull(entry.value())) return d;
        Map<String, Entry> m = mapping(entry.value(), "reads", READS_KEYS);
        if (m == null) return d;
        String balancer = m.containsKey("balancer")
                ? choice(m.get("balancer").value(), "reads.balancer", BALANCERS) : d.balancer();
        String consistency = m.containsKey("consistency")
                ? choice(m.get("consistency").value(), "reads.consistency", CONSISTENCIES) : d.consistency();
        Duration maxLag = m.containsKey("maxLag") ? duration(m.get("maxLag").value(), "reads.maxLag") : d.maxLag();
        Boolean fallback = m.containsKey("fallbackToPrimary")
                ? bool(m.get("fallbackToPrimary").value(), "reads.fallbackToPrimary") : Boolean.valueOf(d.fallbackToPrimary());
        if (balancer == null || consistency == null || maxLag == null || fallback == null) return d;
        return new Topology.ReadConfig(balancer, consistency, maxLag, fallback);
    }

    // ------------------------------------------------------------------------------------ node helpers

    /** Reports duplicate keys in every mapping of the tree (aliases are visited once). */
    private void checkDuplicateKeys(Node node, String path, Set<Node> visited) {
        if (!visited.add(node) || isSecret(path)) return; // never echo anything found under a password
        if (node instanceof MappingNode map) {
            Map<String, Node> seen = new HashMap<>();
            for (NodeTuple t : map.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
                String p = key == null ? path : join(path, key);
                if (key != null) {
                    Node first = seen.putIfAbsent(key, t.getKeyNode());
                    if (first != null) {
                        problemAt(t.getKeyNode(), p, "duplicate key (first defined at line "
                                + first.getStartMark().map(mk -> mk.getLine() + 1).orElse(0) + ")");
                    }
                }
                checkDuplicateKeys(t.getValueNode(), p, visited);
            }
        } else if (node instanceof SequenceNode seq) {
            int i = 0;
            for (Node item : seq.getValue()) {
                checkDuplicateKeys(item, path + "[" + i++ + "]", visited);
            }
        }
    }

    /**
     * Reads a mapping node as key -> entry, in document order (first occurrence wins for duplicate
     * keys, which {@link #checkDuplicateKeys} reports). Reports unknown keys when {@code allowed} is
     * given. Returns {@code null} (after reporting) when the node is not a mapping.
     */
    private Map<String, Entry> mapping(Node node, String path, List<String> allowed) {
        if (!(node instanceof MappingNode map)) {
            wrongType(node, path, "a mapping");
            return null;
        }
        Map<String, Entry> result = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode keyNode) || isNull(t.getKeyNode())) {
                problemAt(t.getKeyNode(), path.isEmpty() ? "(top level)" : path, "keys must be plain names");
                continue;
            }
            String key = keyNode.getValue();
            if (Tag.MERGE.equals(keyNode.getTag()) || "<<".equals(key)) {
                problemAt(keyNode, join(path, key), "merge keys (<<) are not supported");
                continue;
            }
            if (allowed != null && !allowed.contains(key)) {
                problemAt(keyNode, join(path, key), "unknown key" + suggestion(key, allowed));
                continue;
            }
            result.putIfAbsent(key, new Entry(keyNode, t.getValueNode()));
        }
        return result;
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    /** A scalar's text with placeholders resolved; {@code null} if null, not a scalar, or unresolvable. */
    private String string(Node node, String path) {
        if (isNull(node)) return null;
        if (!(node instanceof ScalarNode scalar)) {
            wrongType(node, path, "a single value");
            return null;
        }
        String raw = scalar.getValue();
        String value = resolve(scalar, raw, path);
        if (value != null && isSecret(path) && !value.isEmpty()) secrets.add(value);
        return value;
    }

    private String resolve(ScalarNode node, String raw, String path) {
        if (raw.indexOf("${") < 0) return raw;
        Matcher m = PLACEHOLDER.matcher(raw);
        StringBuilder out = new StringBuilder();
        boolean ok = true;
        while (m.find()) {
            String name = m.group(1);
            String value = System.getProperty(name);
            if (value == null) value = System.getenv(name);
            if (value == null) value = m.group(2);
            if (value == null) {
                int offset = node.getScalarStyle() == ScalarStyle.PLAIN ? m.start()
                        : node.getScalarStyle() == ScalarStyle.DOUBLE_QUOTED
                        || node.getScalarStyle() == ScalarStyle.SINGLE_QUOTED ? m.start() + 1 : 0;
                boolean singleLine = raw.indexOf('\n') < 0 && node.getStartMark().isPresent()
                        && node.getEndMark().isPresent()
                        && node.getStartMark().get().getLine() == node.getEndMark().get().getLine();
                problemAt(node, singleLine ? offset : 0, path, "${" + name + "} is not set (no system property or "
                        + "environment variable " + name + "; give a default with ${" + name + ":default})");
                ok = false;
                value = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return ok ? out.toString() : null;
    }

    private Integer integer(Node node, String path, int min) {
        String v = string(node, path);
        if (v == null) {
            if (isNull(node)) problemAt(node, path, "value missing (an integer >= " + min + ")");
            return null;
        }
        int i;
        try {
            i = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            problemAt(node, path, "bad integer" + echo(path, v));
            return null;
        }
        if (i < min) {
            problemAt(node, path, "must be >= " + min + (isSecret(path) ? "" : ", was " + i));
            return null;
        }
        return i;
    }

    private Boolean bool(Node node, String path) {
        String v = string(node, path);
        if (v == null) {
            if (isNull(node)) problemAt(node, path, "value missing (use true or false)");
            return null;
        }
        String t = v.trim();
        if (t.equalsIgnoreCase("true")) return Boolean.TRUE;
        if (t.equalsIgnoreCase("false")) return Boolean.FALSE;
        problemAt(node, path, "bad boolean" + echo(path, v) + " (use true or false)");
        return null;
    }

    private Duration duration(Node node, String path) {
        String v = string(node, path);
        if (v == null) {
            if (isNull(node)) problemAt(node, path, "value missing (use e.g. 500ms, 5s, 2m)");
            return null;
        }
        Duration d = parseDuration(v);
        if (d == null) {
            problemAt(node, path, "bad duration" + echo(path, v) + " (use e.g. 500ms, 5s, 2m)");
        }
        return d;
    }

    private String choice(Node node, String path, List<String> allowed) {
        String v = string(node, path);
        if (v == null) {
            if (isNull(node)) problemAt(node, path, "value missing (allowed: " + String.join(", ", allowed) + ")");
            return null;
        }
        String t = v.trim().toLowerCase(Locale.ROOT);
        if (allowed.contains(t)) return t;
        problemAt(node, path, "bad value" + echo(path, v) + " (allowed: " + String.join(", ", allowed) + ")");
        return null;
    }

    /**
     * Parses {@code 0}, {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d} or an ISO-8601
     * duration such as {@code PT5S}; {@code null} if it is none of those or negative.
     */
    static Duration parseDuration(String text) {
        if (text == null) return null;
        String t = text.trim();
        Matcher m = SIMPLE_DURATION.matcher(t);
        if (m.matches()) {
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                return null;
            }
            String unit = m.group(2);
            try {
                if (unit == null) return n == 0 ? Duration.ZERO : null;
                return switch (unit) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> null;
                };
            } catch (ArithmeticException e) {
                return null;
            }
        }
        if (t.length() > 1 && (t.charAt(0) == 'P' || t.charAt(0) == 'p')) {
            try {
                Duration d = Duration.parse(t);
                return d.isNegative() ? null : d;
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------------ reporting

    private static boolean isSecret(String path) {
        int dot = path.lastIndexOf('.');
        String last = dot < 0 ? path : path.substring(dot + 1);
        return last.toLowerCase(Locale.ROOT).contains("password");
    }

    /** {@code " 'value'"}, or nothing when the value is a secret. */
    private static String echo(String path, String value) {
        return isSecret(path) ? "" : " '" + value + "'";
    }

    private void wrongType(Node node, String path, String expected) {
        String found;
        if (node instanceof MappingNode) found = "a mapping";
        else if (node instanceof SequenceNode) found = "a list";
        else if (isNull(node)) found = "nothing";
        else found = "a single value";
        problemAt(node, path.isEmpty() ? "(top level)" : path, "expected " + expected + ", found " + found);
    }

    private void problemAt(Node node, String path, String message) {
        problemAt(node, 0, path, message);
    }

    private void problemAt(Node node, int columnOffset, String path, String message) {
        Optional<Mark> mark = node == null ? Optional.empty() : node.getStartMark();
        int line = mark.map(m -> m.getLine() + 1).orElse(1);
        int column = mark.map(m -> m.getColumn() + 1).orElse(1) + columnOffset;
        problems.add(new Problem(line, column, path, message));
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** {@code " (did you mean 'x'?)"} for the closest candidate within edit distance 3, else nothing. */
    static String suggestion(String key, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String k = key.toLowerCase(Locale.ROOT);
        for (String c : candidates) {
            int d = editDistance(k, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        if (best == null || bestDistance > 3 || bestDistance >= key.length()) return "";
        return " (did you mean '" + best + "'?)";
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] tmp = prev;
            prev = cur;
            cur = tmp;
        }
        return prev[b.length()];
    }
}
