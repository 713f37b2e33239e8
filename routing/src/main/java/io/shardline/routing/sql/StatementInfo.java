package io.shardline.routing.sql;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.Values;

/**
 * The immutable result of analysing one SQL text with {@link StatementAnalyzer}: how it must be
 * routed, which tables it touches and what the replication log needs to know about it.
 *
 * <p>Instances are shared between threads (the analyzer caches them per SQL text); every accessor
 * is cheap and allocation-free, and the derived rewrites ({@link #keyInsertion(String)},
 * {@link #withSchemaReplaced(String, String)}) are computed once and cached.
 */
public final class StatementInfo {

    /** How a statement must be routed. */
    public enum Kind {
        /** A query provably without side effects that a replica may answer. */
        READ,
        /** A query that changes no data but must run on the primary. */
        PRIMARY_READ,
        /** A data-changing statement (INSERT, UPDATE, DELETE, MERGE, CALL, unknown, ...). */
        WRITE,
        /** A schema change (CREATE, ALTER, DROP, TRUNCATE, RENAME, COMMENT ON, GRANT, REVOKE). */
        DDL,
        /** A session setting (SET ..., USE db). */
        SESSION,
        /** A transaction control statement (COMMIT, ROLLBACK, BEGIN, SAVEPOINT, ...). */
        TRANSACTION
    }

    /**
     * What a {@link Kind#TRANSACTION} statement does to the current transaction. A rollback to a
     * savepoint does not end the transaction and is therefore {@link #OTHER}.
     */
    public enum TransactionVerb {
        /** Commits the transaction ({@code COMMIT}, {@code COMMIT WORK}, PostgreSQL {@code END}). */
        COMMIT,
        /** Rolls the whole transaction back ({@code ROLLBACK}, PostgreSQL {@code ABORT}). */
        ROLLBACK,
        /** Anything else: BEGIN, START TRANSACTION, SAVEPOINT, RELEASE, ROLLBACK TO SAVEPOINT. */
        OTHER
    }

    /**
     * A plain INSERT rewritten so that a key column is written explicitly.
     *
     * @param sql                   the INSERT with the key column added as the first column and a
     *                              {@code ?} added as the first value of every VALUES row
     * @param keyParameterPositions the 1-based positions of those added {@code ?} parameters in the
     *                              rewritten statement, one per row, in row order
     */
    public record KeyInsertion(String sql, int[] keyParameterPositions) {
        /** Copies the positions so that the record stays immutable. */
        public KeyInsertion {
            keyParameterPositions = keyParameterPositions.clone();
        }

        /** @return a copy of the 1-based positions of the added key parameters */
        @Override
        public int[] keyParameterPositions() {
            return keyParameterPositions.clone();
        }

        /** @return the number of rows (and thus of added key parameters) */
        public int rowCount() {
            return keyParameterPositions.length;
        }

        /**
         * @param row 0-based row index
         * @return the 1-based parameter position of that row's key
         */
        public int keyParameterPosition(int row) {
            return keyParameterPositions[row];
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof KeyInsertion k && k.sql.equals(sql)
                    && Arrays.equals(k.keyParameterPositions, keyParameterPositions);
        }

        @Override
        public int hashCode() {
            return sql.hashCode() * 31 + Arrays.hashCode(keyParameterPositions);
        }

        @Override
        public String toString() {
            return "KeyInsertion[sql=" + sql + ", keyParameterPositions=" + Arrays.toString(keyParameterPositions) + "]";
        }
    }

    /**
     * A plain INSERT rewritten with extra columns appended to its column list and a {@code ?} for
     * each of them appended to every VALUES row. See {@link StatementInfo#withColumns(List)}.
     */
    public static final class ColumnInsertion {
        private final String sql;
        private final List<String> columns;
        private final int[][] positions;

        ColumnInsertion(String sql, List<String> columns, int[][] positions) {
            this.sql = sql;
            this.columns = List.copyOf(columns);
            this.positions = positions;
        }

