package io.shardline.driver;

import io.shardline.replication.log.LoggedStatement;

/**
 * Parameter arrays of statements the driver extends before it executes them (the key generator
 * fills a shard key column the INSERT left out).
 *
 * <p>Replication needs none of this any more: the primary's capture records the rows it stored,
 * so non-deterministic values ({@code NOW()}, {@code RAND()}, defaults) reach the replicas as the
 * primary's values without a rewrite.
 */
final class Determinism {

    private Determinism() {
    }

    /** A statement's parameter values and their JDBC types ({@code LoggedStatement.NO_TYPE} where unknown), by position. */
    record Bound(Object[] values, int[] types) {
    }

    /**
     * Inserts {@code added} at the 1-based, increasing {@code positions} of the result, the base
     * parameters filling the other places in order.
     */
    static Bound merge(Object[] base, int[] baseTypes, int[] positions, Object[] added) {
        int total = base.length + positions.length;
        Object[] p = new Object[total];
        int[] t = new int[total];
        int k = 0;
        int src = 0;
        for (int i = 0; i < total; i++) {
            if (k < positions.length && positions[k] == i + 1) {
                p[i] = added[k++];
                t[i] = LoggedStatement.NO_TYPE;
            } else {
                p[i] = base[src];
                t[i] = baseTypes[src];
                src++;
            }
        }
        return new Bound(p, t);
    }
}
