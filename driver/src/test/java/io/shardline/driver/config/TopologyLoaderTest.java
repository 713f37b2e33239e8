package io.shardline.driver.config;

import io.shardline.driver.ShardlineConfigException;

import io.shardline.routing.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TopologyLoaderTest {

    private static final String SECRET = "Sup3r-S3cret-Pa55word";

    /** Lines 1-4 of most test files. */
    private static final String BASE = """
            dataSources:
              p: { url: "jdbc:h2:mem:p" }
            shards:
              s0: { primary: p }
            """;

    @AfterEach
    void clearProperties() {
        System.clearProperty("SHARDLINE_TEST_PW");
        System.clearProperty("SHARDLINE_TEST_DB");
        System.clearProperty("SHARDLINE_TEST_POOL");
    }

    private static Topology parse(String yaml) throws ShardlineConfigException {
        return TopologyLoader.parse(yaml, "topology.yaml");
    }

    private static ShardlineConfigException failure(String yaml) {
        return assertThrows(ShardlineConfigException.class, () -> parse(yaml));
    }

    private static List<String> problems(String yaml) {
        ShardlineConfigException e = failure(yaml);
        assertThat(e.getSQLState()).isEqualTo("F0000");
        assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
        return e.problems();
    }

    // ---------------------------------------------------------------------------------------- valid

    @Test
    void loadsTheFullDesignExampleWithAllValues() throws Exception {
        Topology t = TopologyLoader.load("classpath:topology/full.yaml", getClass().getClassLoader());

        assertThat(t.source()).isEqualTo("topology/full.yaml");
        assertThat(t.dataSources()).containsOnlyKeys("s0-primary", "s0-replica-a", "s0-replica-b");
        Topology.DataSourceConfig p = t.dataSource("s0-primary");
        assertThat(p.url()).isEqualTo("jdbc:h2:mem:s0p;DB_CLOSE_DELAY=-1");
        assertThat(p.username()).isEqualTo("sa");
        assertThat(p.password()).isEmpty();
        assertThat(p.pool()).containsExactly(java.util.Map.entry("maximumPoolSize", "8"));
        assertThat(t.dataSource("s0-replica-b").url()).isEqualTo("jdbc:h2:mem:s0b;DB_CLOSE_DELAY=-1");
        assertThat(t.dataSource("s0-replica-b").password()).isNull();

        assertThat(t.shards()).hasSize(1);
        Topology.ShardConfig s0 = t.shards().get(0);
        assertThat(s0.name()).isEqualTo("s0");
        assertThat(s0.index()).isZero();
        assertThat(s0.primary()).isEqualTo("s0-primary");
        assertThat(s0.replicas()).containsExactly(new Topology.ReplicaConfig("s0-replica-a", 1),
                new Topology.ReplicaConfig("s0-replica-b", 2));

        assertThat(t.tables()).containsOnlyKeys("orders", "order_items", "countries", "customers");
        assertThat(t.tables().get("orders")).isEqualTo(
                new Topology.TableRule("orders", "customer_id", "mod", false, null, null, java.util.List.of()));
        assertThat(t.tables().get("countries")).isEqualTo(
                new Topology.TableRule("countries", null, null, true, null, null, java.util.List.of()));
        assertThat(t.tables().get("customers")).isEqualTo(
                new Topology.TableRule("customers", "id", "hash", false, "id", "snowflake", java.util.List.of()));

        assertThat(t.defaultShard()).isEqualTo("s0");
        assertThat(t.replication()).isEqualTo(new Topology.ReplicationConfig("async", "all",
                Duration.ofSeconds(5), Duration.ZERO, Duration.ofMillis(100), Duration.ofSeconds(30),
                "shardline", 500, 1_000_000L));
        assertThat(t.reads()).isEqualTo(new Topology.ReadConfig("round-robin", "read-your-writes",
                Duration.ofSeconds(5), true));
    }

    @Test
    void appliesDefaults() throws Exception {
        Topology t = parse(BASE);
        assertThat(t.defaultShard()).isEqualTo("s0");
        assertThat(t.tables()).isEmpty();
        assertThat(t.replication()).isEqualTo(Topology.ReplicationConfig.defaults());
        assertThat(t.reads()).isEqualTo(Topology.ReadConfig.defaults());
        assertThat(t.shards().get(0).replicas()).isEmpty();
        assertThat(t.dataSource("p").pool()).isEmpty();
        assertThat(t.dataSource("p").username()).isNull();
    }

    @Test
    void defaultShardIsTheFirstListedAndShardOrderIsKept() throws Exception {
        Topology t = parse("""
                dataSources:
                  a: { url: "jdbc:h2:mem:a" }
                  b: { url: "jdbc:h2:mem:b" }
                  c: { url: "jdbc:h2:mem:c" }
                shards:
                  zeta: { primary: c }
                  alpha: { primary: a, replicas: [b] }
                """);
        assertThat(t.shards()).extracting(Topology.ShardConfig::name).containsExactly("zeta", "alpha");
        assertThat(t.shards()).extracting(Topology.ShardConfig::index).containsExactly(0, 1);
        assertThat(t.defaultShard()).isEqualTo("zeta");
    }

    @Test
    void readsEveryReplicationAndReadsSetting() throws Exception {
        Topology t = parse(BASE + """
                defaultShard: s0
                replication:
                  mode: sync
                  ackReplicas: 2
                  ackTimeout: PT1.5S
                  applyInterval: 2m
                  retry: { initialBackoff: 250ms, maxBackoff: 1h }
                  schema: repl_meta
                  batchSize: 50
                  applyThreads: 8
                reads: { balancer: least-lag, consistency: eventual, maxLag: 1d, fallbackToPrimary: false }
                """);
        assertThat(t.replication()).isEqualTo(new Topology.ReplicationConfig("sync", "2",
                Duration.ofMillis(1500), Duration.ofMinutes(2), Duration.ofMillis(250), Duration.ofHours(1),
                "repl_meta", 50, 1_000_000L, "embedded", 8));
        assertThat(t.replication().sync()).isTrue();
        assertThat(t.reads()).isEqualTo(new Topology.ReadConfig("least-lag", "eventual", Duration.ofDays(1), false));
    }

    @Test
    void tableNamesAreKeyedLowerCaseAndStrategyDefaultsToHash() throws Exception {
        Topology t = parse(BASE + """
                tables:
                  Orders: { shardKey: customer_id }
                """);
        assertThat(t.tables()).containsOnlyKeys("orders");
        assertThat(t.tables().get("orders").table()).isEqualTo("orders");
        assertThat(t.tables().get("orders").strategy()).isEqualTo(TopologyValidator.DEFAULT_STRATEGY);
    }

    @Test
    void parsesDurations() {
        assertThat(YamlDocument.parseDuration("0")).isEqualTo(Duration.ZERO);
        assertThat(YamlDocument.parseDuration("0s")).isEqualTo(Duration.ZERO);
        assertThat(YamlDocument.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(YamlDocument.parseDuration("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(YamlDocument.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(YamlDocument.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(YamlDocument.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(YamlDocument.parseDuration("PT5S")).isEqualTo(Duration.ofSeconds(5));
        assertThat(YamlDocument.parseDuration("5 parsecs")).isNull();
        assertThat(YamlDocument.parseDuration("-1s")).isNull();
        assertThat(YamlDocument.parseDuration("PT-5S")).isNull();
        assertThat(YamlDocument.parseDuration("5")).isNull();
        assertThat(YamlDocument.parseDuration("")).isNull();
    }

    // ---------------------------------------------------------------------------------------- placeholders

    @Test
    void placeholdersResolveFromSystemPropertiesThenDefaults() throws Exception {
        System.setProperty("SHARDLINE_TEST_PW", SECRET);
        System.setProperty("SHARDLINE_TEST_DB", "shop");
        Topology t = parse("""
                dataSources:
                  p:
                    url: "jdbc:h2:mem:${SHARDLINE_TEST_DB};MODE=${SHARDLINE_TEST_UNSET_MODE:MySQL}"
                    username: ${SHARDLINE_TEST_UNSET_USER:sa}
                    password: ${SHARDLINE_TEST_PW}
                    pool: { maximumPoolSize: "${SHARDLINE_TEST_POOL:4}" }
                shards:
                  s0: { primary: p }
                reads: { maxLag: "${SHARDLINE_TEST_UNSET_LAG:250ms}" }
                """);
        Topology.DataSourceConfig p = t.dataSource("p");
        assertThat(p.url()).isEqualTo("jdbc:h2:mem:shop;MODE=MySQL");
        assertThat(p.username()).isEqualTo("sa");
        assertThat(p.password()).isEqualTo(SECRET);
        assertThat(p.pool()).containsEntry("maximumPoolSize", "4");
        assertThat(t.reads().maxLag()).isEqualTo(Duration.ofMillis(250));
        assertThat(p.toString()).doesNotContain(SECRET);
    }

    @Test
    void placeholderWithEmptyDefaultGivesEmptyString() throws Exception {
        Topology t = parse("""
                dataSources:
                  p: { url: "jdbc:h2:mem:p", password: "${SHARDLINE_TEST_UNSET_PW:}" }
                shards:
                  s0: { primary: p }
                """);
        assertThat(t.dataSource("p").password()).isEmpty();
    }

    @Test
    void placeholderWithoutValueOrDefaultIsReportedWithLocation() {
        List<String> problems = problems("""
                dataSources:
                  p:
                    url: jdbc:h2:mem:${SHARDLINE_TEST_UNSET_DB}
                    password: ${SHARDLINE_TEST_UNSET_PW}
                shards:
                  s0: { primary: p }
                """);
        assertThat(problems).containsExactly(
                "topology.yaml:3:22: dataSources.p.url: ${SHARDLINE_TEST_UNSET_DB} is not set (no system property "
                        + "or environment variable SHARDLINE_TEST_UNSET_DB; give a default with ${SHARDLINE_TEST_UNSET_DB:default})",
                "topology.yaml:4:15: dataSources.p.password: ${SHARDLINE_TEST_UNSET_PW} is not set (no system property "
                        + "or environment variable SHARDLINE_TEST_UNSET_PW; give a default with ${SHARDLINE_TEST_UNSET_PW:default})");
    }

    // ---------------------------------------------------------------------------------------- problems

    @Test
    void unknownTopLevelKeySuggestsTheClosestKey() {
        assertThat(problems(BASE + """
                replicaton:
                  mode: sync
                """)).containsExactly("topology.yaml:5:1: replicaton: unknown key (did you mean 'replication'?)");
    }

    @Test
    void unknownNestedKeys() {
        assertThat(problems(BASE + """
                reads: { balancer: random, maxlag: 5s }
                replication:
                  retry: { initialBackof: 1s }
                  colour: blue
                """)).containsExactly(
                "topology.yaml:5:28: reads.maxlag: unknown key (did you mean 'maxLag'?)",
                "topology.yaml:7:12: replication.retry.initialBackof: unknown key (did you mean 'initialBackoff'?)",
                "topology.yaml:8:3: replication.colour: unknown key");
    }

    @Test
    void unknownKeyInDataSourceShardAndTable() {
        assertThat(problems("""
                dataSources:
                  p: { url: "jdbc:h2:mem:p", user: sa }
                shards:
                  s0: { primary: p, replica: [] }
                tables:
                  t: { shardKey: id, strategi: mod }
                """)).containsExactly(
                "topology.yaml:2:30: dataSources.p.user: unknown key (did you mean 'url'?)",
                "topology.yaml:4:21: shards.s0.replica: unknown key (did you mean 'replicas'?)",
                "topology.yaml:6:22: tables.t.strategi: unknown key (did you mean 'strategy'?)");
    }

    @Test
    void missingRequiredKeys() {
        assertThat(problems("""
                tables: {}
                """)).containsExactly(
                "topology.yaml:1:1: dataSources: required key missing",
                "topology.yaml:1:1: shards: required key missing");
        assertThat(problems("""
                dataSources:
                  p: { username: sa }
                  q: { url: "jdbc:h2:mem:q" }
                shards:
                  s0: { replicas: [q] }
                """)).containsExactly(
                "topology.yaml:2:6: dataSources.p.url: required key missing",
                "topology.yaml:5:7: shards.s0.primary: required key missing");
    }

    @Test
    void wrongNodeTypes() {
        assertThat(problems("""
                dataSources:
                  - p
                shards:
                  s0: { primary: p, replicas: q }
                reads: [random]
                """)).containsExactly(
                "topology.yaml:2:3: dataSources: expected a mapping, found a list",
                "topology.yaml:4:31: shards.s0.replicas: expected a list, found a single value",
                "topology.yaml:5:8: reads: expected a mapping, found a list");
        assertThat(problems("- just\n- a list\n"))
                .containsExactly("topology.yaml:1:1: (top level): expected a mapping, found a list");
    }

    @Test
    void undefinedDataSource() {
        assertThat(problems("""
                dataSources:
                  s0-primary: { url: "jdbc:h2:mem:p" }
                  s0-replica: { url: "jdbc:h2:mem:r" }
                shards:
                  s0: { primary: s0-primary, replicas: [s0-replika, { dataSource: nowhere }] }
                """)).containsExactly(
                "topology.yaml:5:41: shards.s0.replicas[0]: undefined data source 's0-replika' "
                        + "(did you mean 's0-replica'?) (defined: s0-primary, s0-replica)",
                "topology.yaml:5:67: shards.s0.replicas[1].dataSource: undefined data source 'nowhere' "
                        + "(defined: s0-primary, s0-replica)");
    }

    @Test
    void dataSourceWithTwoRolesIsADuplicateRole() {
        assertThat(problems("""
                dataSources:
                  a: { url: "jdbc:h2:mem:a" }
                  b: { url: "jdbc:h2:mem:b" }
                  c: { url: "jdbc:h2:mem:c" }
                shards:
                  s0: { primary: a, replicas: [b, b] }
                  s1: { primary: c, replicas: [a] }
                """)).containsExactly(
                "topology.yaml:6:35: shards.s0.replicas[1]: duplicate role: data source 'b' is already "
                        + "a replica of shard 's0'; each data source may play one role",
                "topology.yaml:7:32: shards.s1.replicas[0]: duplicate role: data source 'a' is already "
                        + "the primary of shard 's0'; each data source may play one role");
    }

    @Test
    void badEnumValuesListTheAllowedValues() {
        assertThat(problems(BASE + """
                replication: { mode: eventually, appliers: elsewhere }
                reads: { balancer: fastest, consistency: strong }
                """)).containsExactly(
                "topology.yaml:5:22: replication.mode: bad value 'eventually' (allowed: async, sync)",
                "topology.yaml:5:44: replication.appliers: bad value 'elsewhere' (allowed: embedded, external)",
                "topology.yaml:6:20: reads.balancer: bad value 'fastest' (allowed: round-robin, random, weighted, least-lag)",
                "topology.yaml:6:42: reads.consistency: bad value 'strong' (allowed: eventual, read-your-writes, primary)");
    }

    @Test
    void badIntegersBooleansAndDurations() {
        assertThat(problems("""
                dataSources:
                  p: { url: "jdbc:h2:mem:p" }
                  r: { url: "jdbc:h2:mem:r" }
                shards:
                  s0: { primary: p, replicas: [{ dataSource: r, weight: 0 }] }
                replication:
                  ackReplicas: some
                  ackTimeout: 5 parsecs
                  applyInterval: -1s
                  batchSize: lots
                  applyThreads: 65
                reads:
                  fallbackToPrimary: maybe
                """)).containsExactly(
                "topology.yaml:5:57: shards.s0.replicas[0].weight: must be >= 1, was 0",
                "topology.yaml:7:16: replication.ackReplicas: bad value 'some' (use all or a number >= 1)",
                "topology.yaml:8:15: replication.ackTimeout: bad duration '5 parsecs' (use e.g. 500ms, 5s, 2m)",
                "topology.yaml:9:18: replication.applyInterval: bad duration '-1s' (use e.g. 500ms, 5s, 2m)",
                "topology.yaml:10:14: replication.batchSize: bad integer 'lots'",
                "topology.yaml:11:17: replication.applyThreads: at most 64 (one replica connection each)",
                "topology.yaml:13:22: reads.fallbackToPrimary: bad boolean 'maybe' (use true or false)");
    }

    @Test
    void badSchemaName() {
        assertThat(problems(BASE + """
                replication: { schema: "drop table;" }
                """)).containsExactly("topology.yaml:5:24: replication.schema: bad schema name 'drop table;' "
                + "(use an SQL identifier: letters, digits, _; not starting with a digit)");
    }

    @Test
    void defaultShardMustNameAShard() {
        assertThat(problems(BASE + """
                defaultShard: s9
                """)).containsExactly(
                "topology.yaml:5:15: defaultShard: no shard named 's9' (did you mean 's0'?) (shards: s0)");
    }

    @Test
    void shardedTablesNeedAShardKeyAndAKnownStrategy() {
        assertThat(problems(BASE + """
                tables:
                  orders: { strategy: mod }
                  items: { shardKey: order_id, strategy: modulo }
                  countries: { broadcast: true, shardKey: id }
                  users: { shardKey: id, keyGenerator: { column: id, type: uuid } }
                """)).containsExactly(
                "topology.yaml:6:11: tables.orders.shardKey: required key missing for a sharded table (or set broadcast: true)",
                "topology.yaml:7:42: tables.items.strategy: bad value 'modulo' (allowed: mod, hash, range)",
                "topology.yaml:8:33: tables.countries.shardKey: a broadcast table has no shardKey (it is copied to every shard)",
                "topology.yaml:9:60: tables.users.keyGenerator.type: bad value 'uuid' (allowed: snowflake)");
    }

    @Test
    void poolKeysMustBeHikariProperties() {
        assertThat(problems("""
                dataSources:
                  p:
                    url: "jdbc:h2:mem:p"
                    pool:
                      maximumPoolSize: 8
                      maxPoolSize: 3
                      jdbcUrl: "jdbc:h2:mem:other"
                      username: other
                      password: %s
                      dataSourceClassName: org.h2.jdbcx.JdbcDataSource
                      minimumIdle: many
                      connectionTimeout: 30s
                      dataSource.cachePrepStmts: true
                      maximumPoolSise: 3
                shards:
                  s0: { primary: p }
                """.formatted(SECRET))).containsExactly(
                "topology.yaml:6:7: dataSources.p.pool.maxPoolSize: unknown HikariCP property",
                "topology.yaml:7:7: dataSources.p.pool.jdbcUrl: not allowed in pool: it comes from the data source's url",
                "topology.yaml:8:7: dataSources.p.pool.username: not allowed in pool: it comes from the data source's username",
                "topology.yaml:9:7: dataSources.p.pool.password: not allowed in pool: it comes from the data source's password",
                "topology.yaml:10:7: dataSources.p.pool.dataSourceClassName: not allowed in pool: "
                        + "Shardline connects through the data source's url",
                "topology.yaml:11:20: dataSources.p.pool.minimumIdle: bad value 'many': expected an integer",
                "topology.yaml:14:7: dataSources.p.pool.maximumPoolSise: unknown HikariCP property "
                        + "(did you mean 'maximumPoolSize'?)");
    }

    @Test
    void duplicateKeysAreReportedWithBothLocations() {
        assertThat(problems("""
                dataSources:
                  p: { url: "jdbc:h2:mem:p" }
                  p: { url: "jdbc:h2:mem:q" }
                shards:
                  s0: { primary: p, primary: p }
                """)).containsExactly(
                "topology.yaml:3:3: dataSources.p: duplicate key (first defined at line 2)",
                "topology.yaml:5:21: shards.s0.primary: duplicate key (first defined at line 5)");
    }

    @Test
    void emptyFileIsAProblem() {
        assertThat(problems("")).containsExactly(
                "topology.yaml:1:1: (file): empty file: a topology needs dataSources and shards");
        assertThat(problems("# nothing but a comment\n")).containsExactly(
                "topology.yaml:1:1: (file): empty file: a topology needs dataSources and shards");
    }

    @Test
    void emptySectionsAreProblems() {
        assertThat(problems("""
                dataSources: {}
                shards:
                """)).containsExactly(
                "topology.yaml:1:14: dataSources: must define at least one data source",
                "topology.yaml:2:8: shards: must define at least one shard");
    }

    @Test
    void syntaxErrorsAreReportedWithLocation() {
        List<String> problems = problems("""
                dataSources:
                  p: { url: "jdbc:h2:mem:p"
                shards: {}
                """);
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0)).startsWith("topology.yaml:3:").contains("(yaml): invalid YAML:");
    }

    @Test
    void reportsEveryProblemAtOnceInFileOrder() {
        ShardlineConfigException e = failure("""
                dataSources:
                  p: { url: "jdbc:h2:mem:p", pool: { maximumPoolSize: big } }
                  r: { url: "jdbc:h2:mem:r" }
                shards:
                  s0: { primary: p, replicas: [r, x] }
                defaultShard: s1
                replicaton: { mode: sync }
                reads: { maxLag: forever }
                """);
        assertThat(e.problems()).containsExactly(
                "topology.yaml:2:55: dataSources.p.pool.maximumPoolSize: bad value 'big': expected an integer",
                "topology.yaml:5:35: shards.s0.replicas[1]: undefined data source 'x' (defined: p, r)",
                "topology.yaml:6:15: defaultShard: no shard named 's1' (did you mean 's0'?) (shards: s0)",
                "topology.yaml:7:1: replicaton: unknown key (did you mean 'replication'?)",
                "topology.yaml:8:18: reads.maxLag: bad duration 'forever' (use e.g. 500ms, 5s, 2m)");
        assertThat(e.getMessage().split("\n")).hasSize(5);
    }

    // ---------------------------------------------------------------------------------------- secrets

    @Test
    void passwordIsNeverEchoed() {
        System.setProperty("SHARDLINE_TEST_PW", SECRET);
        String[] files = {
                // a password that is not a single value
                """
                dataSources:
                  p: { url: "jdbc:h2:mem:p", password: [%1$s] }
                shards:
                  s0: { primary: p }
                """,
                // a password in the pool section, and through a placeholder, with other errors around
                """
                dataSources:
                  p: { url: "jdbc:h2:mem:p", password: "${SHARDLINE_TEST_PW}", pool: { password: %1$s } }
                  q: { url: "not-jdbc", password: %1$s }
                shards:
                  s0: { primary: p, replicas: [%1$s] }
                """,
                // a syntax error on the password's line
                """
                dataSources:
                  p: { url: "jdbc:h2:mem:p", password: "%1$s }
                shards:
                  s0: { primary: p }
                """,
                // a mapping under password
                """
                dataSources:
                  p:
                    url: "jdbc:h2:mem:p"
                    password:
                      %1$s: %1$s
                shards:
                  s0: { primary: p }
                """,
                // a mapping with duplicate keys under password
                """
                dataSources:
                  p: { url: "jdbc:h2:mem:p", password: { %1$s: 1, %1$s: 2 } }
                shards:
                  s0: { primary: p }
                """,
                // driver property holding a password, plus a bad value elsewhere in the pool
                """
                dataSources:
                  p: { url: "jdbc:h2:mem:p", pool: { dataSource.password: %1$s, maximumPoolSize: %1$s } }
                shards:
                  s0: { primary: p }
                """,
        };
        for (String template : files) {
            String yaml = template.formatted(SECRET);
            ShardlineConfigException e = failure(yaml);
            assertThat(e.getMessage()).as(yaml).isNotBlank().doesNotContain(SECRET);
            assertThat(String.join("\n", e.problems())).doesNotContain(SECRET);
            assertThat(e.toString()).doesNotContain(SECRET);
        }
    }

    /**
     * Hostile or broken input ends in the documented configuration error, located, fast: 3,000
     * nested flow sequences (SnakeYAML's scanner overflowed the stack), block nesting far deeper
     * than a topology, one line of 20,000 characters, a 50 MB comment line (scanned in quadratic
     * time until memory ran out).
     */
    @Test
    void hostileNestingAndSizesAreLocatedConfigurationErrors(@TempDir Path dir) throws Exception {
        assertThat(problems("dataSources: " + "[".repeat(3000) + "]".repeat(3000) + "\n"))
                .singleElement().asString().startsWith("topology.yaml:1:").contains("nested");
        StringBuilder deep = new StringBuilder("dataSources:\n");
        for (int i = 0; i < 40; i++) deep.append("  ".repeat(i + 1)).append("k").append(i).append(":\n");
        assertThat(problems(deep.toString())).singleElement().asString().contains("nested more than 32 levels");
        assertThat(problems(BASE + "# " + "x".repeat(20_000) + "\n")).singleElement().asString()
                .contains("is 20002 characters long (at most 10000)");
        long start = System.nanoTime();
        assertThat(problems(BASE + "#" + "x".repeat(50_000_000))).singleElement().asString()
                .startsWith("topology.yaml:1:1: (file): too large for a topology");
        Path big = dir.resolve("big.yaml");
        Files.writeString(big, BASE + "#" + "x".repeat(5_000_000));
        ShardlineConfigException e = assertThrows(ShardlineConfigException.class, () -> TopologyLoader.load(big));
        assertThat(e.getMessage()).contains("big.yaml:1:1: (file): too large for a topology");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(10));
    }

    // ---------------------------------------------------------------------------------------- sources

    @Test
    void loadsFromClasspathFileAndPlainPathSpecs(@TempDir Path dir) throws Exception {
        Topology cp = TopologyLoader.load("classpath:/topology/minimal.yaml", getClass().getClassLoader());
        assertThat(cp.shards()).extracting(Topology.ShardConfig::name).containsExactly("only");

        Path file = dir.resolve("topology.yaml");
        Files.writeString(file, BASE);
        Topology viaFile = TopologyLoader.load("file:" + file, null);
        assertThat(viaFile.source()).isEqualTo(file.toString());
        assertThat(viaFile.dataSource("p").url()).isEqualTo("jdbc:h2:mem:p");
        assertThat(TopologyLoader.load("file://" + file.toUri().getPath(), null).shards()).hasSize(1);
        assertThat(TopologyLoader.load(file.toString(), null).shards()).hasSize(1);
        assertThat(TopologyLoader.load(file).shards()).hasSize(1);
        Topology viaStream = TopologyLoader.load(
                new ByteArrayInputStream(("\uFEFF" + BASE).getBytes(StandardCharsets.UTF_8)), "stream.yaml");
        assertThat(viaStream.source()).isEqualTo("stream.yaml");
    }

    @Test
    void problemsNameTheFileTheyComeFrom(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, BASE + "replicaton: {}\n");
        ShardlineConfigException e = assertThrows(ShardlineConfigException.class,
                () -> TopologyLoader.load("file:" + file, null));
        assertThat(e.problems()).containsExactly(
                file + ":5:1: replicaton: unknown key (did you mean 'replication'?)");
    }

    @Test
    void missingFileOrResourceIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        ShardlineConfigException e = assertThrows(ShardlineConfigException.class,
                () -> TopologyLoader.load("file:" + missing, null));
        assertThat(e.getMessage()).isEqualTo(missing + ": topology file not found");
        assertThat(e.getSQLState()).isEqualTo("F0000");

        e = assertThrows(ShardlineConfigException.class, () -> TopologyLoader.load(missing.toString(), null));
        assertThat(e.getMessage()).contains(missing.toString());

        e = assertThrows(ShardlineConfigException.class,
                () -> TopologyLoader.load("classpath:topology/absent.yaml", getClass().getClassLoader()));
        assertThat(e.getMessage()).isEqualTo("topology/absent.yaml: topology resource not found on the classpath");
    }
}