        /** @return the rewritten INSERT */
        public String sql() {
            return sql;
        }

        /** @return the added columns, as given */
        public List<String> columns() {
            return columns;
        }

        /** @return the number of VALUES rows */
        public int rowCount() {
            return positions.length;
        }

        /**
         * @param row    0-based VALUES row
         * @param column 0-based index into {@link #columns()}
         * @return the 1-based parameter position of that row's value for that column in the rewritten
         *         statement; positions increase in row-major order
         */
        public int parameterPosition(int row, int column) {
            return positions[row][column];
        }

        @Override
        public String toString() {
            return "ColumnInsertion[sql=" + sql + ", positions=" + Arrays.deepToString(positions) + "]";
        }
    }

    private final String sql;
    private final Kind kind;
    private final TransactionVerb transactionVerb;
    private final boolean forcePrimary;
    private final String unknownFunction;
    private final boolean commitsImplicitly;
    private final Set<String> reshapedTables;
    private final boolean parsed;
    private final int parameterCount;
    private final Set<String> tables;
    private final String writtenTable;
    private final Set<String> schemaQualifiers;
    private final String notPlainReason;
    private final boolean insert;
    private final String insertTable;
    private final List<String> insertColumns;
    private final int insertRows;
    private final boolean insertIsPlain;
    private final java.util.Map<String, Integer> insertDefaultedRows;
    private final boolean backslashEscapes;

    private final ConcurrentHashMap<String, KeyInsertion> keyInsertions = new ConcurrentHashMap<>(2);
    private final ConcurrentHashMap<String, String> schemaRewrites = new ConcurrentHashMap<>(2);
    private final ConcurrentHashMap<List<String>, ColumnInsertion> columnInsertions = new ConcurrentHashMap<>(2);

    StatementInfo(Builder b) {
        this.sql = b.sql;
        this.kind = b.kind;
        this.transactionVerb = b.kind == Kind.TRANSACTION ? (b.transactionVerb == null ? TransactionVerb.OTHER : b.transactionVerb) : null;
        this.forcePrimary = b.forcePrimary;
        this.unknownFunction = b.unknownFunction;
        this.commitsImplicitly = b.commitsImplicitly;
        this.reshapedTables = Set.copyOf(b.reshapedTables);
        this.parsed = b.parsed;
        this.parameterCount = b.parameterCount;
        this.tables = Collections.unmodifiableSet(new LinkedHashSet<>(b.tables));
        this.writtenTable = b.writtenTable;
        this.schemaQualifiers = Collections.unmodifiableSet(new LinkedHashSet<>(b.schemaQualifiers));
        this.notPlainReason = b.kind == Kind.WRITE ? b.notPlainReason : null;
        this.insert = b.insert;
        this.insertTable = b.insertTable;
        this.insertColumns = List.copyOf(b.insertColumns);
        this.insertRows = b.insertRows;
        this.insertIsPlain = b.insertIsPlain;
        this.insertDefaultedRows = java.util.Map.copyOf(b.insertDefaultedRows);
        this.backslashEscapes = b.backslashEscapes;
    }

    /** Mutable collector used by the analyzer; package-private. */
    static final class Builder {
        String sql;
        Kind kind = Kind.WRITE;
        TransactionVerb transactionVerb;
        boolean forcePrimary;
        String unknownFunction;
        boolean commitsImplicitly;
        Set<String> reshapedTables = Set.of();
        boolean parsed;
        int parameterCount;
        Set<String> tables = new LinkedHashSet<>();
        String writtenTable;
        Set<String> schemaQualifiers = new LinkedHashSet<>();
        String notPlainReason;
        boolean insert;
        String insertTable;
        List<String> insertColumns = new ArrayList<>();
        int insertRows = -1;
        boolean insertIsPlain;
        java.util.Map<String, Integer> insertDefaultedRows = new java.util.HashMap<>();
        boolean backslashEscapes;

