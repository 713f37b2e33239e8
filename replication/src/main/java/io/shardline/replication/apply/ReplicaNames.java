package io.shardline.replication.apply;

import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;

/**
 * How a replica of another engine names the primary's tables and columns: by the same name, else
 * by the only one that has that name in another case (each engine folds unquoted names its own
 * way: H2 to upper case, PostgreSQL to lower case, MySQL not at all). The applier
 * ({@link ReplicaTables}) and verify/resync find tables and columns with this one rule.
 */
public final class ReplicaNames {

    private ReplicaNames() {
    }

    /**
     * The item of {@code items} named {@code name}, else the only one named so without regard to
     * case, else null.
     *
     * @param what "table" or "column", for the message
     * @param where where the items are ("the replica"), for the message
     * @throws SQLException if two items match {@code name} only without regard to case
     */
    public static <T> T match(List<T> items, Function<T, String> nameOf, String name, String what, String where)
            throws SQLException {
        for (T t : items) if (nameOf.apply(t).equals(name)) return t;
        T found = null;
        for (T t : items) {
            if (!nameOf.apply(t).equalsIgnoreCase(name)) continue;
            if (found != null) {
                throw new SQLException(where + " has " + what + "s " + nameOf.apply(found) + " and " + nameOf.apply(t)
                        + ", which differ only in case, for the primary's " + what + " " + name, "42S02");
            }
            found = t;
        }
        return found;
    }
}
