package io.shardline.routing.shard;

import io.shardline.routing.Topology;
import io.shardline.routing.sql.StatementAnalyzer;
import io.shardline.routing.sql.StatementInfo;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.MySQLGroupConcat;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.relational.ComparisonOperator;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.GroupByElement;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.Limit;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * The one class that decides where a statement goes across shards: which shard(s) run it, with
 * which SQL, and how a multi-shard SELECT's rows are merged ({@link SelectMerge}).
 *
 * <p>Rules (DESIGN.md section 3):
 * <ul>
 *   <li>Tables not listed under {@code tables:} live on the default shard; a statement touching only
 *       such tables runs there.</li>
 *   <li>Broadcast tables: a write goes to every shard ({@link ShardRoute#broadcast()}), a read to
 *       one shard (the default shard).</li>
 *   <li>Sharded tables: the shard key is taken from the top-level AND conjuncts of WHERE (and of the
 *       ON conditions of inner joins): {@code key = ?|literal}, {@code key IN (...)}; columns may be
 *       qualified by table name or alias ({@code o1_0.customer_id}). {@code INSERT ... VALUES}
 *       routes each row by its key ({@link ShardRoute#rowShards()}). Without a key, UPDATE/DELETE
 *       go to every shard and a SELECT is scattered and merged.</li>
 *   <li>Joins: tables sharded by the same key column name and strategy (co-located) and broadcast
 *       tables may be joined: the join runs on each shard. Anything else is refused.</li>
 *   <li>Refusals are {@link SQLFeatureNotSupportedException} (SQLState {@code 0A000}) naming the
 *       construct and the tables: an update of the shard key, a join across shards, a subquery whose
 *       per-shard answer could be wrong, merges that cannot be done exactly.</li>
 * </ul>
 *
 * <p><b>Key generation.</b> {@link #route} expects the shard key to be present in an INSERT: for a
 * table with a {@code keyGenerator} on its shard key the driver fills the key (e.g. with
 * {@link StatementInfo#keyInsertion(String)}) and routes the rewritten statement.
 *
 * <p><b>Performance.</b> Everything that depends only on the SQL text (which parameter or literal
 * carries the key, the strategy, the merge, the rewritten shard SQL) is computed once per SQL text
 * and cached; routes to a single shard are cached per shard, so routing a cached
 * {@code SELECT ... WHERE key = ?} is a map lookup, a strategy call and an array read.
 *
 * <p><b>NULL ordering.</b> Merged ORDER BY without NULLS FIRST/LAST assumes NULLs sort low (first
 * in ASC, last in DESC), as H2 and MySQL/MariaDB do; when the default shard's primary is a
 * PostgreSQL or Oracle URL, NULLs sort high instead.
 *
 * <p>Thread-safe.
 */
public final class ShardRouter {

    /** Maximum number of cached plans; the cache is cleared when it is full. */
    static final int MAX_PLANS = 10_000;

    private static final Set<String> MERGEABLE_AGGREGATES = Set.of("COUNT", "SUM", "MIN", "MAX", "AVG");
    private static final Set<String> OTHER_AGGREGATES = Set.of("GROUP_CONCAT", "STRING_AGG", "LISTAGG", "ARRAY_AGG",
            "JSON_AGG", "JSONB_AGG", "JSON_ARRAYAGG", "JSON_OBJECTAGG", "BOOL_AND", "BOOL_OR", "EVERY", "STDDEV",
            "STDDEV_POP", "STDDEV_SAMP", "VARIANCE", "VAR_POP", "VAR_SAMP", "BIT_AND", "BIT_OR", "BIT_XOR", "MEDIAN",
            "PERCENTILE_CONT", "PERCENTILE_DISC", "MODE", "ANY_VALUE", "COVAR_POP", "COVAR_SAMP", "CORR",
            "COUNT_BIG", "APPROX_COUNT_DISTINCT", "BIT_AND_AGG", "BIT_OR_AGG", "BIT_XOR_AGG", "XMLAGG");
    private static final String LIMIT_MARKER = "SHARDLINE_LIMIT_MARKER__";

    private final Topology topology;
    private final int shardCount;
    private final int defaultShard;
    private final boolean nullsHigh;
    private final Map<String, Placement> placements = new HashMap<>();
    private final int[] allShards;
    private final ConcurrentHashMap<String, Plan> plans = new ConcurrentHashMap<>(256);

    /** How a table is placed, with its strategy instantiated. */
    record Placement(Topology.TableRule rule, ShardStrategy strategy) {
        boolean broadcast() {
            return rule.broadcast();
        }

        String key() {
            return rule.shardKey().toLowerCase(Locale.ROOT);
        }

        String describe() {
            return rule.table() + " (sharded by " + rule.shardKey() + ", " + rule.strategy() + ")";
        }

        boolean colocatedWith(Placement o) {
            return key().equals(o.key()) && String.valueOf(rule.strategy()).equals(String.valueOf(o.rule.strategy()))
                    && rule.boundaries().equals(o.rule.boundaries());
        }

        boolean generatesKey() {
            return rule.keyGeneratorColumn() != null && rule.keyGeneratorColumn().equalsIgnoreCase(rule.shardKey());
        }
    }

    /**
     * @param topology the validated topology
     * @throws IllegalArgumentException when a table rule's strategy cannot be built (e.g. bad range boundaries)
     */
    public ShardRouter(Topology topology) {
        this.topology = topology;
        this.shardCount = topology.shards().size();
        int d = 0;
        for (Topology.ShardConfig s : topology.shards()) {
            if (s.name().equals(topology.defaultShard())) d = s.index();
        }
        this.defaultShard = d;
        boolean high = false;
        try {
            String url = topology.dataSource(topology.shards().get(d).primary()).url().toLowerCase(Locale.ROOT);
            high = url.startsWith("jdbc:postgresql:") || url.startsWith("jdbc:oracle:")
                    || url.startsWith("jdbc:pgsql:");
        } catch (RuntimeException e) {
            high = false;
        }
        this.nullsHigh = high;
        for (Map.Entry<String, Topology.TableRule> e : topology.tables().entrySet()) {
            Topology.TableRule r = e.getValue();
            ShardStrategy s = r.broadcast() || r.shardKey() == null ? null : ShardStrategy.forRule(r, shardCount);
            placements.put(e.getKey().toLowerCase(Locale.ROOT), new Placement(r, s));
        }
        this.allShards = new int[shardCount];
        for (int i = 0; i < shardCount; i++) allShards[i] = i;
    }

    /** @return whether the topology has more than one shard */
    public boolean isSharded() {
        return shardCount > 1;
    }

    /** @return the number of shards */
    public int shardCount() {
        return shardCount;
    }

    /** @return the index of the default shard */
    public int defaultShard() {
        return defaultShard;
    }

    /**
     * Decides where one execution of a statement goes.
     *
     * @param info   the statement's analysis
     * @param params the bound parameters, index 0 = parameter 1 (may be longer than needed; may be
     *               null when the statement has no parameters)
     * @return the route
     * @throws SQLFeatureNotSupportedException (SQLState 0A000) when the statement cannot be answered
     *                                         correctly across shards
     * @throws SQLException                    when a parameter the route needs is missing or a key
     *                                         value does not fit the table's strategy (22023)
     */
    public ShardRoute route(StatementInfo info, Object[] params) throws SQLException {
        Plan p = plan(info);
        return p.route(params);
    }

    /** The cached plan of a statement (computed on first use); package-private for tests. */
    Plan plan(StatementInfo info) {
        String sql = info.sql();
        Plan p = plans.get(sql);
        if (p != null) return p;
        if (plans.size() >= MAX_PLANS) plans.clear();
        p = new Plan(this, info);
        Plan prev = plans.putIfAbsent(sql, p);
        return prev != null ? prev : p;
    }

    // =============================================================================================
    // Plan: the per-SQL part of the decision
    // =============================================================================================

    /** What kind of decision a plan makes. */
    enum Type { FIXED, BROADCAST_ALL, REFUSED, KEYED, INSERT }

    /** A value known from the SQL text or from a bound parameter. */
    record KeySource(Object literal, int parameter) {
        Object value(Object[] params) throws SQLException {
            if (parameter == 0) return literal;
            if (params == null || params.length < parameter) {
                throw new SQLException("parameter " + parameter + " is not bound (needed to find the shard)", "07001");
            }
            return params[parameter - 1];
        }
    }

    /** The per-SQL routing decision, immutable once built (single routes are created lazily). */
    static final class Plan {
        final ShardRouter router;
        final String sql;
        Type type;
        int fixedShard;
        String refusal;
        // KEYED
        Placement keyTable;
        KeySource[] keys; // null: no key (all shards)
        boolean read;
        String writeLimit; // UPDATE/DELETE ... LIMIT: refused on several shards
        KeySource setKey; // UPDATE SET key = value (allowed when it stays on the routed shard)
        // multi-shard SELECT
        SelectMerge merge;
        String mergeRefusal;
        String shardSql; // constant shard SQL, or null when it depends on limit parameters
        String sqlBefore;
        String sqlAfter;
        SelectMerge.Bound shardLimit;
        SelectMerge.Bound shardOffset;
        int[] dropParameters = new int[0];
        // INSERT
        KeySource[] rowKeys;
        boolean keyGenerated;
        // cached routes
        final ShardRoute[] singles;
        ShardRoute all;

        Plan(ShardRouter router, StatementInfo info) {
            this.router = router;
            this.sql = info.sql();
            this.singles = new ShardRoute[router.shardCount];
            try {
                new Planner(router, this, info).plan();
            } catch (Refusal r) {
                type = Type.REFUSED;
                refusal = r.getMessage();
            } catch (RuntimeException | StackOverflowError e) {
                // an AST shape the planner did not anticipate: refuse rather than guess
                type = Type.REFUSED;
                refusal = "statement on tables " + info.tables() + " cannot be routed across shards (unsupported"
                        + " shape: " + e + ")";
            }
        }

        /** @return the plan's type (for tests) */
        Type type() {
            return type;
        }

        /** @return the merge for a multi-shard SELECT, or null */
        SelectMerge merge() {
            return merge;
        }

        ShardRoute single(int shard) {
            ShardRoute r = singles[shard];
            if (r == null) {
                r = new ShardRoute(new int[]{shard}, false, null, sql, new int[0], null);
                singles[shard] = r;
            }
            return r;
        }

        ShardRoute route(Object[] params) throws SQLException {
            switch (type) {
                case FIXED:
                    return single(fixedShard);
                case BROADCAST_ALL: {
                    ShardRoute r = all;
                    if (r == null) {
                        r = new ShardRoute(router.allShards.clone(), true, null, sql, new int[0], null);
                        all = r;
                    }
                    return r;
                }
                case REFUSED:
                    throw new SQLFeatureNotSupportedException(refusal, "0A000");
                case INSERT:
                    return routeInsert(params);
                default:
                    return routeKeyed(params);
            }
        }

        private int shardOf(Object key) throws SQLException {
            try {
                return keyTable.strategy().shardOf(key, router.shardCount);
            } catch (IllegalArgumentException e) {
                throw new SQLException("cannot route by shard key " + keyTable.rule().shardKey() + " of "
                        + keyTable.rule().table() + ": " + e.getMessage(), "22023", e);
            }
        }

        private ShardRoute routeKeyed(Object[] params) throws SQLException {
            KeySource[] ks = keys;
            if (ks == null) return multi(router.allShards, params);
            if (ks.length == 1) {
                Object v = ks[0].value(params);
                // key = NULL matches nothing: any one shard answers correctly
                int s = v == null ? router.defaultShard : shardOf(v);
                checkSetKey(s, params);
                return single(s);
            }
            boolean[] hit = new boolean[router.shardCount];
            int n = 0;
            int last = router.defaultShard;
            for (KeySource k : ks) {
                Object v = k.value(params);
                if (v == null) continue;
                int s = shardOf(v);
                if (!hit[s]) {
                    hit[s] = true;
                    n++;
                    last = s;
                }
            }
            if (n <= 1) {
                checkSetKey(last, params);
                return single(last);
            }
            if (setKey != null) {
                throw new SQLFeatureNotSupportedException("update of the shard key " + keyTable.rule().shardKey()
                        + " of " + keyTable.rule().table() + " on several shards is not supported", "0A000");
            }
            int[] shards = new int[n];
            int j = 0;
            for (int i = 0; i < hit.length; i++) if (hit[i]) shards[j++] = i;
            return multi(shards, params);
        }

        private void checkSetKey(int shard, Object[] params) throws SQLException {
            if (setKey == null) return;
            Object v = setKey.value(params);
            if (v == null || shardOf(v) != shard) {
                throw new SQLFeatureNotSupportedException("update of the shard key " + keyTable.rule().shardKey()
                        + " of " + keyTable.rule().table() + " would move the row to another shard: not supported"
                        + " (delete and re-insert it)", "0A000");
            }
        }

        private ShardRoute multi(int[] shards, Object[] params) throws SQLException {
            if (!read) {
                if (writeLimit != null) {
                    throw new SQLFeatureNotSupportedException(writeLimit + " across shards is not supported (table "
                            + keyTable.rule().table() + "): the rows it picks would differ per shard", "0A000");
                }
                if (shards == router.allShards) {
                    ShardRoute r = all;
                    if (r == null) {
                        r = new ShardRoute(router.allShards.clone(), false, null, sql, new int[0], null);
                        all = r;
                    }
                    return r;
                }
                return new ShardRoute(shards, false, null, sql, new int[0], null);
            }
            if (mergeRefusal != null) throw new SQLFeatureNotSupportedException(mergeRefusal, "0A000");
            if (shardSql != null) {
                if (shards == router.allShards) {
                    ShardRoute r = all;
                    if (r == null) {
                        r = new ShardRoute(router.allShards.clone(), false, merge, shardSql, dropParameters, null);
                        all = r;
                    }
                    return r;
                }
                return new ShardRoute(shards == router.allShards ? shards.clone() : shards, false, merge, shardSql,
                        dropParameters, null);
            }
            long limit = toCount(shardLimit.resolve(params), "LIMIT");
            long offset = shardOffset == null ? 0 : toCount(shardOffset.resolve(params), "OFFSET");
            long n = limit + offset;
            if (n < 0) n = Long.MAX_VALUE; // overflow
            String text = sqlBefore + n + sqlAfter;
            return new ShardRoute(shards == router.allShards ? shards.clone() : shards, false, merge, text,
                    dropParameters, null);
        }

        private static long toCount(Object v, String what) throws SQLException {
            if (v == null) throw new SQLException(what + " parameter is null", "22023");
            try {
                long l;
                if (v instanceof Number num) l = num instanceof BigDecimal bd ? bd.longValueExact() : num.longValue();
                else l = Long.parseLong(v.toString().trim());
                return Math.max(0, l);
            } catch (RuntimeException e) {
                throw new SQLException("bad " + what + " value '" + v + "'", "22023", e);
            }
        }

        private ShardRoute routeInsert(Object[] params) throws SQLException {
            KeySource[] rk = rowKeys;
            int[] rows = rk.length == 1 ? null : new int[rk.length];
            int first = -1;
            boolean same = true;
            boolean[] hit = new boolean[router.shardCount];
            int n = 0;
            for (int r = 0; r < rk.length; r++) {
                Object v = rk[r].value(params);
                if (v == null) {
                    String t = keyTable.rule().table();
                    String k = keyTable.rule().shardKey();
                    if (keyGenerated) {
                        throw new SQLFeatureNotSupportedException("INSERT into " + t + ": row " + (r + 1) + " has no value"
                                + " for the shard key " + k + "; the key generator must fill it before routing", "0A000");
                    }
                    throw new SQLFeatureNotSupportedException("INSERT into sharded table " + t + ": row " + (r + 1)
                            + " has a null shard key " + k + " (it cannot be placed on a shard)", "0A000");
                }
                int s = shardOf(v);
                if (rows != null) rows[r] = s;
                if (first < 0) first = s;
                else if (s != first) same = false;
                if (!hit[s]) {
                    hit[s] = true;
                    n++;
                }
            }
            if (same) return single(first);
            int[] shards = new int[n];
            int j = 0;
            for (int i = 0; i < hit.length; i++) if (hit[i]) shards[j++] = i;
            return new ShardRoute(shards, false, null, sql, new int[0], rows);
        }
    }

    /** Internal signal: the statement is refused with this message. */
    static final class Refusal extends RuntimeException {
        Refusal(String message) {
            super(message, null, false, false);
        }
    }

    // =============================================================================================
    // Planner: builds a Plan from the SQL (runs once per SQL text)
    // =============================================================================================

    private static final class Planner {
        final ShardRouter r;
        final Plan p;
        final StatementInfo info;
        final List<Placement> sharded = new ArrayList<>();
        final List<String> broadcast = new ArrayList<>();
        final List<String> unsharded = new ArrayList<>();
        /** alias or table name (lower) -> table name (lower), for the statement's top-level FROM. */
        final Map<String, String> aliases = new LinkedHashMap<>();
        Placement colocated;

        Planner(ShardRouter r, Plan p, StatementInfo info) {
            this.r = r;
            this.p = p;
            this.info = info;
        }

        void fixed(int shard) {
            p.type = Type.FIXED;
            p.fixedShard = shard;
        }

        void plan() {
            if (r.shardCount == 1) {
                fixed(0);
                return;
            }
            StatementInfo.Kind kind = info.kind();
            if (kind == StatementInfo.Kind.DDL || kind == StatementInfo.Kind.SESSION
                    || kind == StatementInfo.Kind.TRANSACTION) {
                p.type = Type.BROADCAST_ALL;
                return;
            }
            for (String t : info.tables()) {
                Placement pl = r.placements.get(t);
                if (pl == null) unsharded.add(t);
                else if (pl.broadcast()) broadcast.add(t);
                else sharded.add(pl);
            }
            boolean write = kind == StatementInfo.Kind.WRITE;
            String written = info.writtenTable();
            if (sharded.isEmpty()) {
                if (broadcast.isEmpty()) {
                    fixed(r.defaultShard);
                } else if (write && (written == null || broadcast.contains(written))) {
                    if (!unsharded.isEmpty()) {
                        throw new Refusal("write to broadcast table " + String.join(", ", broadcast) + " reading table "
                                + String.join(", ", unsharded) + ", which lives only on the default shard: not supported"
                                + " (the other shards do not have it)");
                    }
                    p.type = Type.BROADCAST_ALL;
                } else {
                    fixed(r.defaultShard); // broadcast read, or a write to an unsharded table reading broadcast ones
                }
                return;
            }
            // sharded tables are involved
            colocated = sharded.get(0);
            for (Placement s : sharded) {
                if (!s.colocatedWith(colocated)) {
                    throw new Refusal("join across shards of " + colocated.rule().table() + " and " + s.rule().table()
                            + ": they are not co-located (" + colocated.describe() + ", " + s.describe() + ")");
                }
            }
            if (!unsharded.isEmpty()) {
                throw new Refusal("join across shards of sharded table " + colocated.rule().table() + " and table "
                        + unsharded.get(0) + ", which lives only on the default shard (list it under tables: as"
                        + " broadcast or sharded)");
            }
            if (write && written != null && broadcast.contains(written)) {
                throw new Refusal("write to broadcast table " + written + " reading sharded table "
                        + colocated.rule().table() + ": not supported (every shard would write different rows)");
            }
            if (!info.parsed()) {
                throw new Refusal("statement on sharded table " + colocated.rule().table()
                        + " that Shardline cannot parse: its shard cannot be decided");
            }
            Statement st;
            try {
                st = CCJSqlParserUtil.parse(info.sql());
            } catch (Exception e) {
                throw new Refusal("statement on sharded table " + colocated.rule().table()
                        + " that Shardline cannot parse: its shard cannot be decided");
            }
            p.type = Type.KEYED;
            p.keyTable = colocated;
            if (st instanceof Select sel) {
                p.read = true;
                planSelect(sel);
            } else if (st instanceof Insert ins) {
                planInsert(ins);
            } else if (st instanceof Update upd) {
                planUpdate(upd);
            } else if (st instanceof Delete del) {
                planDelete(del);
            } else {
                String verb = info.sql().trim().split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
                throw new Refusal(verb + " on sharded table " + colocated.rule().table() + " is not supported");
            }
        }

        String tables() {
            Set<String> all = new LinkedHashSet<>();
            for (Placement s : sharded) all.add(s.rule().table());
            all.addAll(broadcast);
            return String.join(", ", all);
        }

        // ---- FROM / aliases ----------------------------------------------------------------------

        void addFrom(FromItem item, Map<String, String> into, String where) {
            if (item == null) return;
            if (item instanceof Table t) {
                String name = StatementAnalyzer.unquote(t.getName()).toLowerCase(Locale.ROOT);
                into.put(name, name);
                if (t.getAlias() != null && t.getAlias().getName() != null) {
                    into.put(StatementAnalyzer.unquote(t.getAlias().getName()).toLowerCase(Locale.ROOT), name);
                }
            } else if (item instanceof ParenthesedSelect ps) {
                if (touchesSharded(ps)) {
                    throw new Refusal("subquery across shards: derived table (SELECT ... in FROM) on "
                            + String.join(", ", shardedIn(ps)) + " in " + where + " is not supported");
                }
                if (ps.getAlias() != null) into.put(ps.getAlias().getName().toLowerCase(Locale.ROOT), "");
            } else if (item instanceof net.sf.jsqlparser.statement.select.ParenthesedFromItem pf) {
                addFrom(pf.getFromItem(), into, where);
                if (pf.getJoins() != null) for (Join j : pf.getJoins()) addFrom(j.getFromItem(), into, where);
            } else {
                throw new Refusal("FROM item " + item + " with sharded tables (" + tables() + ") is not supported");
            }
        }

        boolean touchesSharded(Object node) {
            return !shardedIn(node).isEmpty();
        }

        List<String> shardedIn(Object node) {
            List<String> out = new ArrayList<>();
            for (String t : tablesOf(node)) {
                Placement pl = r.placements.get(t);
                if (pl != null && !pl.broadcast()) out.add(t);
            }
            return out;
        }

        Set<String> tablesOf(Object node) {
            StatementAnalyzer.TableCollector c = new StatementAnalyzer.TableCollector();
            Set<String> names = new LinkedHashSet<>();
            try {
                if (node instanceof Statement s) c.getTables(s);
                else if (node instanceof Expression e) c.getTables(e);
            } catch (RuntimeException e) {
                // unknown shape: assume the worst
                for (Placement pl : sharded) names.add(pl.rule().table());
                return names;
            }
            for (List<Table> ts : c.seen.values()) {
                for (Table t : ts) if (t.getName() != null) names.add(StatementAnalyzer.unquote(t.getName()).toLowerCase(Locale.ROOT));
            }
            return names;
        }

        // ---- key extraction ----------------------------------------------------------------------

        /** Whether a column is the co-located shard key of a sharded table of {@code scope}. */
        boolean isKey(Expression e, Map<String, String> scope) {
            e = unwrap(e);
            if (!(e instanceof Column c)) return false;
            String name = StatementAnalyzer.unquote(c.getColumnName());
            if (name == null || !name.equalsIgnoreCase(colocated.rule().shardKey())) return false;
            Table t = c.getTable();
            if (t == null || t.getName() == null) {
                // unqualified: the key column of the (co-located) sharded tables in scope
                for (String tn : scope.values()) {
                    Placement pl = r.placements.get(tn);
                    if (pl != null && !pl.broadcast()) return true;
                }
                return false;
            }
            String table = scope.get(StatementAnalyzer.unquote(t.getName()).toLowerCase(Locale.ROOT));
            if (table == null) return false;
            Placement pl = r.placements.get(table);
            return pl != null && !pl.broadcast();
        }

        static Expression unwrap(Expression e) {
            while (e instanceof ParenthesedExpressionList<?> pl && pl.size() == 1) e = pl.get(0);
            return e;
        }

        /** A literal or parameter, or null when the expression is anything else. */
        static KeySource valueOf(Expression e) {
            e = unwrap(e);
            if (e instanceof JdbcParameter jp) return new KeySource(null, jp.getIndex());
            Object lit = literal(e);
            return lit == NO_LITERAL ? null : new KeySource(lit, 0);
        }

        static final Object NO_LITERAL = new Object();

        static Object literal(Expression e) {
            e = unwrap(e);
            if (e instanceof LongValue l) {
                BigInteger b = l.getBigIntegerValue();
                return b.bitLength() < 64 ? (Object) b.longValue() : b;
            }
            if (e instanceof StringValue s) return s.getValue().replace("''", "'");
            if (e instanceof DoubleValue d) {
                try {
                    return new BigDecimal(d.toString());
                } catch (NumberFormatException ex) {
                    return BigDecimal.valueOf(d.getValue());
                }
            }
            if (e instanceof NullValue) return null;
            if (e instanceof SignedExpression se && se.getSign() == '-') {
                Object v = literal(se.getExpression());
                if (v instanceof Long l) return l == Long.MIN_VALUE ? BigInteger.valueOf(l).negate() : (Object) (-l);
                if (v instanceof BigInteger b) {
                    BigInteger n = b.negate();
                    return n.bitLength() < 64 ? (Object) n.longValue() : n;
                }
                if (v instanceof BigDecimal b) return b.negate();
                return NO_LITERAL;
            }
            if (e instanceof SignedExpression se && se.getSign() == '+') return literal(se.getExpression());
            return NO_LITERAL;
        }

        static void conjuncts(Expression e, List<Expression> out) {
            if (e == null) return;
            e = unwrap(e);
            if (e instanceof AndExpression and) {
                conjuncts(and.getLeftExpression(), out);
                conjuncts(and.getRightExpression(), out);
            } else if (e instanceof InExpression in && in.getRightExpression() instanceof AndExpression and) {
                // JSqlParser 5.3 parses "x IN (1, 2) AND y = 3" as "x IN ((1, 2) AND y = 3)": re-associate
                InExpression fixed = new InExpression(in.getLeftExpression(), and.getLeftExpression());
                fixed.setNot(in.isNot());
                conjuncts(fixed, out);
                conjuncts(and.getRightExpression(), out);
            } else {
                out.add(e);
            }
        }

        /** The key sources of the best key conjunct (an equality over an IN), or null. */
        KeySource[] keyFrom(List<Expression> conjuncts, Map<String, String> scope) {
            KeySource[] best = null;
            for (Expression c : conjuncts) {
                KeySource[] found = null;
                if (c instanceof EqualsTo eq) {
                    if (isKey(eq.getLeftExpression(), scope)) {
                        KeySource v = valueOf(eq.getRightExpression());
                        if (v != null) found = new KeySource[]{v};
                    }
                    if (found == null && isKey(eq.getRightExpression(), scope)) {
                        KeySource v = valueOf(eq.getLeftExpression());
                        if (v != null) found = new KeySource[]{v};
                    }
                } else if (c instanceof InExpression in && !in.isNot() && isKey(in.getLeftExpression(), scope)
                        && in.getRightExpression() instanceof ExpressionList<?> list && !list.isEmpty()) {
                    List<KeySource> vs = new ArrayList<>();
                    for (Expression x : list) {
                        KeySource v = valueOf(x);
                        if (v == null) {
                            vs = null;
                            break;
                        }
                        vs.add(v);
                    }
                    if (vs != null) found = vs.toArray(new KeySource[0]);
                }
                if (found != null && (best == null || found.length < best.length)) best = found;
            }
            return best;
        }

        // ---- subqueries --------------------------------------------------------------------------

        /** Checks every subquery of the expressions (scope = the enclosing query's FROM). */
        void checkSubqueries(Map<String, String> scope, String where, Expression... exprs) {
            for (Expression e : exprs) {
                if (e == null) continue;
                e.accept(new ExpressionVisitorAdapter<Void>() {
                    @Override
                    public <S> Void visit(InExpression in, S context) {
                        if (in.getRightExpression() instanceof AndExpression) {
                            // JSqlParser 5.3: "x IN (...) AND y" parsed as "x IN ((...) AND y)"
                            List<Expression> parts = new ArrayList<>();
                            conjuncts(in, parts);
                            if (parts.size() > 1) {
                                for (Expression part : parts) part.accept(this, context);
                                return null;
                            }
                        }
                        if (in.getRightExpression() instanceof ParenthesedSelect ps && !in.isNot()
                                && isKey(in.getLeftExpression(), scope) && keyProjection(ps)) {
                            in.getLeftExpression().accept(this, context);
                            checkNested(ps);
                            return null;
                        }
                        return super.visit(in, context);
                    }

                    @Override
                    public <S> Void visit(ParenthesedSelect ps, S context) {
                        checkSubquery(ps, scope, where);
                        return null;
                    }

                    @Override
                    public <S> Void visit(Select sel, S context) {
                        if (sel instanceof ParenthesedSelect ps) checkSubquery(ps, scope, where);
                        else if (!shardedIn(sel).isEmpty()) {
                            throw new Refusal("subquery across shards: the subquery in " + where + " on "
                                    + String.join(", ", shardedIn(sel)) + " is not supported");
                        }
                        return null;
                    }
                }, null);
            }
        }

        /** {@code SELECT key FROM co-located ... } without aggregates, grouping or limits. */
        boolean keyProjection(ParenthesedSelect ps) {
            if (!(ps.getSelect() instanceof PlainSelect inner) || inner.getSelectItems().size() != 1) return false;
            if (inner.getGroupBy() != null || inner.getLimit() != null || inner.getOffset() != null
                    || inner.getFetch() != null || inner.getTop() != null || inner.getHaving() != null) return false;
            Map<String, String> innerScope = new LinkedHashMap<>();
            addFrom(inner.getFromItem(), innerScope, "a subquery");
            if (inner.getJoins() != null) for (Join j : inner.getJoins()) addFrom(j.getFromItem(), innerScope, "a subquery");
            Expression item = inner.getSelectItems().get(0).getExpression();
            return isKey(item, innerScope) && !containsAggregate(item);
        }

        void checkSubquery(ParenthesedSelect ps, Map<String, String> outer, String where) {
            List<String> shardedTables = shardedIn(ps);
            if (shardedTables.isEmpty()) return; // broadcast tables only: the same on every shard
            String refusal = "subquery across shards: the subquery in " + where + " on " + String.join(", ", shardedTables)
                    + " is not correlated by the shard key " + colocated.rule().shardKey()
                    + " (its answer on one shard would be wrong)";
            if (!(ps.getSelect() instanceof PlainSelect inner) || inner.getWithItemsList() != null) throw new Refusal(refusal);
            Map<String, String> innerScope = new LinkedHashMap<>();
            addFrom(inner.getFromItem(), innerScope, "a subquery");
            if (inner.getJoins() != null) for (Join j : inner.getJoins()) addFrom(j.getFromItem(), innerScope, "a subquery");
            List<Expression> cs = new ArrayList<>();
            conjuncts(inner.getWhere(), cs);
            boolean correlated = false;
            for (Expression c : cs) {
                if (c instanceof EqualsTo eq) {
                    Expression a = eq.getLeftExpression();
                    Expression b = eq.getRightExpression();
                    if ((isKey(a, innerScope) && isOuterKey(b, outer, innerScope))
                            || (isKey(b, innerScope) && isOuterKey(a, outer, innerScope))) {
                        correlated = true;
                        break;
                    }
                }
            }
            if (!correlated) throw new Refusal(refusal);
            checkNested(ps);
        }

        /** A qualified key column of an outer sharded table (not shadowed by the inner FROM). */
        boolean isOuterKey(Expression e, Map<String, String> outer, Map<String, String> inner) {
            e = unwrap(e);
            if (!(e instanceof Column c) || c.getTable() == null || c.getTable().getName() == null) return false;
            String q = StatementAnalyzer.unquote(c.getTable().getName()).toLowerCase(Locale.ROOT);
            return !inner.containsKey(q) && isKey(e, outer);
        }

        void checkNested(ParenthesedSelect ps) {
            if (!(ps.getSelect() instanceof PlainSelect inner)) return;
            Map<String, String> innerScope = new LinkedHashMap<>(aliases);
            addFrom(inner.getFromItem(), innerScope, "a subquery");
            if (inner.getJoins() != null) for (Join j : inner.getJoins()) addFrom(j.getFromItem(), innerScope, "a subquery");
            checkSelectExpressions(inner, innerScope, "a subquery");
        }

        void checkSelectExpressions(PlainSelect ps, Map<String, String> scope, String where) {
            for (SelectItem<?> it : ps.getSelectItems()) checkSubqueries(scope, "the select list", it.getExpression());
            checkSubqueries(scope, "WHERE", ps.getWhere());
            checkSubqueries(scope, "HAVING", ps.getHaving());
            if (ps.getJoins() != null) {
                for (Join j : ps.getJoins()) {
                    if (j.getOnExpressions() != null) {
                        for (Expression on : j.getOnExpressions()) checkSubqueries(scope, "a join condition", on);
                    }
                }
            }
            if (ps.getOrderByElements() != null) {
                for (OrderByElement o : ps.getOrderByElements()) checkSubqueries(scope, "ORDER BY", o.getExpression());
            }
        }

        // ---- SELECT ------------------------------------------------------------------------------

        void planSelect(Select sel) {
            if (!(sel instanceof PlainSelect ps)) {
                String what = sel instanceof net.sf.jsqlparser.statement.select.SetOperationList
                        ? "UNION/INTERSECT/EXCEPT" : "this query shape";
                throw new Refusal(what + " across shards is not supported (tables " + tables() + ")");
            }
            if (ps.getWithItemsList() != null && !ps.getWithItemsList().isEmpty()) {
                throw new Refusal("WITH (common table expression) across shards is not supported (tables " + tables() + ")");
            }
            addFrom(ps.getFromItem(), aliases, "FROM");
            List<Expression> cs = new ArrayList<>();
            conjuncts(ps.getWhere(), cs);
            if (ps.getJoins() != null) {
                boolean leftSharded = fromHasSharded(ps.getFromItem());
                for (Join j : ps.getJoins()) {
                    addFrom(j.getFromItem(), aliases, "a join");
                    boolean rightSharded = fromHasSharded(j.getFromItem());
                    String rightName = j.getFromItem().toString();
                    if (j.isFull() && leftSharded != rightSharded) {
                        throw new Refusal("FULL OUTER JOIN of a broadcast table with sharded table across shards is not"
                                + " supported (" + tables() + ")");
                    }
                    if (j.isLeft() && !leftSharded && rightSharded) {
                        throw new Refusal("outer join across shards: LEFT JOIN keeps every row of broadcast table(s) "
                                + String.join(", ", broadcast) + " on every shard, duplicating them (join " + rightName
                                + " of " + tables() + "); put the sharded table first");
                    }
                    if (j.isRight() && leftSharded && !rightSharded) {
                        throw new Refusal("outer join across shards: RIGHT JOIN keeps every row of broadcast table "
                                + rightName + " on every shard, duplicating them (" + tables() + ")");
                    }
                    if (!j.isLeft() && !j.isRight() && !j.isFull() && !j.isOuter() && j.getOnExpressions() != null) {
                        for (Expression on : j.getOnExpressions()) conjuncts(on, cs);
                    }
                    leftSharded |= rightSharded;
                }
            }
            checkSelectExpressions(ps, aliases, "the query");
            p.keys = keyFrom(cs, aliases);
            if (p.keys != null && p.keys.length == 1) return; // always one shard: no merge needed
            try {
                planMerge(ps);
            } catch (Refusal refusal) {
                if (p.keys == null) throw refusal;
                p.mergeRefusal = refusal.getMessage(); // only when the IN list reaches several shards
            }
        }

        boolean fromHasSharded(FromItem item) {
            Map<String, String> m = new LinkedHashMap<>();
            addFrom(item, m, "FROM");
            for (String t : m.values()) {
                Placement pl = r.placements.get(t);
                if (pl != null && !pl.broadcast()) return true;
            }
            return false;
        }

        // ---- merge planning ----------------------------------------------------------------------

        final List<Expression> hidden = new ArrayList<>();
        final List<SelectMerge.AggregateColumn> aggregates = new ArrayList<>();
        final TreeSet<Integer> drop = new TreeSet<>();
        int visible;
        boolean star;
        List<SelectItem<?>> items;
        List<Expression> groupExprs = List.of();

        void planMerge(PlainSelect ps) {
            items = new ArrayList<>(ps.getSelectItems());
            for (SelectItem<?> it : items) {
                if (it.getExpression() instanceof AllColumns) star = true;
            }
            visible = star ? 0 : items.size();
            if (ps.getTop() != null) throw new Refusal("TOP across shards is not supported (tables " + tables() + "); use LIMIT");
            boolean distinct = ps.getDistinct() != null;
            if (distinct && ps.getDistinct().getOnSelectItems() != null && !ps.getDistinct().getOnSelectItems().isEmpty()) {
                throw new Refusal("DISTINCT ON across shards is not supported (tables " + tables() + ")");
            }
            GroupByElement gb = ps.getGroupBy();
            if (gb != null) {
                if ((gb.getGroupingSets() != null && !gb.getGroupingSets().isEmpty())
                        || gb.toString().toUpperCase(Locale.ROOT).contains("ROLLUP")
                        || gb.toString().toUpperCase(Locale.ROOT).contains("CUBE")) {
                    throw new Refusal("GROUP BY with grouping sets/ROLLUP/CUBE across shards is not supported (tables "
                            + tables() + ")");
                }
                List<Expression> g = new ArrayList<>();
                if (gb.getGroupByExpressionList() != null) {
                    for (Object o : gb.getGroupByExpressionList()) g.add((Expression) o);
                }
                groupExprs = g;
            }
            // aggregates in the select list
            for (int i = 0; i < items.size(); i++) {
                Expression e = items.get(i).getExpression();
                if (e instanceof AllColumns) continue;
                if (e instanceof AnalyticExpression || containsWindow(e)) {
                    throw new Refusal("window function across shards is not supported (" + e + " on " + tables() + ")");
                }
                if (e instanceof Function f && isMergeable(f)) {
                    aggregates.add(aggregateColumn(f, i + 1, true));
                } else if (containsAggregate(e)) {
                    throw new Refusal("aggregate inside an expression across shards is not supported (" + e + " on "
                            + tables() + "); select the aggregate itself");
                }
            }
            boolean grouped = !groupExprs.isEmpty() || !aggregates.isEmpty();
            if (star && (grouped || distinct)) {
                throw new Refusal("SELECT * with " + (distinct ? "DISTINCT" : "aggregates") + " across shards is not"
                        + " supported (tables " + tables() + "); list the columns");
            }
            // GROUP BY columns
            int[] groupBy = new int[groupExprs.size()];
            for (int i = 0; i < groupExprs.size(); i++) {
                Expression g = groupExprs.get(i);
                if (containsAggregate(g)) throw new Refusal("aggregate in GROUP BY (" + g + ") is not supported");
                groupBy[i] = columnFor(g, true, "GROUP BY");
            }
            // HAVING
            List<SelectMerge.Condition> having = new ArrayList<>();
            if (ps.getHaving() != null) {
                List<Expression> hs = new ArrayList<>();
                conjuncts(ps.getHaving(), hs);
                for (Expression h : hs) having.add(havingCondition(h));
                ps.setHaving(null);
            }
            // ORDER BY
            List<SelectMerge.SortKey> orderBy = new ArrayList<>();
            if (ps.getOrderByElements() != null) {
                for (OrderByElement o : ps.getOrderByElements()) {
                    Expression e = o.getExpression();
                    int col;
                    if (e instanceof Function f && isMergeable(f)) {
                        col = aggregateFor(f);
                    } else if (containsAggregate(e)) {
                        throw new Refusal("aggregate inside an ORDER BY expression across shards is not supported ("
                                + e + " on " + tables() + ")");
                    } else {
                        col = columnFor(e, true, "ORDER BY");
                    }
                    boolean asc = o.isAsc();
                    boolean nullsFirst;
                    if (o.getNullOrdering() == OrderByElement.NullOrdering.NULLS_FIRST) nullsFirst = true;
                    else if (o.getNullOrdering() == OrderByElement.NullOrdering.NULLS_LAST) nullsFirst = false;
                    else nullsFirst = asc != r.nullsHigh;
                    orderBy.add(new SelectMerge.SortKey(col, asc, nullsFirst));
                }
            }
            // COUNT(DISTINCT x) etc. are only exact when x is the shard key or groups do not span shards
            // (checked in aggregateColumn)
            // LIMIT / OFFSET
            SelectMerge.Bound limit = null;
            SelectMerge.Bound offset = null;
            Limit l = ps.getLimit();
            if (l != null) {
                if (l.getRowCount() != null && !l.isLimitAll() && !l.isLimitNull()
                        && !(l.getRowCount() instanceof NullValue)) {
                    limit = bound(l.getRowCount(), "LIMIT");
                }
                if (l.getOffset() != null) offset = bound(l.getOffset(), "OFFSET");
                ps.setLimit(null);
            }
            if (ps.getOffset() != null) {
                offset = bound(ps.getOffset().getOffset(), "OFFSET");
                ps.setOffset(null);
            }
            if (ps.getFetch() != null) {
                Expression fe = ps.getFetch().getExpression();
                limit = fe == null ? new SelectMerge.Bound(1L, 0) : bound(fe, "FETCH FIRST");
                ps.setFetch(null);
            }
            // hidden columns go after the visible ones
            for (Expression h : hidden) ps.addSelectItems(h);
            boolean perShardLimit = limit != null && groupExprs.isEmpty() && aggregates.isEmpty();
            p.merge = new SelectMerge(visible, distinct, groupBy, List.copyOf(aggregates), List.copyOf(having),
                    List.copyOf(orderBy), limit, offset);
            int[] dropped = new int[drop.size()];
            int k = 0;
            for (int d : drop) dropped[k++] = d;
            p.dropParameters = dropped;
            boolean changed = !hidden.isEmpty() || l != null || !having.isEmpty() || offset != null || limit != null
                    || rewritten;
            if (perShardLimit && (limit.parameter() > 0 || (offset != null && offset.parameter() > 0))) {
                ps.setLimit(new Limit().withRowCount(new Column(LIMIT_MARKER)));
                String text = ps.toString();
                int at = text.indexOf(LIMIT_MARKER);
                p.sqlBefore = text.substring(0, at);
                p.sqlAfter = text.substring(at + LIMIT_MARKER.length());
                p.shardLimit = limit;
                p.shardOffset = offset;
                p.shardSql = null;
            } else {
                if (perShardLimit) {
                    long n = ((Number) limit.literal()).longValue()
                            + (offset == null ? 0 : ((Number) offset.literal()).longValue());
                    if (n < 0) n = Long.MAX_VALUE;
                    ps.setLimit(new Limit().withRowCount(new LongValue(n)));
                }
                p.shardSql = changed ? ps.toString() : info.sql();
            }
        }

        boolean rewritten;

        SelectMerge.Bound bound(Expression e, String what) {
            e = unwrap(e);
            if (e instanceof JdbcParameter jp) {
                drop.add(jp.getIndex());
                return new SelectMerge.Bound(null, jp.getIndex());
            }
            Object lit = literal(e);
            if (lit instanceof Long || lit instanceof BigInteger) {
                return new SelectMerge.Bound(((Number) lit).longValue(), 0);
            }
            throw new Refusal(what + " " + e + " across shards is not supported (tables " + tables()
                    + "); use a number or a parameter");
        }

        boolean isMergeable(Function f) {
            return MERGEABLE_AGGREGATES.contains(f.getName().toUpperCase(Locale.ROOT)) && f.getMultipartName().size() == 1;
        }

        /** The aggregate column for a select-list aggregate (AVG is rewritten to SUM plus a hidden COUNT). */
        SelectMerge.AggregateColumn aggregateColumn(Function f, int column, boolean inSelect) {
            String name = f.getName().toUpperCase(Locale.ROOT);
            if (f.isDistinct() && !name.equals("MIN") && !name.equals("MAX")) {
                boolean ok = false;
                if (f.getParameters() != null && f.getParameters().size() == 1
                        && isKey((Expression) f.getParameters().get(0), aliases)) ok = true;
                for (Expression g : groupExprs) if (isKey(g, aliases)) ok = true;
                if (!ok) {
                    throw new Refusal(name + "(DISTINCT ...) across shards is not supported (" + f + " on " + tables()
                            + "): a value may occur on several shards; only DISTINCT over the shard key "
                            + colocated.rule().shardKey() + " (or grouping by it) is exact");
                }
            }
            if (f.getKeep() != null) {
                throw new Refusal("aggregate with FILTER/KEEP across shards is not supported (" + f + ")");
            }
            switch (name) {
                case "COUNT":
                    return new SelectMerge.AggregateColumn(column, SelectMerge.Aggregate.COUNT, 0);
                case "SUM":
                    return new SelectMerge.AggregateColumn(column, SelectMerge.Aggregate.SUM, 0);
                case "MIN":
                    return new SelectMerge.AggregateColumn(column, SelectMerge.Aggregate.MIN, 0);
                case "MAX":
                    return new SelectMerge.AggregateColumn(column, SelectMerge.Aggregate.MAX, 0);
                default: { // AVG
                    if (star) throw new Refusal("AVG with SELECT * across shards is not supported");
                    if (containsParameter(f)) {
                        throw new Refusal("AVG over an expression with a parameter across shards is not supported (" + f + ")");
                    }
                    Function count = new Function();
                    count.setName("COUNT");
                    count.setParameters(f.getParameters());
                    count.setDistinct(f.isDistinct());
                    f.setName("SUM");
                    rewritten = true;
                    hidden.add(count);
                    return new SelectMerge.AggregateColumn(column, SelectMerge.Aggregate.AVG, visible + hidden.size());
                }
            }
        }

        /** The merged column of an aggregate used in HAVING or ORDER BY: a select-list one, or a hidden one. */
        int aggregateFor(Function f) {
            String text = f.toString();
            for (SelectMerge.AggregateColumn a : aggregates) {
                if (a.column() <= visible) {
                    Expression e = items.get(a.column() - 1).getExpression();
                    String orig = a.kind() == SelectMerge.Aggregate.AVG ? "AVG" + e.toString().substring(3) : e.toString();
                    if (orig.equalsIgnoreCase(text)) return a.column();
                }
            }
            for (int i = 0; i < hidden.size(); i++) {
                if (hidden.get(i).toString().equalsIgnoreCase(text)) {
                    for (SelectMerge.AggregateColumn a : aggregates) if (a.column() == visible + i + 1) return a.column();
                }
            }
            if (star) throw new Refusal("aggregate " + f + " not in the select list with SELECT * across shards is not supported");
            if (containsParameter(f)) {
                throw new Refusal("aggregate with a parameter (" + f + ") outside the select list across shards is not supported");
            }
            String name = f.getName().toUpperCase(Locale.ROOT);
            Function copy = new Function();
            copy.setName(name);
            copy.setParameters(f.getParameters());
            copy.setDistinct(f.isDistinct());
            copy.setAllColumns(f.isAllColumns());
            hidden.add(copy);
            int col = visible + hidden.size();
            SelectMerge.AggregateColumn a = aggregateColumn(copy, col, false);
            aggregates.add(a);
            return col;
        }

        /** The merged column holding an expression: a select-list column (position, alias, same expression), or a hidden one. */
        int columnFor(Expression e, boolean positional, String clause) {
            Expression u = unwrap(e);
            if (positional && u instanceof LongValue lv) {
                long n = lv.getValue();
                if (n < 1 || (!star && n > visible)) throw new Refusal(clause + " position " + n + " is out of range");
                return (int) n;
            }
            String text = u.toString();
            if (u instanceof Column c && (c.getTable() == null || c.getTable().getName() == null)) {
                String name = StatementAnalyzer.unquote(c.getColumnName());
                for (int i = 0; i < items.size(); i++) {
                    SelectItem<?> it = items.get(i);
                    if (it.getAlias() != null && StatementAnalyzer.unquote(it.getAlias().getName()).equalsIgnoreCase(name)) {
                        return i + 1;
                    }
                }
            }
            for (int i = 0; i < items.size(); i++) {
                Expression ie = items.get(i).getExpression();
                if (ie instanceof AllColumns) continue;
                if (ie.toString().equalsIgnoreCase(text)) return i + 1;
                if (u instanceof Column c && ie instanceof Column ic
                        && StatementAnalyzer.unquote(c.getColumnName()).equalsIgnoreCase(StatementAnalyzer.unquote(ic.getColumnName()))) {
                    String t1 = c.getTable() == null || c.getTable().getName() == null ? null : c.getTable().getName();
                    String t2 = ic.getTable() == null || ic.getTable().getName() == null ? null : ic.getTable().getName();
                    if (t1 == null || t2 == null || t1.equalsIgnoreCase(t2)) return i + 1;
                }
            }
            for (int i = 0; i < hidden.size(); i++) {
                if (hidden.get(i).toString().equalsIgnoreCase(text)) return visible + i + 1;
            }
            if (star) {
                throw new Refusal(clause + " " + e + " with SELECT * across shards is not supported (tables " + tables()
                        + "); list the columns, or use a position");
            }
            if (containsParameter(u)) {
                throw new Refusal(clause + " expression with a parameter (" + e + ") across shards is not supported");
            }
            hidden.add(u);
            return visible + hidden.size();
        }

        SelectMerge.Condition havingCondition(Expression h) {
            if (!(h instanceof ComparisonOperator cmp) || !(h instanceof EqualsTo || h instanceof NotEqualsTo
                    || h instanceof GreaterThan || h instanceof GreaterThanEquals || h instanceof MinorThan
                    || h instanceof MinorThanEquals)) {
                throw new Refusal("HAVING condition " + h + " across shards is not supported (tables " + tables()
                        + "): only AND of comparisons of an aggregate or group column with a value");
            }
            SelectMerge.Operator op = operator(h);
            Expression left = unwrap(cmp.getLeftExpression());
            Expression right = unwrap(cmp.getRightExpression());
            Expression subject = left;
            Expression value = right;
            if (valueOf(left) != null && valueOf(right) == null) {
                subject = right;
                value = left;
                op = flip(op);
            }
            KeySource v = valueOf(value);
            if (v == null) {
                throw new Refusal("HAVING condition " + h + " across shards is not supported (tables " + tables()
                        + "): compare with a literal or a parameter");
            }
            int col;
            if (subject instanceof Function f && isMergeable(f)) {
                col = aggregateFor(f);
            } else if (containsAggregate(subject)) {
                throw new Refusal("HAVING condition " + h + " across shards is not supported (tables " + tables()
                        + "): aggregate inside an expression");
            } else {
                boolean isGroup = false;
                for (Expression g : groupExprs) if (g.toString().equalsIgnoreCase(subject.toString())) isGroup = true;
                if (!isGroup) {
                    // an alias of a select item that is a group column or aggregate
                    int c = -1;
                    if (subject instanceof Column sc && (sc.getTable() == null || sc.getTable().getName() == null)) {
                        for (int i = 0; i < items.size(); i++) {
                            SelectItem<?> it = items.get(i);
                            if (it.getAlias() != null && StatementAnalyzer.unquote(it.getAlias().getName())
                                    .equalsIgnoreCase(StatementAnalyzer.unquote(sc.getColumnName()))) c = i + 1;
                        }
                    }
                    if (c < 0) {
                        throw new Refusal("HAVING condition " + h + " across shards is not supported (tables " + tables()
                                + "): " + subject + " is neither an aggregate nor a GROUP BY column");
                    }
                    col = c;
                } else {
                    col = columnFor(subject, false, "HAVING");
                }
            }
            if (v.parameter() > 0) drop.add(v.parameter());
            return new SelectMerge.Condition(col, op, new SelectMerge.Bound(v.literal(), v.parameter()));
        }

        static SelectMerge.Operator operator(Expression h) {
            if (h instanceof EqualsTo) return SelectMerge.Operator.EQ;
            if (h instanceof NotEqualsTo) return SelectMerge.Operator.NE;
            if (h instanceof GreaterThan) return SelectMerge.Operator.GT;
            if (h instanceof GreaterThanEquals) return SelectMerge.Operator.GE;
            if (h instanceof MinorThan) return SelectMerge.Operator.LT;
            return SelectMerge.Operator.LE;
        }

        static SelectMerge.Operator flip(SelectMerge.Operator op) {
            return switch (op) {
                case LT -> SelectMerge.Operator.GT;
                case LE -> SelectMerge.Operator.GE;
                case GT -> SelectMerge.Operator.LT;
                case GE -> SelectMerge.Operator.LE;
                default -> op;
            };
        }

        static boolean containsAggregate(Expression e) {
            boolean[] found = {false};
            e.accept(new ExpressionVisitorAdapter<Void>() {
                @Override
                public <S> Void visit(Function f, S context) {
                    String n = f.getName() == null ? "" : f.getName().toUpperCase(Locale.ROOT);
                    if (MERGEABLE_AGGREGATES.contains(n) || OTHER_AGGREGATES.contains(n)) found[0] = true;
                    return super.visit(f, context);
                }

                @Override
                public <S> Void visit(MySQLGroupConcat g, S context) {
                    found[0] = true;
                    return null;
                }

                @Override
                public <S> Void visit(ParenthesedSelect ps, S context) {
                    return null; // a subquery's aggregates are its own
                }

                @Override
                public <S> Void visit(Select ps, S context) {
                    return null;
                }
            }, null);
            return found[0];
        }

        static boolean containsWindow(Expression e) {
            boolean[] found = {false};
            e.accept(new ExpressionVisitorAdapter<Void>() {
                @Override
                public <S> Void visit(AnalyticExpression a, S context) {
                    found[0] = true;
                    return null;
                }

                @Override
                public <S> Void visit(ParenthesedSelect ps, S context) {
                    return null;
                }

                @Override
                public <S> Void visit(Select ps, S context) {
                    return null;
                }
            }, null);
            return found[0];
        }

        static boolean containsParameter(Expression e) {
            boolean[] found = {false};
            e.accept(new ExpressionVisitorAdapter<Void>() {
                @Override
                public <S> Void visit(JdbcParameter jp, S context) {
                    found[0] = true;
                    return null;
                }
            }, null);
            return found[0];
        }

        // ---- INSERT ------------------------------------------------------------------------------

        void planInsert(Insert ins) {
            String t = colocated.rule().table();
            String key = colocated.rule().shardKey();
            Select source = ins.getSelect();
            if (source != null && !(source instanceof Values)) {
                throw new Refusal("INSERT ... SELECT into sharded table " + t + " is not supported");
            }
            if (info.insertColumns().isEmpty()) {
                throw new Refusal("INSERT without a column list into sharded table " + t + " is not supported"
                        + " (name the columns so that the shard key " + key + " can be found)");
            }
            if (ins.getDuplicateUpdateSets() != null) {
                for (UpdateSet us : ins.getDuplicateUpdateSets()) {
                    for (Column c : us.getColumns()) {
                        if (StatementAnalyzer.unquote(c.getColumnName()).equalsIgnoreCase(key)) {
                            throw new Refusal("update of the shard key " + key + " of " + t + " (ON DUPLICATE KEY UPDATE)"
                                    + " is not supported");
                        }
                    }
                }
            }
            p.type = Type.INSERT;
            p.keyGenerated = colocated.generatesKey();
            int idx = info.insertColumns().indexOf(key.toLowerCase(Locale.ROOT));
            List<net.sf.jsqlparser.expression.operators.relational.ExpressionList<Expression>> rows =
                    source == null ? null : StatementAnalyzer.valueRows(((Values) source).getExpressions());
            if (rows == null) throw new Refusal("INSERT into sharded table " + t + " with an unsupported VALUES shape");
            if (idx < 0) {
                if (p.keyGenerated) {
                    throw new Refusal("INSERT into " + t + " without its shard key " + key
                            + ": the key generator must fill it before routing");
                }
                throw new Refusal("INSERT into sharded table " + t + " without its shard key " + key
                        + " is not supported (every row needs the key to be placed on a shard)");
            }
            KeySource[] ks = new KeySource[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                var row = rows.get(i);
                Expression e = idx < row.size() ? row.get(idx) : null;
                KeySource v = e == null || StatementAnalyzer.isDefaultOrNull(e) ? new KeySource(null, 0) : valueOf(e);
                if (v == null) {
                    throw new Refusal("INSERT into sharded table " + t + ": the shard key " + key + " of row " + (i + 1)
                            + " is an expression (" + e + "); give a literal or a parameter");
                }
                ks[i] = v;
            }
            p.rowKeys = ks;
        }

        // ---- UPDATE / DELETE ---------------------------------------------------------------------

        void planUpdate(Update upd) {
            addFrom(upd.getTable(), aliases, "UPDATE");
            if (upd.getStartJoins() != null) for (Join j : upd.getStartJoins()) addFrom(j.getFromItem(), aliases, "UPDATE");
            if (upd.getFromItem() != null) addFrom(upd.getFromItem(), aliases, "UPDATE ... FROM");
            if (upd.getJoins() != null) for (Join j : upd.getJoins()) addFrom(j.getFromItem(), aliases, "UPDATE");
            String written = info.writtenTable();
            Placement wp = written == null ? null : r.placements.get(written);
            List<Expression> cs = new ArrayList<>();
            conjuncts(upd.getWhere(), cs);
            p.keys = keyFrom(cs, aliases);
            checkSubqueries(aliases, "WHERE", upd.getWhere());
            if (upd.getUpdateSets() != null) {
                for (UpdateSet us : upd.getUpdateSets()) {
                    for (int i = 0; i < us.getColumns().size(); i++) {
                        Column c = us.getColumns().get(i);
                        boolean isKey = StatementAnalyzer.unquote(c.getColumnName()).equalsIgnoreCase(colocated.rule().shardKey())
                                && (c.getTable() == null || c.getTable().getName() == null ? wp != null && !wp.broadcast()
                                : isKey(c, aliases));
                        if (isKey) {
                            String msg = "update of the shard key " + colocated.rule().shardKey() + " of "
                                    + (wp != null ? wp.rule().table() : colocated.rule().table()) + " is not supported"
                                    + " (it would move rows between shards)";
                            KeySource v = us.getValues() != null && us.getValues().size() == us.getColumns().size()
                                    ? valueOf((Expression) us.getValues().get(i)) : null;
                            if (v == null || p.keys == null) throw new Refusal(msg);
                            p.setKey = v; // allowed when the new value stays on the routed shard
                        }
                    }
                    if (us.getValues() != null) {
                        for (Object v : us.getValues()) checkSubqueries(aliases, "SET", (Expression) v);
                    }
                }
            }
            if (upd.getLimit() != null) p.writeLimit = "UPDATE ... LIMIT";
        }

        void planDelete(Delete del) {
            addFrom(del.getTable(), aliases, "DELETE");
            if (del.getTables() != null) for (Table t : del.getTables()) addFrom(t, aliases, "DELETE");
            if (del.getUsingList() != null) for (Table t : del.getUsingList()) addFrom(t, aliases, "DELETE ... USING");
            if (del.getJoins() != null) for (Join j : del.getJoins()) addFrom(j.getFromItem(), aliases, "DELETE");
            List<Expression> cs = new ArrayList<>();
            conjuncts(del.getWhere(), cs);
            p.keys = keyFrom(cs, aliases);
            checkSubqueries(aliases, "WHERE", del.getWhere());
            if (del.getLimit() != null) p.writeLimit = "DELETE ... LIMIT";
        }
    }

    @Override
    public String toString() {
        return "ShardRouter[shards=" + shardCount + ", default=" + defaultShard + ", tables=" + placements.keySet() + "]";
    }

    /** For tests: the cached plan count. */
    int cachedPlans() {
        return plans.size();
    }

    static String describe(int[] shards) {
        return Arrays.toString(shards);
    }
}