        StatementInfo build() {
            return new StatementInfo(this);
        }
    }

    /** @return how the statement must be routed */
    public Kind kind() {
        return kind;
    }

    /** @return for {@link Kind#TRANSACTION} what it does to the transaction; {@code null} otherwise */
    public TransactionVerb transactionVerb() {
        return transactionVerb;
    }

    /**
     * @return for a {@link Kind#PRIMARY_READ} or a {@link Kind#SESSION} statement, whether it calls a
     *         function Shardline does not know to be free of side effects (a user-defined function
     *         may write): it runs on the primary only, as a write does, so that what it changed is
     *         captured and committed in order — never on a replica
     */
    public boolean callsUnknownFunction() {
        return unknownFunction != null;
    }

    /** @return the first function {@link #callsUnknownFunction()} found, as written, or null */
    public String unknownFunction() {
        return unknownFunction;
    }

    /**
     * @return for a {@link Kind#WRITE}, whether the engine commits the open transaction when it runs
     *         the statement ({@code ANALYZE}, {@code LOCK TABLES}, ...; DDL is a kind of its own):
     *         Shardline seals and commits what the transaction wrote first, so the database's
     *         commit never takes captured changes without their commit record
     */
    public boolean commitsImplicitly() {
        return commitsImplicitly;
    }

    /**
     * For DDL that creates, alters or renames tables ({@code CREATE TABLE}, {@code ALTER TABLE},
     * {@code RENAME TABLE}): the lower-cased unqualified names of those tables (old and new names of
     * a rename), whose change capture must be (re)installed before they are written again;
     * {@link #ALL_TABLES} alone when the names could not be read. Empty for other statements.
     */
    public Set<String> reshapedTables() {
        return reshapedTables;
    }

    /** The element of {@link #reshapedTables()} that stands for every table. */
    public static final String ALL_TABLES = "*";

    /** @return whether the text carries the {@code /* shardline:primary *}{@code /} hint */
    public boolean forcePrimary() {
        return forcePrimary;
    }

    /** @return whether JSqlParser parsed the text (otherwise a keyword fallback classified it) */
    public boolean parsed() {
        return parsed;
    }

    /**
     * SQL text as messages quote it: whitespace runs made one space, at most 200 characters (cut
     * with {@code ...}), so an error names the statement without quoting a whole script.
     */
    public static String abbreviate(String sql) {
        String s = sql.strip().replaceAll("\\s+", " ");
        return s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }

    /** @return the original SQL text, unchanged */
    public String sql() {
        return sql;
    }

    /** @return the number of JDBC {@code ?} parameters (outside literals and comments) */
    public int parameterCount() {
        return parameterCount;
    }

    /** @return lower-cased unqualified names of every table referenced (read or written) */
    public Set<String> tables() {
        return tables;
    }

    /** @return lower-cased unqualified name of the table an INSERT/UPDATE/DELETE/MERGE/REPLACE writes, else {@code null} */
    public String writtenTable() {
        return writtenTable;
    }

    /** @return lower-cased schema/catalog qualifiers used on table names; empty when none */
    public Set<String> schemaQualifiers() {
        return schemaQualifiers;
    }

    /**
     * @return {@code null} for a plain single-table write; otherwise the construct that makes it
     *         more (for example {@code "INSERT ... SELECT"}, {@code "UPDATE with a subquery"},
     *         {@code "DELETE ... JOIN"}, {@code "MERGE"}): an INSERT whose rows can be matched to
     *         generated keys is a plain one ({@link #insertIsPlain()})
     */
    public String notPlainReason() {
        return notPlainReason;
    }

    /** @return whether this is an INSERT statement */
    public boolean isInsert() {
        return insert;
    }

    /** @return the INSERT's target table as written (possibly qualified) without quotes; {@code null} if not an INSERT */
    public String insertTable() {
        return insertTable;
    }

