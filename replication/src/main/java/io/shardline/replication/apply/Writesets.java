package io.shardline.replication.apply;

import io.shardline.replication.log.RowChange;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Splits the changes of consecutive log entries into lanes that can be applied at the same time
 * on separate replica connections: two entries land in the same lane whenever they touch a common
 * row (writeset-style, as MySQL's parallel replica does), so each row sees its changes in log
 * order, and lanes touch disjoint rows.
 *
 * <p>An entry's writeset is the set of row keys its changes touch: for every change its table and
 * its key before the change (update, delete) and after it (insert, update). Where the row key
 * cannot tell whether two changes meet, the whole table is the key, which puts every change of
 * that table in one lane:
 * <ul>
 *   <li>tables without a primary key (rows keyed by all columns; also, such rows must commit with
 *       the watermark, see {@link #anchored});</li>
 *   <li>keys with a text or floating-point column: collations make different strings equal
 *       ({@code 'a' = 'A'}, trailing spaces, accents), {@code -0.0 = 0.0};</li>
 *   <li>tables with a unique index besides the primary key (a delete of one key and an insert of
 *       another may meet on it);</li>
 *   <li>tables that reference others or are referenced by a foreign key on a replica that checks
 *       them (MySQL): such a table's key also names every table it is linked to, so linked tables
 *       share a lane.</li>
 * </ul>
 * Entries are joined by a union-find over those keys; the resulting groups are dealt to the
 * lanes largest first, each group keeping its entries in log order.
 */
final class Writesets {

    /** What the writesets need to know about a replica table. */
    interface Tables {
        /** True when the change's table has a unique index besides its primary key. */
        boolean otherUniqueIndex(RowChange change);

        /** The tables a foreign key links this one to (either direction), lower-cased; empty if none or unchecked. */
        List<String> linked(RowChange change);
    }

    private Writesets() {
    }

    /**
     * Assigns each entry to a lane.
     *
     * @param entries the entries' changes in log order
     * @param lanes   how many lanes at most
     * @return the lane of each entry ({@code 0 .. lanes-1}); every entry in lane 0 when nothing can
     *     run apart. The lane that holds the changes of tables without a primary key is lane 0 (it
     *     is the one applied in the watermark's transaction).
     */
    static int[] lanes(List<RowChange[]> entries, int lanes, Tables tables) {
        int n = entries.size();
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        boolean[] anchored = new boolean[n];
        Map<Object, Integer> owner = new HashMap<>();
        List<Object> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (RowChange ch : entries.get(i)) {
                if (anchored(ch)) anchored[i] = true;
                keys.clear();
                keys(ch, tables, keys);
                for (Object k : keys) join(parent, owner, k, i);
            }
        }
        // groups by root, with their row counts; an anchored group goes to lane 0
        Map<Integer, long[]> groups = new HashMap<>(); // root -> {rows, anchored}
        for (int i = 0; i < n; i++) {
            long[] g = groups.computeIfAbsent(find(parent, i), r -> new long[2]);
            g[0] += Math.max(1, entries.get(i).length);
            if (anchored[i]) g[1] = 1;
        }
        int[] lane = new int[n];
        if (groups.size() < 2 || lanes < 2) return lane;
        List<Map.Entry<Integer, long[]>> order = new ArrayList<>(groups.entrySet());
        order.sort((a, b) -> a.getValue()[1] != b.getValue()[1] ? Long.compare(b.getValue()[1], a.getValue()[1])
                : Long.compare(b.getValue()[0], a.getValue()[0]));
        long[] load = new long[lanes];
        Map<Integer, Integer> laneOfRoot = new HashMap<>();
        boolean first = true;
        for (Map.Entry<Integer, long[]> g : order) {
            int best = 0;
            if (!(first && g.getValue()[1] == 1)) {
                for (int l = 1; l < lanes; l++) if (load[l] < load[best]) best = l;
            }
            first = false;
            load[best] += g.getValue()[0];
            laneOfRoot.put(g.getKey(), best);
        }
        for (int i = 0; i < n; i++) lane[i] = laneOfRoot.get(find(parent, i));
        return lane;
    }

    /**
     * The writeset keys of one change (see the class comment): its row before and after, or its
     * table; and the tables a foreign key links it to.
     */
    static void keys(RowChange ch, Tables tables, List<Object> out) {
        String table = (ch.schema() + "." + ch.table()).toLowerCase(Locale.ROOT);
        if (anchored(ch) || !exactKey(ch) || tables.otherUniqueIndex(ch)) {
            out.add(table);
        } else {
            if (ch.oldKey() != null) out.add(rowKey(table, ch.oldKey()));
            if (ch.newRow() != null) out.add(rowKey(table, keyOf(ch)));
        }
        out.addAll(tables.linked(ch));
    }

    /**
     * An order of {@code changes} (given in log order) that keeps together as many changes of one
     * statement as it can, so that they travel as one JDBC batch, and keeps every two changes that
     * share a writeset key in log order: it is a topological order of "the previous change of the
     * same key comes first", so each row sees its changes as the primary made them, and changes
     * that were moved past each other touch different rows (or unrelated tables), whose order does
     * not matter inside one replica transaction. Greedy: go on with the current statement while
     * one of its changes is ready, else switch to the statement with the most ready changes.
     *
     * @param statementOf what makes two changes share a batch (the statement text)
     * @return indexes into {@code changes}, each once
     */
    static int[] batchOrder(List<RowChange> changes, Tables tables, java.util.function.Function<RowChange, Object> statementOf) {
        int n = changes.size();
        int[] order = new int[n];
        if (n <= 2) {
            for (int i = 0; i < n; i++) order[i] = i;
            return order;
        }
        int[] waitingFor = new int[n];
        int[][] next = new int[n][];
        int[] nextCount = new int[n];
        Map<Object, Integer> last = new HashMap<>();
        Map<Object, Integer> statementIds = new HashMap<>();
        int[] statement = new int[n];
        List<Object> keys = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            RowChange ch = changes.get(j);
            statement[j] = statementIds.computeIfAbsent(statementOf.apply(ch), k -> statementIds.size());
            keys.clear();
            keys(ch, tables, keys);
            for (Object k : keys) {
                Integer before = last.put(k, j);
                if (before != null && before != j && !contains(next[before], nextCount[before], j)) {
                    if (next[before] == null) next[before] = new int[2];
                    else if (nextCount[before] == next[before].length) next[before] = java.util.Arrays.copyOf(next[before], nextCount[before] * 2);
                    next[before][nextCount[before]++] = j;
                    waitingFor[j]++;
                }
            }
        }
        List<java.util.ArrayDeque<Integer>> ready = new ArrayList<>();
        for (int i = 0; i < statementIds.size(); i++) ready.add(new java.util.ArrayDeque<>());
        for (int j = 0; j < n; j++) if (waitingFor[j] == 0) ready.get(statement[j]).add(j);
        int current = statement[0];
        for (int emitted = 0; emitted < n; emitted++) {
            if (ready.get(current).isEmpty()) {
                int best = -1;
                for (int st = 0; st < ready.size(); st++) {
                    if (!ready.get(st).isEmpty() && (best < 0 || ready.get(st).size() > ready.get(best).size())) best = st;
                }
                current = best;
            }
            int j = ready.get(current).poll();
            order[emitted] = j;
            for (int x = 0; x < nextCount[j]; x++) {
                int d = next[j][x];
                if (--waitingFor[d] == 0) ready.get(statement[d]).add(d);
            }
        }
        return order;
    }

    private static boolean contains(int[] a, int count, int v) {
        for (int i = 0; i < count; i++) if (a[i] == v) return true;
        return false;
    }

    /** Rows keyed by all their columns: a re-applied insert would add a second copy, so they commit with the watermark. */
    static boolean anchored(RowChange ch) {
        return ch.key().length == ch.columns().length;
    }

    /** True when every key column's value compares by its bytes (no collation, no -0.0): see the class comment. */
    static boolean exactKey(RowChange ch) {
        Object[] k = ch.oldKey() != null ? ch.oldKey() : keyOf(ch);
        for (int i = 0; i < ch.key().length; i++) {
            String form = ch.type(ch.key()[i]);
            if (form != null) {
                // MySQL text image forms: integers, bit, decimal, binary, temporal
                if (!"i".equals(form) && !"x".equals(form) && !"n".equals(form) && !"b".equals(form)
                        && !"D".equals(form) && !"T".equals(form) && !"t".equals(form) && !"Z".equals(form)) {
                    return false;
                }
            } else {
                Object v = k[i];
                if (!(v == null || v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                        || v instanceof BigInteger || v instanceof BigDecimal || v instanceof UUID || v instanceof byte[]
                        || v instanceof java.time.LocalDate || v instanceof java.time.LocalDateTime
                        || v instanceof java.time.LocalTime || v instanceof java.sql.Date || v instanceof java.sql.Timestamp)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Object[] keyOf(RowChange ch) {
        Object[] k = new Object[ch.key().length];
        for (int i = 0; i < k.length; i++) k[i] = ch.newRow()[ch.key()[i]];
        return k;
    }

    private static List<Object> rowKey(String table, Object[] key) {
        List<Object> k = new ArrayList<>(key.length + 1);
        k.add(table);
        for (Object v : key) {
            if (v instanceof byte[] b) k.add(ByteBuffer.wrap(b));
            else if (v instanceof BigDecimal d) k.add(d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros());
            else if (v instanceof Number num && !(v instanceof BigInteger)) k.add(num.longValue());
            else k.add(v == null ? "\u0000null" : v instanceof java.util.Date dt ? dt.getTime() : v);
        }
        return k;
    }

    private static void join(int[] parent, Map<Object, Integer> owner, Object key, int entry) {
        Integer other = owner.putIfAbsent(key, entry);
        if (other != null) {
            int a = find(parent, other);
            int b = find(parent, entry);
            if (a != b) parent[Math.max(a, b)] = Math.min(a, b);
        }
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    /** For tests: the lanes as lists of entry indexes. */
    static List<List<Integer>> grouped(int[] lane, int lanes) {
        List<List<Integer>> out = new ArrayList<>();
        for (int l = 0; l < lanes; l++) out.add(new ArrayList<>());
        for (int i = 0; i < lane.length; i++) out.get(lane[i]).add(i);
        out.removeIf(List::isEmpty);
        return out;
    }

}
