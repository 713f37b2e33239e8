package io.shardline.replication.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.replication.log.RowChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which entries may be applied apart: exactly those that touch no common row. */
class WritesetsTest {

    private static final String[] COLS = {"id", "v"};
    private static final int[] PK = {0};

    /** No unique index besides the key, no foreign keys, except where a test says so. */
    private static Writesets.Tables tables(Set<String> otherUnique, Map<String, List<String>> links) {
        return new Writesets.Tables() {
            @Override
            public boolean otherUniqueIndex(RowChange change) {
                return otherUnique.contains(change.table());
            }

            @Override
            public List<String> linked(RowChange change) {
                return links.getOrDefault(change.table(), List.of());
            }
        };
    }

    private static final Writesets.Tables PLAIN = tables(Set.of(), Map.of());

    private static RowChange insert(String table, Object id) {
        return new RowChange(RowChange.Op.INSERT, "app", table, COLS, null, PK, null, new Object[] {id, 1});
    }

    private static RowChange update(String table, Object from, Object to) {
        return new RowChange(RowChange.Op.UPDATE, "app", table, COLS, null, PK, new Object[] {from}, new Object[] {to, 2});
    }

    private static RowChange delete(String table, Object id) {
        return new RowChange(RowChange.Op.DELETE, "app", table, COLS, null, PK, new Object[] {id}, null);
    }

    private static List<List<Integer>> lanes(Writesets.Tables tables, int lanes, RowChange[]... entries) {
        return Writesets.grouped(Writesets.lanes(List.of(entries), lanes, tables), lanes);
    }

    private static RowChange[] entry(RowChange... changes) {
        return changes;
    }

    @Test
    void entriesOnDisjointRowsSpreadOverTheLanesAndOnACommonRowStayTogetherInLogOrder() {
        List<List<Integer>> lanes = lanes(PLAIN, 4,
                entry(insert("t", 1)), entry(insert("t", 2)), entry(update("t", 1, 1)), entry(insert("t", 3)),
                entry(delete("t", 2)), entry(insert("u", 1)));
        assertThat(lanes).hasSize(4);
        assertThat(lanes).contains(List.of(0, 2), List.of(1, 4));
        // every entry exactly once
        List<Integer> all = new ArrayList<>();
        lanes.forEach(all::addAll);
        assertThat(all).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
    }

    @Test
    void aKeyChangeJoinsTheEntriesOfBothKeys() {
        // 1 -> 2 links the entries on 1 with those on 2; 3 stays apart
        List<List<Integer>> lanes = lanes(PLAIN, 4,
                entry(insert("t", 1)), entry(insert("t", 3)), entry(update("t", 1, 2)), entry(delete("t", 2)));
        assertThat(lanes).containsExactlyInAnyOrder(List.of(0, 2, 3), List.of(1));
    }

    @Test
    void oneEntryTouchingTwoRowsJoinsTheirOtherEntries() {
        List<List<Integer>> lanes = lanes(PLAIN, 4,
                entry(insert("t", 1)), entry(insert("t", 2)), entry(update("t", 1, 1), update("t", 2, 2)), entry(insert("t", 9)));
        assertThat(lanes).containsExactlyInAnyOrder(List.of(0, 1, 2), List.of(3));
    }

    @Test
    void equalValuesOfDifferentJavaTypesAndScalesAreTheSameRow() {
        List<List<Integer>> lanes = lanes(PLAIN, 4,
                entry(insert("t", 7)), entry(delete("t", 7L)),
                entry(insert("t", new java.math.BigDecimal("5.0"))), entry(delete("t", new java.math.BigDecimal("5.00"))),
                entry(insert("t", new byte[] {1, 2})), entry(delete("t", new byte[] {1, 2})));
        assertThat(lanes).containsExactlyInAnyOrder(List.of(0, 1), List.of(2, 3), List.of(4, 5));
    }

    @Test
    void textKeysPutTheWholeTableInOneLane() {
        // 'a' and 'A' are one row under a case-insensitive collation
        List<List<Integer>> lanes = lanes(PLAIN, 4,
                entry(insert("t", "a")), entry(insert("t", "A")), entry(insert("u", 1)), entry(insert("t", "b ")));
        assertThat(lanes).containsExactlyInAnyOrder(List.of(0, 1, 3), List.of(2));
    }

    @Test
    void mysqlTextFormsOfNumbersAreRowKeysButStringFormsAreNot() {
        String[] forms = {"i", "s"};
        RowChange a = new RowChange(RowChange.Op.INSERT, "app", "n", COLS, forms, PK, null, new Object[] {"1", "x"});
        RowChange b = new RowChange(RowChange.Op.INSERT, "app", "n", COLS, forms, PK, null, new Object[] {"2", "x"});
        String[] textKey = {"s", "i"};
        RowChange c = new RowChange(RowChange.Op.INSERT, "app", "s", COLS, textKey, PK, null, new Object[] {"x", "1"});
        RowChange d = new RowChange(RowChange.Op.INSERT, "app", "s", COLS, textKey, PK, null, new Object[] {"y", "1"});
        assertThat(lanes(PLAIN, 4, entry(a), entry(b), entry(c), entry(d)))
                .containsExactlyInAnyOrder(List.of(0), List.of(1), List.of(2, 3));
    }