    /** @return the INSERT's column list, lower-cased and unquoted; empty when it has none */
    public List<String> insertColumns() {
        return insertColumns;
    }

    /** @return the number of VALUES rows of an INSERT; -1 for INSERT ... SELECT or when not an INSERT */
    public int insertRows() {
        return insertRows;
    }

    /**
     * @return whether this is a plain {@code INSERT INTO t [(cols)] VALUES (...)[, (...)]} with no
     *         ON DUPLICATE KEY UPDATE, IGNORE, ON CONFLICT, RETURNING, SELECT or subquery
     */
    public boolean insertIsPlain() {
        return insertIsPlain;
    }

    /**
     * @param column a column of the INSERT's column list (unquoted, any case)
     * @return how many VALUES rows give that column {@code DEFAULT} or {@code NULL}, leaving its
     *         value to the database (e.g. Hibernate's {@code values (?, default)} for identity
     *         keys on H2); 0 when the column is not listed or always given a value
     */
    public int insertDefaultedRows(String column) {
        return insertDefaultedRows.getOrDefault(StatementAnalyzer.unquote(column).toLowerCase(Locale.ROOT), 0);
    }

    /**
     * Rewrites a plain INSERT so that {@code column} is written explicitly: the column is added as
     * the first column and a {@code ?} as the first value of every row. The result is computed once
     * per column name and cached. The column name is emitted exactly as given (quote it yourself
     * if it needs quoting). If the INSERT already lists {@code column} with {@code DEFAULT} or
     * {@code NULL} in every row, those values are replaced by {@code ?} in place instead.
     *
     * @param column the key column to add
     * @return the rewritten statement and the positions of the added parameters
     * @throws IllegalStateException if this is not a plain INSERT with a column list, or it
     *                               already lists {@code column}
     */
    public KeyInsertion keyInsertion(String column) {
        KeyInsertion k = keyInsertions.get(column);
        if (k != null) return k;
        return keyInsertions.computeIfAbsent(column, this::computeKeyInsertion);
    }

    private KeyInsertion computeKeyInsertion(String column) {
        if (!insertIsPlain) {
            throw new IllegalStateException("not a plain INSERT ... VALUES statement: " + sql);
        }
        if (insertColumns.isEmpty()) {
            throw new IllegalStateException("INSERT without a column list cannot be given a key column: " + sql);
        }
        int listed = insertColumns.indexOf(StatementAnalyzer.unquote(column).toLowerCase(Locale.ROOT));
        if (listed >= 0 && insertDefaultedRows(column) != insertRows) {
            throw new IllegalStateException("INSERT already lists column " + column + ": " + sql);
        }
        Statement st;
        try {
            st = CCJSqlParserUtil.parse(sql);
        } catch (JSQLParserException e) {
            throw new IllegalStateException("cannot re-parse INSERT: " + sql, e);
        }
        Insert ins = (Insert) st;
        if (listed < 0) ins.getColumns().add(0, new Column(column));
        Values values = ins.getValues();
        ExpressionList<?> rows = values.getExpressions();
        List<ExpressionList<Expression>> rowLists = StatementAnalyzer.valueRows(rows);
        if (rowLists == null) {
            throw new IllegalStateException("unsupported VALUES shape: " + sql);
        }
        int[] positions = new int[rowLists.size()];
        int next = 1;
        for (int r = 0; r < rowLists.size(); r++) {
            ExpressionList<Expression> row = rowLists.get(r);
            int existing = SqlLexer.lex(row.toString(), backslashEscapes).parameterCount();
            if (listed >= 0) {
                // DEFAULT / NULL in the listed column's place becomes the key parameter
                int before = 0;
                for (int c = 0; c < listed; c++) before += SqlLexer.lex(row.get(c).toString(), backslashEscapes).parameterCount();
                positions[r] = next + before;
                row.set(listed, new JdbcParameter());
            } else {
                positions[r] = next;
                row.add(0, new JdbcParameter());
            }
            next += 1 + existing;
        }
        return new KeyInsertion(ins.toString(), positions);
    }

