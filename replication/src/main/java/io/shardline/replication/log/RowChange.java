package io.shardline.replication.log;

/**
 * The effect of one write on one row of the primary, as captured inside the writer's transaction:
 * the table, the operation, the row's key before the change and its image after it.
 *
 * <p>{@code columns} are the captured columns in table order (generated columns excluded);
 * {@code key} indexes into them (the primary key, or every column when the table has none);
 * {@code oldKey} holds the key's values before an update or delete (null for an insert) and
 * {@code newRow} the full image after an insert or update (null for a delete). {@code types} is
 * null when the values are Java objects as the database handed them to the capture (H2), or names
 * each column's value form when they came from a SQL trigger's text image (MySQL/MariaDB, see
 * {@link LogEntryCodec#mysqlChangeImage}).
 */
public record RowChange(Op op, String schema, String table, String[] columns, String[] types, int[] key,
                        Object[] oldKey, Object[] newRow) {

    /** What happened to the row. */
    public enum Op {
        INSERT('I'), UPDATE('U'), DELETE('D');

        final char code;

        Op(char code) {
            this.code = code;
        }

        static Op of(int code) {
            return switch (code) {
                case 'I' -> INSERT;
                case 'U' -> UPDATE;
                case 'D' -> DELETE;
                default -> throw new IllegalArgumentException("unknown row change operation " + code);
            };
        }
    }

    /** The value form of column {@code i} in a text image, or null for a Java object. */
    public String type(int i) {
        return types == null ? null : types[i];
    }

    /** A short description for errors: the operation, the table and the key. */
    public String describe() {
        StringBuilder sb = new StringBuilder().append(op).append(' ').append(schema).append('.').append(table);
        Object[] k = oldKey != null ? oldKey : new Object[key.length];
        if (oldKey == null) for (int i = 0; i < key.length; i++) k[i] = newRow[key[i]];
        sb.append(" key (");
        for (int i = 0; i < key.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(columns[key[i]]).append('=').append(k[i] instanceof byte[] b ? b.length + " bytes" : String.valueOf(k[i]));
        }
        return sb.append(')').toString();
    }
}