    @Test
    void aSecondUniqueIndexPutsTheWholeTableInOneLane() {
        // delete of id 1 (email e) and insert of id 2 (email e) must not run apart
        List<List<Integer>> lanes = lanes(tables(Set.of("t"), Map.of()), 4,
                entry(delete("t", 1)), entry(insert("t", 2)), entry(insert("u", 1)));
        assertThat(lanes).containsExactlyInAnyOrder(List.of(0, 1), List.of(2));
    }

    @Test
    void tablesLinkedByAForeignKeyShareALane() {
        Map<String, List<String>> links = Map.of("parent", List.of("fk:parent", "fk:child"), "child", List.of("fk:child", "fk:parent"));
        List<List<Integer>> lanes = lanes(tables(Set.of(), links), 4,
                entry(insert("parent", 1)), entry(insert("child", 10)), entry(insert("other", 1)), entry(delete("parent", 5)));
        assertThat(lanes).containsExactlyInAnyOrder(List.of(0, 1, 3), List.of(2));
    }

    @Test
    void rowsOfATableWithoutPrimaryKeyAreInLaneZero() {
        String[] cols = {"a", "b"};
        RowChange noPk = new RowChange(RowChange.Op.INSERT, "app", "log", cols, null, new int[] {0, 1}, null, new Object[] {1, 2});
        int[] lane = Writesets.lanes(List.of(entry(insert("t", 1)), entry(insert("t", 2)), entry(insert("t", 3)), entry(noPk)), 4, PLAIN);
        assertThat(lane[3]).isZero();
        assertThat(Writesets.grouped(lane, 4)).hasSize(4);
    }

    @Test
    void oneGroupOrOneLaneMeansNoSplit() {
        assertThat(Writesets.lanes(List.of(entry(insert("t", 1)), entry(delete("t", 1))), 4, PLAIN)).containsExactly(0, 0);
        assertThat(Writesets.lanes(List.of(entry(insert("t", 1)), entry(insert("t", 2))), 1, PLAIN)).containsExactly(0, 0);
    }

    @Test
    void groupsAreDealtToTheLeastLoadedLane() {
        // eight single-row groups over two lanes: four each
        List<RowChange[]> entries = new ArrayList<>();
        for (int i = 0; i < 8; i++) entries.add(entry(insert("t", i)));
        List<List<Integer>> lanes = Writesets.grouped(Writesets.lanes(entries, 2, PLAIN), 2);
        assertThat(lanes).hasSize(2);
        assertThat(lanes.get(0)).hasSize(4);
        assertThat(lanes.get(1)).hasSize(4);
    }

    /** The statement of a change as the applier batches them: operation and table. */
    private static Object statement(RowChange ch) {
        return ch.op() + " " + ch.table();
    }

    private static List<Integer> batchOrder(Writesets.Tables tables, RowChange... changes) {
        List<Integer> out = new ArrayList<>();
        for (int i : Writesets.batchOrder(List.of(changes), tables, WritesetsTest::statement)) out.add(i);
        return out;
    }

    @Test
    void changesOfOneStatementOnUnrelatedRowsAreBroughtTogether() {
        // transactions of "insert an event, update an account", as a round of them arrives
        assertThat(batchOrder(PLAIN, insert("ev", 1), update("acct", 7, 7), insert("ev", 2), update("acct", 8, 8),
                insert("ev", 3), update("acct", 9, 9))).containsExactly(0, 2, 4, 1, 3, 5);
    }

    @Test
    void changesOfOneRowKeepTheirLogOrder() {
        // acct 7 is updated twice (#1, #3) and ev 1 inserted, deleted, inserted again (#0, #4, #5): those keep
        // their order; ev 2 (#2) is another row and may move
        List<Integer> order = batchOrder(PLAIN, insert("ev", 1), update("acct", 7, 7), insert("ev", 2),
                update("acct", 7, 7), delete("ev", 1), insert("ev", 1));
        assertThat(order).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
        assertThat(order.indexOf(1)).isLessThan(order.indexOf(3));
        assertThat(order.indexOf(0)).isLessThan(order.indexOf(4));
        assertThat(order.indexOf(4)).isLessThan(order.indexOf(5));
    }

    @Test
    void aKeyChangeOrdersTheChangesOfBothKeys() {
        // 1 -> 2, then an insert of a new 1: the insert must follow the update that freed key 1
        List<Integer> order = batchOrder(PLAIN, insert("t", 5), update("t", 1, 2), insert("t", 6), insert("t", 1));
        assertThat(order.indexOf(1)).isLessThan(order.indexOf(3));
    }

    @Test
    void tablesWithoutRowKeysAndLinkedTablesKeepTheirOrder() {
        Map<String, List<String>> links = Map.of("parent", List.of("fk:parent", "fk:child"), "child", List.of("fk:child", "fk:parent"));
        List<Integer> order = batchOrder(tables(Set.of(), links), insert("parent", 1), insert("child", 10), insert("parent", 2),
                insert("child", 11), insert("t", "a"), insert("other", 1), insert("t", "b"));
        assertThat(order.indexOf(0)).isLessThan(order.indexOf(1));
        assertThat(order.indexOf(1)).isLessThan(order.indexOf(2));
        assertThat(order.indexOf(2)).isLessThan(order.indexOf(3));
        assertThat(order.indexOf(4)).isLessThan(order.indexOf(6));
    }
}