    /**
     * Rewrites an INSERT ... VALUES so that {@code columns} are written explicitly: they are
     * appended to the column list and a {@code ?} is appended to every VALUES row for each of them.
     * Cached per column list. Column names are emitted exactly as given (quote them yourself).
     *
     * @param columns the columns to add, none of them already listed
     * @return the rewritten statement and the positions of the added parameters
     * @throws IllegalStateException if this is not an INSERT ... VALUES with a column list, or it
     *                               already lists one of the columns
     */
    public ColumnInsertion withColumns(List<String> columns) {
        ColumnInsertion c = columnInsertions.get(columns);
        if (c != null) return c;
        List<String> key = List.copyOf(columns);
        return columnInsertions.computeIfAbsent(key, this::computeColumnInsertion);
    }

    private ColumnInsertion computeColumnInsertion(List<String> columns) {
        if (!insert || insertRows < 1 || notPlainReason != null || !parsed) {
            throw new IllegalStateException("not an INSERT ... VALUES statement: " + sql);
        }
        if (insertColumns.isEmpty()) {
            throw new IllegalStateException("INSERT without a column list cannot be given more columns: " + sql);
        }
        if (columns.isEmpty()) throw new IllegalStateException("no columns to add");
        for (String col : columns) {
            if (insertColumns.contains(StatementAnalyzer.unquote(col).toLowerCase(Locale.ROOT))) {
                throw new IllegalStateException("INSERT already lists column " + col + ": " + sql);
            }
        }
        Statement st;
        try {
            st = CCJSqlParserUtil.parse(sql);
        } catch (JSQLParserException e) {
            throw new IllegalStateException("cannot re-parse INSERT: " + sql, e);
        }
        Insert ins = (Insert) st;
        for (String col : columns) ins.getColumns().add(new Column(col));
        List<ExpressionList<Expression>> rowLists = StatementAnalyzer.valueRows(ins.getValues().getExpressions());
        if (rowLists == null) throw new IllegalStateException("unsupported VALUES shape: " + sql);
        int[][] positions = new int[rowLists.size()][columns.size()];
        int next = 1;
        for (int r = 0; r < rowLists.size(); r++) {
            ExpressionList<Expression> row = rowLists.get(r);
            next += SqlLexer.lex(row.toString(), backslashEscapes).parameterCount();
            for (int c = 0; c < columns.size(); c++) {
                positions[r][c] = next++;
                row.add(new JdbcParameter());
            }
        }
        return new ColumnInsertion(ins.toString(), columns, positions);
    }

    /**
     * Returns the SQL with every table qualifier equal (case-insensitively) to {@code from}
     * replaced by {@code to}, keeping the quoting style the original used for it. Cached per
     * ({@code from}, {@code to}).
     *
     * @param from the schema/catalog qualifier to replace
     * @param to   its replacement (unquoted; it is quoted like the original occurrence)
     * @return the rewritten SQL, or {@link #sql()} itself when nothing matched
     */
    public String withSchemaReplaced(String from, String to) {
        String key = from + '\u0000' + to;
        String r = schemaRewrites.get(key);
        if (r != null) return r;
        return schemaRewrites.computeIfAbsent(key, k -> StatementAnalyzer.replaceQualifier(sql, from, to, backslashEscapes));
    }

    @Override
    public String toString() {
        return "StatementInfo[kind=" + kind + (transactionVerb != null ? "/" + transactionVerb : "")
                + ", parsed=" + parsed + ", forcePrimary=" + forcePrimary + ", params=" + parameterCount
                + ", tables=" + tables + (writtenTable != null ? ", written=" + writtenTable : "")
                + (notPlainReason != null ? ", nonReplayable=" + notPlainReason : "")
                + ", sql=" + sql + "]";
    }
}
