package io.shardline.routing.sql;

import java.math.BigDecimal;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import io.shardline.routing.sql.SqlLexer.Token;
import io.shardline.routing.sql.SqlLexer.Type;

/**
 * Translates a DDL statement executed on a primary of one engine into the statements that give a replica of
 * another engine the same tables: the replica applier replays the primary's DDL with it before the row images
 * that follow.
 *
 * <p>What a replica needs follows from what it is fed: every value of every row comes from the primary's row
 * images. So it needs the same tables and columns, with types that hold every value of the primary's type
 * exactly, and the same keys (rows are updated and deleted by key). It does not need what only the primary
 * acts on: CHECK and FOREIGN KEY constraints (the primary enforced them; on the replica they could only reject
 * rows the primary accepted, and the row images of several tables need not arrive in an order that satisfies a
 * foreign key) and defaults other than constants and the current date/time (a replica never generates a value).
 * Anything whose effect the replica cannot reproduce exactly is refused with a
 * {@link SQLFeatureNotSupportedException} (SQLState 0A000) that names the construct, so the operator applies it
 * by hand instead of the replica drifting silently.
 *
 * <p>Names: every identifier is emitted quoted (no reserved-word list is needed), a name quoted in the source
 * with its text, an unquoted one as the replica's engine would store it unquoted: H2 upper case, PostgreSQL lower
 * case, MySQL lower case (H2 and PostgreSQL treat {@code Item} and {@code ITEM} as one name, which a MySQL server
 * with case-sensitive table names would not). A MySQL source's backticks count as unquoted: MySQL stores a name as written either way,
 * and {@code `Item`} and {@code Item} are one table there. So a PostgreSQL replica of an H2 primary has the table {@code item}, not
 * {@code "ITEM"}, and is queried as any PostgreSQL database; the applier finds a table and column by its name,
 * else by its name in another case (the row images carry the primary's stored names).
 * For a MySQL source only backticks quote names: with MySQL's default sql_mode "..." is a string.
 *
 * <p>Notable mappings (the full table is in {@link #translate}):
 * <ul>
 *   <li>PostgreSQL's {@code TIMESTAMPTZ} becomes {@code DATETIME(p)} on MySQL, holding the instant as UTC
 *       wall-clock time: MySQL's {@code TIMESTAMP} ends in 2038.</li>
 *   <li>Every character column of a MySQL replica fed by PostgreSQL or H2 gets
 *       {@code CHARACTER SET utf8mb4 COLLATE utf8mb4_bin}: those engines compare text byte-wise, MySQL's default
 *       collations ignore case, so the primary's keys 'a' and 'A' would collide on the replica. (utf8mb4_bin
 *       still ignores trailing spaces; MySQL and MariaDB share no binary collation that does not.)</li>
 *   <li>PostgreSQL's unbounded {@code NUMERIC} becomes {@code DECFLOAT} on H2, whose own unbounded
 *       {@code NUMERIC} has scale 0 and would round every fraction away.</li>
 *   <li>Identities are always {@code BY DEFAULT} on the replica, which receives the primary's values explicitly.
 *       A MySQL replica keeps one, on a key, as AUTO_INCREMENT (MySQL allows no other); further identities are
 *       plain columns there.</li>
 * </ul>
 *
 * <p>Output shape: one ALTER TABLE per operation (H2 takes a single operation per ALTER TABLE, PostgreSQL cannot
 * combine RENAME with other operations). For a MySQL replica the syntax is MariaDB's where MySQL has none
 * ({@code UUID}, {@code DROP CONSTRAINT IF EXISTS}, {@code IF [NOT] EXISTS} on columns and indexes). Index and
 * constraint names are kept; PostgreSQL and H2 scope them per schema where MySQL scopes them per table, so two
 * MySQL tables with an index of the same name need the operator on a PostgreSQL or H2 replica.
 *
 * <p>Parsing is a token walk over {@link SqlLexer} rather than JSqlParser: JSqlParser 5.3 rejects parts of this
 * subset (identity options, MySQL's unnamed {@code KEY (c)} and {@code UNIQUE INDEX} in CREATE TABLE,
 * {@code SET DATA TYPE}, {@code DROP FOREIGN KEY}, {@code INTEGER ARRAY}) and keeps column types and options as
 * unparsed word lists, which would need this walk anyway.
 *
 * <p>Thread-safe: each call works on its own instance.
 */
public final class DdlTranslation {

    /** The engines Shardline runs on. */
    public enum Engine {
        /** H2 2.x in its regular mode. */
        H2,
        /** MySQL and MariaDB. */
        MYSQL,
        /** PostgreSQL. */
        POSTGRESQL
    }

    private static final String SUBSET = "(Shardline translates CREATE/ALTER/DROP TABLE, CREATE/DROP INDEX, "
            + "TRUNCATE, CREATE SCHEMA; sequences and comments are skipped)";

    private static final String MYSQL_BINARY_TEXT = " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";

    private static final Pattern NUMBER = Pattern.compile("[-+]?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?");

    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");

    /** Words that end a DEFAULT or ON UPDATE expression in a column definition (the next column option). */
    private static final Set<String> COLUMN_OPTIONS = Set.of("NOT", "NULL", "CONSTRAINT", "PRIMARY", "KEY", "UNIQUE",
            "CHECK", "REFERENCES", "COMMENT", "COLLATE", "ON", "AUTO_INCREMENT", "IDENTITY", "GENERATED", "VISIBLE",
            "INVISIBLE", "FIRST", "AFTER", "COLUMN_FORMAT", "STORAGE", "SELECTIVITY", "DEFAULT");

    /** Words after CREATE TABLE's column list that change what it creates or fill it; the rest there is storage. */
    private static final Set<String> TABLE_CLAUSES_REFUSED =
            Set.of("AS", "SELECT", "LIKE", "PARTITION", "INHERITS", "IGNORE", "REPLACE", "UNION", "ON");

    /** MySQL table options an ALTER TABLE may set: storage, character set and counters, dropped as in CREATE TABLE. */
    private static final Set<String> MYSQL_TABLE_OPTIONS = Set.of("ENGINE", "AUTO_INCREMENT", "COMMENT", "ROW_FORMAT",
            "DEFAULT", "CHARACTER", "CHARSET", "COLLATE", "ALGORITHM", "LOCK", "KEY_BLOCK_SIZE", "STATS_PERSISTENT",
            "STATS_AUTO_RECALC", "STATS_SAMPLE_PAGES", "PACK_KEYS", "CHECKSUM", "MAX_ROWS", "MIN_ROWS",
            "AVG_ROW_LENGTH", "DELAY_KEY_WRITE", "COMPRESSION", "PAGE_CHECKSUM", "TRANSACTIONAL");

    /** The object words that end a statement's name in refusals ("CREATE OR REPLACE VIEW"). */
    private static final Set<String> OBJECT_KINDS = Set.of("TABLE", "VIEW", "INDEX", "SEQUENCE", "SCHEMA", "DATABASE",
            "FUNCTION", "PROCEDURE", "TRIGGER", "TYPE", "DOMAIN", "EXTENSION", "ROLE", "USER", "EVENT", "SERVER",
            "POLICY", "RULE", "AGGREGATE", "OPERATOR", "COLLATION", "TABLESPACE", "PUBLICATION", "SUBSCRIPTION",
            "SYNONYM", "ALIAS", "CONSTANT", "PACKAGE");

    /** What a type is, as far as defaults and MySQL's text collation care. */
    private enum Family { BOOLEAN, NUMBER, TEXT, CLOB, BINARY, BLOB, DATE, TIME, TIMESTAMP, UUID }

    /** A type in the target's syntax; {@code precision} is a timestamp's fractional seconds. */
    private record SqlType(String sql, Family family, int precision, boolean identity) {
    }

    /** A parsed column definition; {@code notNull} is null when the source said neither NULL nor NOT NULL. */
    private record Column(String name, SqlType type, Boolean notNull, String defaultValue, boolean identity,
                          boolean primaryKey, boolean unique) {
    }

    /** A table or index name as stored; {@code schema} is null for the replica's default schema. */
    private record Name(String schema, String name) {
    }

    /** A column of an index, with its " ASC" or " DESC" (or ""). */
    private record IndexColumn(String name, String order) {
    }

    private final Engine source;
    private final Engine target;
    private final String sourceDefaultSchema;
    /** The columns that lead a PRIMARY KEY or UNIQUE of the statement: MySQL's AUTO_INCREMENT needs one. */
    private final Set<String> keyed = new HashSet<>();

    private DdlTranslation(Engine source, Engine target, String sourceDefaultSchema) {
        this.source = source;
        this.target = target;
        this.sourceDefaultSchema = sourceDefaultSchema;
    }

    /**
     * Translates one DDL statement written for {@code source} into the statements that have the same effect on
     * {@code target}.
     *
     * <p>Statements: CREATE TABLE (table options dropped; AS SELECT, LIKE, TEMPORARY, PARTITION BY, INHERITS
     * refused), ALTER TABLE (ADD/DROP/RENAME COLUMN, RENAME TO, type and nullability changes, SET/DROP DEFAULT,
     * ADD PRIMARY KEY/UNIQUE/INDEX, DROP CONSTRAINT/INDEX/PRIMARY KEY), MySQL's RENAME TABLE, DROP TABLE,
     * CREATE INDEX and DROP INDEX (plain B-tree indexes on columns), TRUNCATE, CREATE/DROP SCHEMA (MySQL's
     * DATABASE). Sequences and COMMENT ON give nothing. Types map as follows (H2 / MySQL / PostgreSQL):
     * <ul>
     *   <li>BOOLEAN, BOOL, BIT, BIT(1), MySQL TINYINT(1): BOOLEAN</li>
     *   <li>TINYINT: TINYINT / TINYINT / SMALLINT; SMALLINT, INT2: SMALLINT; MEDIUMINT, INT, INTEGER, INT4:
     *       INTEGER / INT / INTEGER; BIGINT, INT8: BIGINT; MySQL UNSIGNED widens to the next type, BIGINT
     *       UNSIGNED to DECIMAL(20,0); SERIAL, BIGSERIAL, SMALLSERIAL: the integer plus an identity</li>
     *   <li>DECIMAL, NUMERIC, DEC (p,s): DECIMAL / DECIMAL / NUMERIC; MySQL's bare DECIMAL is (10,0)</li>
     *   <li>REAL, FLOAT4, FLOAT(p &le; 24), MySQL FLOAT: REAL / FLOAT / REAL; DOUBLE [PRECISION], FLOAT8,
     *       FLOAT(p &gt; 24), MySQL REAL, H2/PostgreSQL FLOAT: DOUBLE PRECISION / DOUBLE / DOUBLE PRECISION</li>
     *   <li>CHAR(n), VARCHAR(n) and their spellings: the same; bare VARCHAR: CHARACTER VARYING / LONGTEXT /
     *       VARCHAR; TEXT, CLOB and MySQL's *TEXT: CHARACTER LARGE OBJECT / LONGTEXT / TEXT</li>
     *   <li>BINARY(n), VARBINARY(n): the same / the same / BYTEA; BLOB, BYTEA and MySQL's *BLOB: BINARY LARGE
     *       OBJECT / LONGBLOB / BYTEA</li>
     *   <li>DATE; TIME(p); local TIMESTAMP(p) / DATETIME(p): TIMESTAMP(p) / DATETIME(p) / TIMESTAMP(p); MySQL
     *       TIMESTAMP and PostgreSQL TIMESTAMPTZ (instants): TIMESTAMP(p) WITH TIME ZONE / DATETIME(p) in UTC /
     *       TIMESTAMP(p) WITH TIME ZONE. A missing precision is the source's default, made explicit.</li>
     *   <li>UUID: UUID (MariaDB 10.7 or later)</li>
     * </ul>
     * Everything else (JSON, ENUM, arrays, intervals, H2's TIMESTAMP WITH TIME ZONE, TIME WITH TIME ZONE,
     * user-defined types ...) is refused, naming column, table, type and target.
     *
     * <p>Where the target needs what the statement does not say: MySQL's MODIFY COLUMN restates the whole
     * column, so PostgreSQL's or H2's {@code ALTER COLUMN c TYPE t} becomes a MODIFY that leaves the column
     * nullable, without default or AUTO_INCREMENT (a nullable replica column accepts every row the primary
     * accepts); {@code SET NOT NULL} is omitted for MySQL for the same reason, while {@code DROP NOT NULL} is
     * refused there. MySQL's {@code DROP INDEX} becomes DROP CONSTRAINT IF EXISTS plus DROP INDEX IF EXISTS on
     * PostgreSQL and H2, where a MySQL UNIQUE KEY is a constraint that DROP INDEX cannot drop. A type change
     * on PostgreSQL carries {@code USING c::t}, so it converts the rows as the primary's engine did rather than
     * stop at a type PostgreSQL converts only explicitly; PostgreSQL's own {@code USING c::t} is accepted (it is
     * that conversion), any other USING expression refused.
     *
     * @param sql                 the statement, as the primary executed it (one statement; a trailing ';' is fine)
     * @param source              the primary's engine
     * @param target              the replica's engine
     * @param sourceDefaultSchema the primary connection's default schema (H2 "PUBLIC", PostgreSQL "public", MySQL
     *                            the current database); a qualifier equal to it (case-insensitively) is dropped so
     *                            the replica's own default schema is used; may be null
     * @return the target statements in order; empty when the statement has nothing a replica needs (e.g. CREATE
     *         SEQUENCE, COMMENT ON); {@code List.of(sql)} unchanged when source == target
     * @throws SQLFeatureNotSupportedException naming the construct (and the column and type where relevant) when
     *                                         the statement is outside the subset above
     */
    public static List<String> translate(String sql, Engine source, Engine target, String sourceDefaultSchema)
            throws SQLFeatureNotSupportedException {
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        if (source == target) return List.of(sql);
        return new DdlTranslation(source, target, sourceDefaultSchema).statement(sql);
    }

    private List<String> statement(String sql) throws SQLFeatureNotSupportedException {
        SqlLexer lexed = SqlLexer.lex(sql, source == Engine.MYSQL);
        // MySQL executes the text of /*! ... */: dropping it as a comment could drop e.g. a PARTITION BY
        if (source == Engine.MYSQL && lexed.comments.stream().anyMatch(c -> c.startsWith("!"))) {
            throw refusal("a MySQL executable comment /*! ... */");
        }
        List<Token> tokens = new ArrayList<>();
        for (Token t : lexed.tokens) {
            boolean string = source == Engine.MYSQL && t.type() == Type.QUOTED && t.text().startsWith("\"");
            tokens.add(string ? new Token(Type.STRING, t.start(), t.end(), t.text()) : t);
        }
        while (!tokens.isEmpty() && tokens.get(tokens.size() - 1).isSymbol(';')) tokens.remove(tokens.size() - 1);
        if (tokens.stream().anyMatch(t -> t.isSymbol(';'))) throw refusal("more than one statement");

        Cursor c = new Cursor(tokens);
        if (c.accept("CREATE")) {
            if (c.accept("TABLE")) return createTable(c);
            if (c.accept("INDEX")) return createIndex(c, false);
            if (c.accept("UNIQUE", "INDEX")) return createIndex(c, true);
            if (c.accept("SCHEMA") || source == Engine.MYSQL && c.accept("DATABASE")) return createSchema(c);
            if (c.peekWord("SEQUENCE")) return List.of();
        } else if (c.accept("ALTER")) {
            if (c.accept("TABLE")) return alterTable(c);
            if (c.peekWord("SEQUENCE")) return List.of();
        } else if (c.accept("DROP")) {
            if (c.accept("TABLE")) return dropTable(c);
            if (c.accept("INDEX")) return dropIndex(c);
            if (c.accept("SCHEMA") || source == Engine.MYSQL && c.accept("DATABASE")) return dropSchema(c);
            if (c.peekWord("SEQUENCE")) return List.of();
        } else if (c.accept("TRUNCATE")) {
            return truncate(c);
        } else if (source == Engine.MYSQL && c.accept("RENAME", "TABLE")) {
            return renameTables(c);
        } else if (c.accept("COMMENT", "ON")) {
            return List.of();
        }
        throw new SQLFeatureNotSupportedException(
                construct(tokens) + " cannot be translated for " + replica() + " " + SUBSET, "0A000");
    }

    // ---- CREATE TABLE

    private List<String> createTable(Cursor c) throws SQLFeatureNotSupportedException {
        boolean ifNotExists = c.accept("IF", "NOT", "EXISTS");
        Name table = name(c, "CREATE TABLE");
        String what = "CREATE TABLE " + quoted(table);
        if (c.peekWord("LIKE") || c.peekWord("AS") || c.peekWord("SELECT")) {
            throw refusal(what + " " + c.peek().upper() + " ...");
        }
        List<Column> columns = new ArrayList<>();
        List<String> constraints = new ArrayList<>();
        List<String> statements = new ArrayList<>();
        for (Cursor element : c.group(what).elements()) {
            if (isConstraint(element)) {
                constraint(element, table, false, ifNotExists, constraints, statements);
            } else {
                columns.add(column(element, table, constraints));
            }
        }
        while (!c.atEnd()) {
            if (c.peekSymbol('(')) {
                c.group(what);
            } else if (c.peek().type() == Type.WORD && TABLE_CLAUSES_REFUSED.contains(c.peek().upper())) {
                throw refusal(what + " ... " + c.peek().upper());
            } else {
                c.next(what); // ENGINE=, DEFAULT CHARSET=, COMMENT=, WITH (...), TABLESPACE ...: storage only
            }
        }
        List<String> definitions = new ArrayList<>();
        boolean autoIncrement = false;
        for (Column column : columns) {
            column = mysqlIdentity(column, !autoIncrement && keyed.contains(column.name()));
            autoIncrement |= column.identity();
            definitions.add(render(column));
        }
        definitions.addAll(constraints);
        statements.add(0, "CREATE TABLE " + (ifNotExists ? "IF NOT EXISTS " : "") + quote(table)
                + " (" + String.join(", ", definitions) + ")");
        return statements;
    }

    /** Whether a CREATE TABLE element (or what follows ALTER TABLE ... ADD) is a constraint or index. */
    private boolean isConstraint(Cursor e) {
        Token first = e.peek();
        if (first == null || first.type() != Type.WORD) return false;
        return switch (first.upper()) {
            case "CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "LIKE", "EXCLUDE" -> true;
            // elsewhere these are ordinary column names (KEY and INDEX are not reserved in PostgreSQL)
            case "KEY", "INDEX", "FULLTEXT", "SPATIAL" -> source == Engine.MYSQL;
            default -> false;
        };
    }

    /**
     * A table constraint or MySQL index: PRIMARY KEY and UNIQUE go to {@code constraints} (in the target's
     * syntax), an index becomes a CREATE INDEX in {@code statements}, CHECK and FOREIGN KEY are dropped.
     *
     * @param alter whether this is ALTER TABLE ... ADD, where MySQL's UNIQUE INDEX/KEY becomes CREATE UNIQUE INDEX
     */
    private void constraint(Cursor e, Name table, boolean alter, boolean ifNotExists, List<String> constraints,
                            List<String> statements) throws SQLFeatureNotSupportedException {
        String what = "a constraint or index of table " + quoted(table);
        String name = null;
        if (e.accept("CONSTRAINT") && !(e.peekWord("PRIMARY") || e.peekWord("UNIQUE") || e.peekWord("CHECK")
                || e.peekWord("FOREIGN"))) {
            name = identifier(e, what);
        }
        if (e.accept("PRIMARY", "KEY")) {
            List<IndexColumn> columns = keyColumns(e, what);
            keyed.add(columns.get(0).name());
            constraints.add(constraintName(name) + "PRIMARY KEY (" + columnNames(columns) + ")");
        } else if (e.accept("UNIQUE")) {
            boolean index = e.accept("KEY") || e.accept("INDEX");
            // MySQL names the index by its own name when both are given
            if (!e.peekSymbol('(') && !e.peekWord("USING")) name = identifier(e, what);
            List<IndexColumn> columns = keyColumns(e, "UNIQUE " + (name == null ? "" : quoted(name) + " ") + "of table "
                    + quoted(table));
            keyed.add(columns.get(0).name());
            if (alter && index) {
                statements.add(createIndex(true, ifNotExists, name, table, columns));
            } else {
                constraints.add(constraintName(name) + "UNIQUE (" + columnNames(columns) + ")");
            }
        } else if (e.accept("FOREIGN", "KEY")) {
            if (!e.peekSymbol('(')) identifier(e, what);
            e.group(what);
            if (!e.accept("REFERENCES")) throw e.unexpected(what);
            references(e, "FOREIGN KEY " + (name == null ? "" : quoted(name) + " ") + "of table " + quoted(table));
            e.end(what);
        } else if (e.accept("CHECK")) {
            return; // dropped, with whatever follows it (NOT ENFORCED, NO INHERIT, NOT VALID)
        } else if (source == Engine.MYSQL && (e.accept("KEY") || e.accept("INDEX"))) {
            String index = e.peekSymbol('(') || e.peekWord("USING") ? null : identifier(e, what);
            List<IndexColumn> columns = keyColumns(e, "index " + (index == null ? "" : quoted(index) + " ")
                    + "of table " + quoted(table));
            statements.add(createIndex(false, ifNotExists, index, table, columns));
        } else {
            throw e.unexpected(what); // FULLTEXT, SPATIAL, LIKE, EXCLUDE
        }
    }

    private String constraintName(String name) {
        return name == null ? "" : "CONSTRAINT " + quote(name) + " ";
    }

    /** Comma-separated quoted names: PostgreSQL and H2 take no ASC/DESC in a constraint's columns. */
    private String columnNames(List<IndexColumn> columns) {
        return String.join(", ", columns.stream().map(c -> quote(c.name())).toList());
    }

    /**
     * Skips a REFERENCES clause, as the replica keeps no foreign keys; refuses MySQL's cascading actions: MySQL
     * performs cascades without firing triggers, so Shardline cannot capture their changes for the replica.
     */
    private void references(Cursor e, String what) throws SQLFeatureNotSupportedException {
        name(e, what);
        if (e.peekSymbol('(')) e.group(what);
        while (true) {
            if (e.accept("ON")) {
                String event = e.next(what).upper();
                String action = e.next(what).upper();
                if (action.equals("SET") || action.equals("NO")) action += " " + e.next(what).upper();
                if (source == Engine.MYSQL && Set.of("CASCADE", "SET NULL", "SET DEFAULT").contains(action)) {
                    throw refusal(what + " with ON " + event + " " + action, "MySQL performs cascades without firing"
                            + " triggers, so Shardline cannot capture them for a replica of another engine");
                }
            } else if (e.accept("MATCH") || e.accept("INITIALLY")) {
                e.next(what);
            } else if (!(e.accept("DEFERRABLE") || e.accept("NOT", "DEFERRABLE") || e.accept("NOT", "VALID"))) {
                return;
            }
        }
    }

    // ---- columns and types

    /**
     * A column definition. A named inline PRIMARY KEY or UNIQUE goes to {@code constraints} as a table constraint,
     * which keeps its name on every target (MySQL takes no constraint name inline).
     */
    private Column column(Cursor e, Name table, List<String> constraints) throws SQLFeatureNotSupportedException {
        String name = identifier(e, "a column of table " + quoted(table));
        String what = "column " + quoted(name) + " of table " + quoted(table);
        SqlType type = type(e, what);
        boolean identity = type.identity();
        boolean primaryKey = false;
        boolean unique = false;
        Boolean notNull = null;
        String defaultValue = null;
        while (!e.atEnd()) {
            String constraint = e.accept("CONSTRAINT") ? identifier(e, what) : null;
            if (e.accept("NOT", "NULL")) {
                notNull = true;
            } else if (e.accept("NULL")) {
                notNull = false;
            } else if (e.accept("DEFAULT")) {
                defaultValue = defaultValue(expression(e, what), type);
            } else if (e.accept("AUTO_INCREMENT") || e.accept("IDENTITY")) {
                identity = true;
                if (e.peekSymbol('(')) e.group(what);
            } else if (e.accept("GENERATED")) {
                if (!(e.accept("ALWAYS") || e.accept("BY", "DEFAULT"))) throw e.unexpected(what);
                e.accept("ON", "NULL");
                if (!e.accept("AS")) throw e.unexpected(what);
                if (!e.accept("IDENTITY")) throw computed(what);
                identity = true;
                if (e.peekSymbol('(')) e.group(what); // sequence options: the replica never generates
            } else if (e.peekWord("AS")) {
                throw computed(what);
            } else if (e.accept("PRIMARY", "KEY") || source == Engine.MYSQL && e.accept("KEY")) {
                keyed.add(name);
                if (constraint == null) primaryKey = true;
                else constraints.add(constraintName(constraint) + "PRIMARY KEY (" + quote(name) + ")");
            } else if (e.accept("UNIQUE")) {
                e.accept("KEY");
                keyed.add(name);
                if (constraint == null) unique = true;
                else constraints.add(constraintName(constraint) + "UNIQUE (" + quote(name) + ")");
            } else if (e.accept("CHECK")) {
                e.group(what);
                if (!(e.accept("NOT", "ENFORCED") || e.accept("ENFORCED"))) e.accept("NO", "INHERIT");
            } else if (e.accept("REFERENCES")) {
                references(e, "REFERENCES of " + what);
            } else if (e.accept("COMMENT") || e.accept("CHARACTER", "SET") || e.accept("CHARSET")
                    || e.accept("COLUMN_FORMAT") || e.accept("STORAGE") || e.accept("SELECTIVITY")) {
                e.next(what);
            } else if (e.accept("COLLATE")) {
                name(e, what);
            } else if (e.accept("ON", "UPDATE")) {
                expression(e, what);
            } else if (e.accept("AFTER")) {
                identifier(e, what); // MySQL's column position: the row images name their columns
            } else if (!(e.accept("FIRST") || e.accept("VISIBLE") || e.accept("INVISIBLE"))) {
                throw e.unexpected(what);
            }
        }
        return new Column(name, type, notNull, identity ? null : defaultValue, identity, primaryKey, unique);
    }

    /**
     * The column as a MySQL replica can have it: MySQL allows one AUTO_INCREMENT column per table, and only on
     * a key. Any other identity of the primary is a plain column there, which costs replication nothing: the
     * replica receives every id from the primary.
     *
     * @param allowed whether this column may be the table's AUTO_INCREMENT
     */
    private Column mysqlIdentity(Column column, boolean allowed) {
        if (target != Engine.MYSQL || !column.identity() || allowed) return column;
        return new Column(column.name(), column.type(), column.notNull(), null, false, column.primaryKey(),
                column.unique());
    }

    private SQLFeatureNotSupportedException computed(String what) {
        return refusal(what + ": a computed column (GENERATED ALWAYS AS (...))",
                "its expression is written in the primary's dialect");
    }

    private String render(Column c) {
        StringBuilder b = new StringBuilder(quote(c.name())).append(' ').append(c.type().sql());
        // an identity is NOT NULL anyway, and PostgreSQL rejects an explicit NULL on one
        String nullability = c.notNull() == null || c.identity() && !c.notNull() ? ""
                : c.notNull() ? " NOT NULL" : " NULL";
        String defaultClause = c.defaultValue() == null ? "" : " DEFAULT " + c.defaultValue();
        if (target == Engine.MYSQL) {
            b.append(nullability).append(defaultClause).append(c.identity() ? " AUTO_INCREMENT" : "");
        } else { // H2 wants DEFAULT and the identity before the constraints
            b.append(defaultClause).append(c.identity() ? " GENERATED BY DEFAULT AS IDENTITY" : "").append(nullability);
        }
        if (c.unique()) b.append(" UNIQUE");
        if (c.primaryKey()) b.append(" PRIMARY KEY");
        return b.toString();
    }

    /** Reads a column type and maps it to the target's, or refuses it naming {@code what} (the column). */
    private SqlType type(Cursor e, String what) throws SQLFeatureNotSupportedException {
        int from = e.pos;
        Token first = e.next(what);
        String name = first.type() == Type.WORD ? first.upper() : first.text();
        switch (name) {
            case "DOUBLE" -> e.accept("PRECISION");
            case "CHARACTER", "CHAR" ->
                    name = e.accept("VARYING") ? "VARCHAR" : e.accept("LARGE", "OBJECT") ? "CLOB" : "CHAR";
            case "BINARY" ->
                    name = e.accept("VARYING") ? "VARBINARY" : e.accept("LARGE", "OBJECT") ? "BLOB" : "BINARY";
            case "BIT" -> name = e.accept("VARYING") ? "VARBIT" : "BIT";
            default -> { }
        }
        List<Integer> args = new ArrayList<>();
        boolean numericArgs = true;
        if (e.peekSymbol('(')) {
            for (Cursor arg : e.group(what).elements()) {
                Token t = arg.peek();
                boolean number = arg.tokens.size() == 1 && t.type() == Type.NUMBER && t.text().matches("[0-9]{1,9}");
                if (number) args.add(Integer.parseInt(t.text()));
                numericArgs &= number;
            }
        }
        Boolean timeZone = e.accept("WITH", "TIME", "ZONE") ? Boolean.TRUE
                : e.accept("WITHOUT", "TIME", "ZONE") ? Boolean.FALSE : null;
        boolean unsigned = false;
        boolean zerofill = false;
        boolean array = false;
        while (true) {
            if (e.accept("UNSIGNED")) {
                unsigned = true;
            } else if (e.accept("ZEROFILL")) {
                zerofill = true;
            } else if (e.accept("ARRAY") || e.acceptSymbol('[')) {
                array = true;
                while (!e.atEnd() && !e.acceptSymbol(']') && !e.peekWord("ARRAY")) e.next(what);
            } else if (!e.accept("SIGNED")) {
                break;
            }
        }
        String display = e.text(from);
        if (zerofill) throw noEquivalent(what, display, "ZEROFILL pads the digits the primary returns");
        if (array || !numericArgs || (timeZone != null && !name.equals("TIME") && !name.equals("TIMESTAMP"))) {
            throw noEquivalent(what, display, null);
        }
        SqlType type = map(what, display, name, args, timeZone, unsigned);
        if (type == null) throw noEquivalent(what, display, null);
        return type;
    }

    /** The type row of the mapping table in {@link #translate}, or null when the type has no equivalent. */
    private SqlType map(String what, String display, String name, List<Integer> args, Boolean timeZone,
                        boolean unsigned) throws SQLFeatureNotSupportedException {
        Integer arg = args.isEmpty() ? null : args.get(0);
        boolean mysql = source == Engine.MYSQL;
        boolean zoned = name.equals("TIMESTAMPTZ") || name.equals("TIMETZ") || Boolean.TRUE.equals(timeZone);
        SqlType bool = type("BOOLEAN", "BOOLEAN", "BOOLEAN", Family.BOOLEAN);
        SqlType smallint = type("SMALLINT", "SMALLINT", "SMALLINT", Family.NUMBER);
        SqlType integer = type("INTEGER", "INT", "INTEGER", Family.NUMBER);
        SqlType bigint = type("BIGINT", "BIGINT", "BIGINT", Family.NUMBER);
        SqlType real = type("REAL", "FLOAT", "REAL", Family.NUMBER);
        SqlType doublePrecision = type("DOUBLE PRECISION", "DOUBLE", "DOUBLE PRECISION", Family.NUMBER);
        String sized = "(" + (arg == null ? 1 : arg) + ")";
        return switch (name) {
            case "BOOLEAN", "BOOL" -> bool;
            case "BIT" -> args.isEmpty() || args.equals(List.of(1)) ? bool : null;
            // MySQL's BOOLEAN is TINYINT(1), which its JDBC drivers read as a boolean; PostgreSQL has no 1-byte int
            case "TINYINT" -> mysql && args.equals(List.of(1)) && !unsigned ? bool
                    : unsigned ? smallint : type("TINYINT", "TINYINT", "SMALLINT", Family.NUMBER);
            case "SMALLINT", "INT2" -> unsigned ? integer : smallint;
            case "MEDIUMINT", "INT", "INTEGER", "INT4" -> unsigned ? bigint : integer;
            case "BIGINT", "INT8" -> unsigned ? decimal(what, display, 20, 0) : bigint;
            // MySQL's SERIAL is BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE
            case "SERIAL", "SERIAL4" -> mysql ? null : identity(integer);
            case "BIGSERIAL", "SERIAL8" -> identity(bigint);
            case "SMALLSERIAL", "SERIAL2" -> identity(smallint);
            case "DECIMAL", "NUMERIC", "DEC" -> {
                if (args.size() > 2) yield null;
                if (!args.isEmpty() || mysql) {
                    yield decimal(what, display, arg == null ? 10 : arg, args.size() < 2 ? 0 : args.get(1));
                }
                // unbounded; H2's has scale 0 and precision 100000
                if (target == Engine.MYSQL) throw noEquivalent(what, display, "MySQL's DECIMAL is bounded");
                yield type("DECFLOAT", null, "NUMERIC", Family.NUMBER);
            }
            case "REAL", "FLOAT4" -> mysql && name.equals("REAL") ? doublePrecision : real; // MySQL: REAL is DOUBLE
            // MySQL's FLOAT(M,D) and DOUBLE(M,D) round on storing
            case "FLOAT" -> args.size() > 1 ? null : (arg == null ? mysql : arg <= 24) ? real
                    : arg == null || arg <= 53 ? doublePrecision : null;
            case "DOUBLE", "FLOAT8" -> args.isEmpty() ? doublePrecision : null;
            case "CHAR", "NCHAR" -> args.size() > 1 ? null
                    : type("CHAR" + sized, "CHAR" + sized, "CHAR" + sized, Family.TEXT);
            case "VARCHAR", "NVARCHAR", "VARCHAR2", "NVARCHAR2" -> args.size() > 1 ? null
                    : arg != null ? type("VARCHAR" + sized, "VARCHAR" + sized, "VARCHAR" + sized, Family.TEXT)
                    : target == Engine.MYSQL ? type(null, "LONGTEXT", null, Family.CLOB)
                    : type("CHARACTER VARYING", null, "VARCHAR", Family.TEXT);
            case "TEXT", "TINYTEXT", "MEDIUMTEXT", "LONGTEXT", "CLOB", "NCLOB" ->
                    type("CHARACTER LARGE OBJECT", "LONGTEXT", "TEXT", Family.CLOB);
            case "BINARY" -> type("BINARY" + sized, "BINARY" + sized, "BYTEA", Family.BINARY);
            case "VARBINARY" -> arg == null ? type("BINARY VARYING", "LONGBLOB", "BYTEA", Family.BLOB)
                    : type("VARBINARY" + sized, "VARBINARY" + sized, "BYTEA", Family.BINARY);
            case "BLOB", "TINYBLOB", "MEDIUMBLOB", "LONGBLOB", "BYTEA" ->
                    type("BINARY LARGE OBJECT", "LONGBLOB", "BYTEA", Family.BLOB);
            case "DATE" -> type("DATE", "DATE", "DATE", Family.DATE);
            case "TIME", "TIMETZ" -> {
                if (zoned) yield null;
                String sql = "TIME(" + precision(what, display, arg, source == Engine.POSTGRESQL ? 6 : 0) + ")";
                yield type(sql, sql, sql, Family.TIME);
            }
            case "TIMESTAMP", "TIMESTAMPTZ", "DATETIME" -> {
                if (mysql && zoned || source == Engine.POSTGRESQL && name.equals("DATETIME")) yield null;
                // MySQL's TIMESTAMP is an instant, as PostgreSQL's TIMESTAMPTZ
                if (mysql && name.equals("TIMESTAMP")) yield timestamp(precision(what, display, arg, 0), true);
                if (zoned && source == Engine.H2) {
                    throw noEquivalent(what, display, "H2 keeps each value's offset, which " + replica() + " does not");
                }
                yield timestamp(precision(what, display, arg, mysql ? 0 : 6), zoned);
            }
            case "UUID" -> type("UUID", "UUID", "UUID", Family.UUID);
            default -> null;
        };
    }

    private static SqlType identity(SqlType integer) {
        return new SqlType(integer.sql(), integer.family(), 0, true);
    }

    /** The target's of the three spellings; text columns of a MySQL replica compare byte-wise (see class doc). */
    private SqlType type(String h2, String mysql, String postgresql, Family family) {
        String sql = switch (target) {
            case H2 -> h2;
            case MYSQL -> (family == Family.TEXT || family == Family.CLOB) ? mysql + MYSQL_BINARY_TEXT : mysql;
            case POSTGRESQL -> postgresql;
        };
        return new SqlType(sql, family, 0, false);
    }

    private SqlType decimal(String what, String display, int precision, int scale)
            throws SQLFeatureNotSupportedException {
        if (target == Engine.MYSQL && (precision > 65 || scale > 30)) {
            throw noEquivalent(what, display, "MySQL's DECIMAL has at most 65 digits, 30 of them after the point");
        }
        if (target == Engine.POSTGRESQL && precision > 1000) {
            throw noEquivalent(what, display, "PostgreSQL's NUMERIC has at most 1000 digits");
        }
        String args = "(" + precision + "," + scale + ")";
        return type("DECIMAL" + args, "DECIMAL" + args, "NUMERIC" + args, Family.NUMBER);
    }

    private SqlType timestamp(int precision, boolean instant) {
        String p = "(" + precision + ")";
        String zone = instant ? " WITH TIME ZONE" : "";
        SqlType type = type("TIMESTAMP" + p + zone, "DATETIME" + p, "TIMESTAMP" + p + zone, Family.TIMESTAMP);
        return new SqlType(type.sql(), Family.TIMESTAMP, precision, false);
    }

    /** Fractional seconds: the source's default made explicit, as the targets' defaults differ. */
    private int precision(String what, String display, Integer arg, int sourceDefault)
            throws SQLFeatureNotSupportedException {
        int precision = arg == null ? sourceDefault : arg;
        if (precision > 6 && target != Engine.H2) {
            throw noEquivalent(what, display, target + " keeps at most 6 fractional digits of a second");
        }
        return precision;
    }

    private SQLFeatureNotSupportedException noEquivalent(String what, String display, String reason) {
        return new SQLFeatureNotSupportedException(what + ": type " + display + " has no exact equivalent on "
                + replica() + (reason == null ? "" : " (" + reason + ")"), "0A000");
    }

    // ---- defaults

    /** The tokens of a DEFAULT or ON UPDATE expression: up to the next column option outside parentheses. */
    private List<Token> expression(Cursor e, String what) throws SQLFeatureNotSupportedException {
        int from = e.pos;
        do {
            if (e.peekSymbol('(')) {
                e.group(what);
            } else if (e.next(what).type() == Type.WORD && e.peekSymbol('(')) {
                e.group(what); // a function call
            }
        } while (!e.atEnd() && !(e.peek().type() == Type.WORD && COLUMN_OPTIONS.contains(e.peek().upper())));
        return e.tokens.subList(from, e.pos);
    }

    /**
     * The target's form of a DEFAULT, or null to drop it. Only constants and the current date/time are kept, and
     * only where the target reads them as the primary did: the replica receives every value from the primary's
     * row images, so a default never matters for replication, and dropping one can never make the replica fail.
     *
     * @param type the column's type, or null when unknown (ALTER COLUMN ... SET DEFAULT)
     */
    private String defaultValue(List<Token> expression, SqlType type) {
        if (source == Engine.POSTGRESQL && expression.size() > 2 && expression.get(1).isSymbol(':')
                && expression.get(2).isSymbol(':')) {
            expression = expression.subList(0, 1); // 'x'::character varying, as pg_dump writes defaults
        }
        Family family = type == null ? null : type.family();
        // MySQL accepts no literal default on TEXT and BLOB columns
        if (target == Engine.MYSQL && (family == Family.CLOB || family == Family.BLOB)) return null;
        Token first = expression.get(0);
        String word = first.type() == Type.WORD && expression.size() == 1 ? first.upper() : "";
        if (word.equals("NULL")) return "NULL";
        if (word.equals("TRUE") || word.equals("FALSE")) {
            return family == null || family == Family.BOOLEAN ? word : null;
        }
        String number = null;
        if (expression.size() == 1 && first.type() == Type.STRING && !first.text().startsWith("$")) {
            String value = stringValue(first);
            if (family == null || family == Family.TEXT || family == Family.CLOB || family == Family.UUID) {
                return stringLiteral(value);
            }
            // MySQL writes numeric defaults as strings (DEFAULT '0'); other strings (dates above all) are dialect
            if (family == Family.NUMBER || family == Family.BOOLEAN) number = value.strip();
        } else if (expression.size() == 1 && first.type() == Type.NUMBER) {
            number = first.text();
        } else if (expression.size() == 2 && (first.isSymbol('-') || first.isSymbol('+'))
                && expression.get(1).type() == Type.NUMBER) {
            number = first.text() + expression.get(1).text();
        }
        if (number != null) return NUMBER.matcher(number).matches() ? numberDefault(number, family) : null;
        if (isCall(expression, "CURRENT_TIMESTAMP", true) || isCall(expression, "NOW", false)) {
            if (family == null) return target == Engine.MYSQL ? null : "CURRENT_TIMESTAMP"; // MySQL: precision unknown
            if (family != Family.TIMESTAMP) return null;
            // MySQL wants CURRENT_TIMESTAMP with the column's own precision
            return target == Engine.MYSQL && type.precision() > 0 ? "CURRENT_TIMESTAMP(" + type.precision() + ")"
                    : "CURRENT_TIMESTAMP";
        }
        if (isCall(expression, "CURRENT_DATE", true)) {
            if (family == null) return target == Engine.MYSQL ? null : "CURRENT_DATE";
            if (family != Family.DATE) return null;
            return target == Engine.MYSQL ? "(CURRENT_DATE)" : "CURRENT_DATE"; // MySQL takes it as an expression only
        }
        return null;
    }

    private String numberDefault(String number, Family family) {
        if (family == Family.BOOLEAN) {
            // PostgreSQL takes no integer for a boolean (MySQL's BOOLEAN columns hold 0 and 1)
            BigDecimal value = new BigDecimal(number);
            return value.signum() == 0 ? "FALSE" : value.compareTo(BigDecimal.ONE) == 0 ? "TRUE" : null;
        }
        if (family == null && target == Engine.POSTGRESQL && INTEGER.matcher(number).matches()) {
            return "'" + number + "'"; // the column may be a boolean, which takes '1' but not 1
        }
        boolean numeric = family == null || family == Family.NUMBER || family == Family.TEXT || family == Family.CLOB;
        return numeric ? number : null;
    }

    /** {@code name}, {@code name()} or {@code name(n)}; without parentheses only when {@code bare}. */
    private static boolean isCall(List<Token> expression, String name, boolean bare) {
        if (!expression.get(0).isWord(name)) return false;
        int n = expression.size();
        if (n == 1) return bare;
        return expression.get(1).isSymbol('(') && expression.get(n - 1).isSymbol(')')
                && (n == 3 || n == 4 && expression.get(2).type() == Type.NUMBER);
    }

    /** The value of a string literal: MySQL's with its backslash escapes, the others' with doubled quotes only. */
    private String stringValue(Token literal) {
        String text = literal.text();
        char quote = text.charAt(0);
        String inner = text.substring(1, Math.max(1, text.length() - 1));
        if (source != Engine.MYSQL) return inner.replace("''", "'");
        StringBuilder value = new StringBuilder();
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c == '\\' && i + 1 < inner.length()) {
                char next = inner.charAt(++i);
                switch (next) {
                    case '0' -> value.append('\0');
                    case 'b' -> value.append('\b');
                    case 'n' -> value.append('\n');
                    case 'r' -> value.append('\r');
                    case 't' -> value.append('\t');
                    case 'Z' -> value.append('\u001a');
                    case '%', '_' -> value.append('\\').append(next); // kept for LIKE, as MySQL does
                    default -> value.append(next);
                }
            } else {
                value.append(c);
                if (c == quote && i + 1 < inner.length() && inner.charAt(i + 1) == quote) i++;
            }
        }
        return value.toString();
    }

    /** A standard SQL literal; null for a MySQL replica when it holds a backslash, which depends on its sql_mode. */
    private String stringLiteral(String value) {
        if (target == Engine.MYSQL && value.indexOf('\\') >= 0) return null;
        return "'" + value.replace("'", "''") + "'";
    }

    // ---- ALTER TABLE

    private List<String> alterTable(Cursor c) throws SQLFeatureNotSupportedException {
        boolean ifExists = c.accept("IF", "EXISTS");
        c.accept("ONLY"); // PostgreSQL's inheritance, which the replica does not have
        Name table = name(c, "ALTER TABLE");
        String prefix = "ALTER TABLE " + (ifExists ? "IF EXISTS " : "") + quote(table) + " ";
        List<String> statements = new ArrayList<>();
        for (Cursor operation : c.elements()) alter(operation, table, prefix, statements);
        return statements;
    }

    /** One ALTER TABLE operation, appending its statements (none when the replica needs nothing). */
    private void alter(Cursor op, Name table, String prefix, List<String> out) throws SQLFeatureNotSupportedException {
        String what = "ALTER TABLE " + quoted(table);
        if (op.accept("ADD")) {
            List<String> constraints = new ArrayList<>();
            if (isConstraint(op)) {
                constraint(op, table, true, false, constraints, out);
            } else {
                op.accept("COLUMN");
                boolean ifNotExists = op.accept("IF", "NOT", "EXISTS");
                if (op.peekSymbol('(')) throw refusal(what + " ADD (...)");
                Column column = column(op, table, constraints);
                out.add(prefix + "ADD COLUMN " + (ifNotExists ? "IF NOT EXISTS " : "")
                        + render(mysqlIdentity(column, column.primaryKey() || column.unique())));
            }
            for (String constraint : constraints) out.add(prefix + "ADD " + constraint);
        } else if (op.accept("DROP")) {
            drop(op, table, prefix, out, what);
        } else if (op.accept("RENAME")) {
            if (op.accept("TO") || op.accept("AS")
                    || source == Engine.MYSQL && !(op.peekWord("COLUMN") || op.peekWord("INDEX") || op.peekWord("KEY"))) {
                Name to = name(op, what);
                op.end(what);
                out.add(prefix + "RENAME TO " + renamed(table, to, what));
            } else if (op.accept("COLUMN")
                    || source != Engine.MYSQL && !(op.peekWord("CONSTRAINT") || op.peekWord("INDEX"))) {
                String from = identifier(op, what);
                if (!op.accept("TO")) throw op.unexpected(what);
                String to = identifier(op, what);
                op.end(what);
                out.add(prefix + "RENAME COLUMN " + quote(from) + " TO " + quote(to));
            } else {
                throw refusal(what + " RENAME " + op.peek().upper()); // RENAME INDEX, KEY, CONSTRAINT
            }
        } else if (op.accept("ALTER")) {
            op.accept("COLUMN");
            alterColumn(op, identifier(op, what), table, prefix, out, what);
        } else if (source == Engine.MYSQL && (op.peekWord("MODIFY") || op.peekWord("CHANGE"))) {
            boolean change = op.next(what).isWord("CHANGE");
            op.accept("COLUMN");
            String old = change ? identifier(op, what) : null;
            List<String> constraints = new ArrayList<>();
            Column column = column(op, table, constraints);
            if (column.primaryKey() || column.unique() || !constraints.isEmpty()) {
                throw refusal(what + (change ? " CHANGE " : " MODIFY ") + quoted(column.name()) + " ... with a key");
            }
            if (change && !old.equals(column.name())) {
                out.add(prefix + "RENAME COLUMN " + quote(old) + " TO " + quote(column.name()));
            }
            // MODIFY and CHANGE restate the whole column: without NOT NULL it is nullable. AUTO_INCREMENT is left
            // out: whether the replica's column already is an identity is unknown, and it never generates anyway
            out.addAll(changeType(prefix, column.name(), column.type(), Boolean.TRUE.equals(column.notNull())));
            if (column.defaultValue() != null) {
                out.add(prefix + "ALTER COLUMN " + quote(column.name()) + " SET DEFAULT " + column.defaultValue());
            }
        } else if (source == Engine.MYSQL && !op.atEnd() && MYSQL_TABLE_OPTIONS.contains(op.peek().upper())) {
            return; // ENGINE=, AUTO_INCREMENT=, ALGORITHM= ...: as in CREATE TABLE
        } else {
            throw op.unexpected(what);
        }
    }

    private void alterColumn(Cursor op, String column, Name table, String prefix, List<String> out, String what)
            throws SQLFeatureNotSupportedException {
        String alterColumn = prefix + "ALTER COLUMN " + quote(column) + " ";
        what += " ALTER COLUMN " + quoted(column);
        if (op.accept("TYPE") || op.accept("SET", "DATA", "TYPE")) {
            String columnWhat = "column " + quoted(column) + " of table " + quoted(table);
            SqlType type = type(op, columnWhat);
            if (op.accept("COLLATE")) name(op, what);
            if (op.accept("USING") && !isOwnCast(op, column, columnWhat)) {
                throw refusal(what + " TYPE ... USING an expression", "it is written in the primary's dialect");
            }
            op.end(what);
            out.addAll(changeType(prefix, column, type, null));
        } else if (op.accept("SET", "NOT", "NULL")) {
            op.end(what);
            // a MySQL column stays nullable: it accepts every row the primary does, and MySQL cannot change
            // nullability without restating the type
            if (target != Engine.MYSQL) out.add(alterColumn + "SET NOT NULL");
        } else if (op.accept("DROP", "NOT", "NULL")) {
            op.end(what);
            if (target == Engine.MYSQL) {
                throw refusal(what + " DROP NOT NULL", "MySQL changes nullability only with MODIFY COLUMN, which"
                        + " restates the column's type, and the statement does not give it");
            }
            out.add(alterColumn + "DROP NOT NULL");
        } else if (op.accept("SET", "DEFAULT")) {
            String value = defaultValue(expression(op, what), null);
            op.end(what);
            if (value != null) out.add(alterColumn + "SET DEFAULT " + value);
        } else if (op.accept("DROP", "DEFAULT")) {
            op.end(what);
            out.add(alterColumn + "DROP DEFAULT");
        } else {
            throw op.unexpected(what);
        }
    }

    /** USING c or USING c::type: the column itself, converted as the target's own change of type converts it. */
    private boolean isOwnCast(Cursor op, String column, String what) throws SQLFeatureNotSupportedException {
        if (op.peek() == null || !op.peek().isIdentifier() || !identifier(op, what).equals(column)) return false;
        if (op.atEnd()) return true;
        if (!(op.acceptSymbol(':') && op.acceptSymbol(':'))) return false;
        type(op, what);
        return op.atEnd();
    }

    /**
     * A column's new type, and its nullability when known: MySQL's MODIFY COLUMN (a column whose nullability is
     * unknown becomes nullable there), PostgreSQL's TYPE with an explicit cast, H2's SET DATA TYPE.
     */
    private List<String> changeType(String prefix, String column, SqlType type, Boolean notNull) {
        String alterColumn = prefix + "ALTER COLUMN " + quote(column);
        List<String> out = new ArrayList<>();
        switch (target) {
            case MYSQL -> out.add(prefix + "MODIFY COLUMN " + quote(column) + " " + type.sql()
                    + (Boolean.TRUE.equals(notNull) ? " NOT NULL" : ""));
            // USING: converts as the primary's engine did where PostgreSQL converts only explicitly (text to int)
            case POSTGRESQL -> out.add(alterColumn + " TYPE " + type.sql() + " USING " + quote(column) + "::" + type.sql());
            case H2 -> out.add(alterColumn + " SET DATA TYPE " + type.sql());
        }
        if (target != Engine.MYSQL && notNull != null) {
            out.add(alterColumn + (notNull ? " SET NOT NULL" : " DROP NOT NULL"));
        }
        return out;
    }

    private void drop(Cursor op, Name table, String prefix, List<String> out, String what)
            throws SQLFeatureNotSupportedException {
        if (op.accept("CONSTRAINT")) {
            op.accept("IF", "EXISTS");
            String constraint = identifier(op, what);
            if (!op.accept("CASCADE")) op.accept("RESTRICT");
            op.end(what);
            // IF EXISTS always: it may have been a foreign key or check the replica never got
            out.add(prefix + "DROP CONSTRAINT IF EXISTS " + quote(constraint));
        } else if (source == Engine.MYSQL && (op.accept("FOREIGN", "KEY") || op.accept("CHECK"))) {
            identifier(op, what);
            op.end(what); // never on the replica
        } else if (source == Engine.MYSQL && (op.accept("INDEX") || op.accept("KEY"))) {
            String index = identifier(op, what);
            op.end(what);
            out.addAll(index.equalsIgnoreCase("PRIMARY") ? dropPrimaryKey(prefix, what + " DROP INDEX \"PRIMARY\"")
                    : dropMySqlIndex(table, index));
        } else if (op.accept("PRIMARY", "KEY")) {
            op.end(what);
            out.addAll(dropPrimaryKey(prefix, what + " DROP PRIMARY KEY"));
        } else {
            op.accept("COLUMN");
            boolean ifExists = op.accept("IF", "EXISTS");
            String column = identifier(op, what);
            // CASCADE only reaches views and foreign keys, which the replica does not have
            if (!op.accept("CASCADE")) op.accept("RESTRICT");
            op.end(what);
            out.add(prefix + "DROP COLUMN " + (ifExists ? "IF EXISTS " : "") + quote(column));
        }
    }

    /** MySQL's way of dropping a primary key, which H2 shares; PostgreSQL needs the constraint's name. */
    private List<String> dropPrimaryKey(String prefix, String what) throws SQLFeatureNotSupportedException {
        if (target == Engine.POSTGRESQL) {
            throw refusal(what, "PostgreSQL drops a primary key by its constraint name, which the statement does not give");
        }
        return List.of(prefix + "DROP PRIMARY KEY");
    }

    /**
     * MySQL's DROP INDEX on PostgreSQL or H2: a MySQL UNIQUE KEY is a constraint there, which DROP INDEX cannot
     * drop, so the constraint and the index are both dropped if they exist.
     */
    private List<String> dropMySqlIndex(Name table, String index) {
        return List.of("ALTER TABLE " + quote(table) + " DROP CONSTRAINT IF EXISTS " + quote(index),
                "DROP INDEX IF EXISTS " + quote(new Name(table.schema(), index)));
    }

    /**
     * The new name after RENAME TO, refusing a move to another schema: PostgreSQL and H2 rename within the
     * table's schema and take a bare name, MySQL moves a table given a bare name into the current database.
     */
    private String renamed(Name table, Name to, String what) throws SQLFeatureNotSupportedException {
        Name resolved = source != Engine.MYSQL && to.schema() == null ? new Name(table.schema(), to.name()) : to;
        if (!Objects.equals(resolved.schema(), table.schema())) {
            throw refusal(what + " RENAME TO " + quoted(to), "it moves the table to another schema");
        }
        return target == Engine.MYSQL ? quote(resolved) : quote(resolved.name());
    }

    private List<String> renameTables(Cursor c) throws SQLFeatureNotSupportedException {
        List<String> out = new ArrayList<>();
        for (Cursor pair : c.elements()) {
            Name from = name(pair, "RENAME TABLE");
            String what = "RENAME TABLE " + quoted(from);
            if (!pair.accept("TO")) throw pair.unexpected(what);
            Name to = name(pair, what);
            pair.end(what);
            out.add("ALTER TABLE " + quote(from) + " RENAME TO " + renamed(from, to, what));
        }
        return out;
    }

    // ---- DROP TABLE, TRUNCATE, indexes, schemas

    private List<String> dropTable(Cursor c) throws SQLFeatureNotSupportedException {
        boolean ifExists = c.accept("IF", "EXISTS");
        List<String> tables = new ArrayList<>();
        do tables.add(quote(name(c, "DROP TABLE"))); while (c.acceptSymbol(','));
        String behaviour = c.accept("CASCADE") ? " CASCADE" : c.accept("RESTRICT") ? " RESTRICT" : "";
        c.end("DROP TABLE");
        return List.of("DROP TABLE " + (ifExists ? "IF EXISTS " : "") + String.join(", ", tables)
                + (target == Engine.MYSQL ? "" : behaviour));
    }

    private List<String> truncate(Cursor c) throws SQLFeatureNotSupportedException {
        c.accept("TABLE");
        List<String> out = new ArrayList<>();
        do {
            c.accept("ONLY");
            out.add("TRUNCATE TABLE " + quote(name(c, "TRUNCATE")));
            c.acceptSymbol('*');
        } while (c.acceptSymbol(','));
        // the replica receives the primary's ids explicitly: whether identities restart does not matter
        if (!c.accept("RESTART", "IDENTITY")) c.accept("CONTINUE", "IDENTITY");
        if (c.accept("CASCADE")) {
            throw refusal("TRUNCATE ... CASCADE", "it also empties the tables whose foreign keys reference these,"
                    + " which the statement does not name");
        }
        c.accept("RESTRICT");
        c.end("TRUNCATE");
        return out;
    }

    private List<String> createIndex(Cursor c, boolean unique) throws SQLFeatureNotSupportedException {
        c.accept("CONCURRENTLY"); // only how the primary built it
        boolean ifNotExists = c.accept("IF", "NOT", "EXISTS");
        String name = c.peekWord("ON") || c.peekWord("USING") ? null : name(c, "CREATE INDEX").name();
        String what = "CREATE INDEX" + (name == null ? "" : " " + quoted(name));
        using(c, what);
        if (!c.accept("ON")) throw c.unexpected(what);
        c.accept("ONLY");
        Name table = name(c, what);
        return List.of(createIndex(unique, ifNotExists, name, table, keyColumns(c, what)));
    }

    /** CREATE INDEX; an unnamed index gets the name its source engine would give it where that is predictable. */
    private String createIndex(boolean unique, boolean ifNotExists, String name, Name table, List<IndexColumn> columns) {
        if (name == null) {
            List<IndexColumn> named = source == Engine.POSTGRESQL ? columns : columns.subList(0, 1);
            // the suffix in the replica's fold too, as the parts are: H2 would store t_a_idx as T_A_IDX
            name = table.name() + "_" + String.join("_", named.stream().map(IndexColumn::name).toList())
                    + (target == Engine.H2 ? "_IDX" : "_idx");
        }
        return "CREATE " + (unique ? "UNIQUE " : "") + "INDEX " + (ifNotExists ? "IF NOT EXISTS " : "") + quote(name)
                + " ON " + quote(table) + " ("
                + String.join(", ", columns.stream().map(c -> quote(c.name()) + c.order()).toList()) + ")";
    }

    /** [USING method] (columns) [options] of an index or key. */
    private List<IndexColumn> keyColumns(Cursor e, String what) throws SQLFeatureNotSupportedException {
        using(e, what);
        List<IndexColumn> columns = new ArrayList<>();
        for (Cursor column : e.group(what).elements()) {
            if (column.peekSymbol('(')) throw refusal(what + ": an expression");
            String name = identifier(column, what);
            if (column.peekSymbol('(')) {
                Cursor inside = column.group(what);
                boolean prefix = inside.tokens.size() == 1 && inside.tokens.get(0).type() == Type.NUMBER;
                throw prefix ? refusal(what + ": the prefix length of column " + quoted(name),
                        "an index of " + replica() + " covers whole values") : refusal(what + ": an expression");
            }
            String order = column.accept("ASC") ? " ASC" : column.accept("DESC") ? " DESC" : "";
            // NULLS FIRST/LAST only orders the index
            if (column.accept("NULLS") && !(column.accept("FIRST") || column.accept("LAST"))) {
                throw column.unexpected(what);
            }
            column.end(what + ": column " + quoted(name)); // an operator class, a COLLATE or an expression
            columns.add(new IndexColumn(name, order));
        }
        while (!e.atEnd()) {
            if (e.accept("USING", "INDEX", "TABLESPACE") || e.accept("TABLESPACE") || e.accept("COMMENT")) {
                e.next(what);
            } else if (e.peekWord("USING")) {
                using(e, what);
            } else if (e.accept("KEY_BLOCK_SIZE") || e.accept("ALGORITHM") || e.accept("LOCK")) {
                e.acceptSymbol('=');
                e.next(what);
            } else if (e.accept("WITH")) {
                e.group(what); // PostgreSQL's storage parameters
            } else if (e.peekWord("DEFERRABLE")) {
                throw refusal(what + " DEFERRABLE", "the replica applies the primary's changes one by one, so it"
                        + " could meet a duplicate the primary had only inside a transaction");
            } else if (!(e.accept("VISIBLE") || e.accept("INVISIBLE") || e.accept("NOT", "DEFERRABLE")
                    || e.accept("INITIALLY", "IMMEDIATE"))) {
                throw e.unexpected(what); // WHERE, INCLUDE, NULLS NOT DISTINCT ...
            }
        }
        return columns;
    }

    /** USING BTREE is every engine's default index; MySQL's InnoDB builds a B-tree for USING HASH too. */
    private void using(Cursor e, String what) throws SQLFeatureNotSupportedException {
        if (!e.accept("USING")) return;
        Token method = e.next(what);
        if (!(method.isWord("BTREE") || source == Engine.MYSQL && method.isWord("HASH"))) {
            throw refusal(what + " USING " + method.upper());
        }
    }

    private List<String> dropIndex(Cursor c) throws SQLFeatureNotSupportedException {
        c.accept("CONCURRENTLY");
        boolean ifExists = c.accept("IF", "EXISTS");
        List<Name> indexes = new ArrayList<>();
        do indexes.add(name(c, "DROP INDEX")); while (c.acceptSymbol(','));
        String what = "DROP INDEX " + quoted(indexes.get(0));
        Name table = c.accept("ON") ? name(c, what) : null;
        while (!c.atEnd()) {
            if (c.accept("ALGORITHM") || c.accept("LOCK")) {
                c.acceptSymbol('=');
                c.next(what);
            } else if (!(c.accept("CASCADE") || c.accept("RESTRICT"))) {
                throw c.unexpected(what);
            }
        }
        List<String> out = new ArrayList<>();
        for (Name index : indexes) {
            if (target == Engine.MYSQL) {
                if (table == null) {
                    throw refusal(what + " without ON <table>", "MySQL drops an index of a table it names");
                }
                out.add("DROP INDEX " + (ifExists ? "IF EXISTS " : "") + quote(index.name()) + " ON " + quote(table));
            } else if (table != null && index.name().equalsIgnoreCase("PRIMARY")) {
                out.addAll(dropPrimaryKey("ALTER TABLE " + quote(table) + " ", what + " ON " + quoted(table)));
            } else if (table != null) {
                out.addAll(dropMySqlIndex(table, index.name()));
            } else {
                out.add("DROP INDEX " + (ifExists ? "IF EXISTS " : "") + quote(index));
            }
        }
        return out;
    }

    private List<String> createSchema(Cursor c) throws SQLFeatureNotSupportedException {
        boolean ifNotExists = c.accept("IF", "NOT", "EXISTS");
        if (c.peekWord("AUTHORIZATION")) throw refusal("CREATE SCHEMA AUTHORIZATION");
        String schema = identifier(c, "CREATE SCHEMA");
        String what = "CREATE SCHEMA " + quoted(schema);
        while (source == Engine.MYSQL && !c.atEnd()) { // the database's default character set: columns carry theirs
            c.accept("DEFAULT");
            if (!(c.accept("CHARACTER", "SET") || c.accept("CHARSET") || c.accept("COLLATE") || c.accept("ENCRYPTION"))) {
                throw c.unexpected(what);
            }
            c.acceptSymbol('=');
            c.next(what);
        }
        c.end(what);
        return List.of((target == Engine.MYSQL ? "CREATE DATABASE " : "CREATE SCHEMA ")
                + (ifNotExists ? "IF NOT EXISTS " : "") + quote(schema));
    }

    private List<String> dropSchema(Cursor c) throws SQLFeatureNotSupportedException {
        boolean ifExists = c.accept("IF", "EXISTS");
        List<String> schemas = new ArrayList<>();
        do schemas.add(identifier(c, "DROP SCHEMA")); while (c.acceptSymbol(','));
        // MySQL's DROP DATABASE drops the tables in it, which PostgreSQL and H2 do only with CASCADE
        boolean cascade = c.accept("CASCADE") || source == Engine.MYSQL;
        if (!cascade) c.accept("RESTRICT");
        c.end("DROP SCHEMA");
        List<String> out = new ArrayList<>();
        for (String schema : schemas) {
            out.add(target == Engine.MYSQL ? "DROP DATABASE " + (ifExists ? "IF EXISTS " : "") + quote(schema)
                    : "DROP SCHEMA " + (ifExists ? "IF EXISTS " : "") + quote(schema) + (cascade ? " CASCADE" : ""));
        }
        return out;
    }

    // ---- names and messages

    /** A name: quoted text exactly, an unquoted word as the replica's engine folds unquoted names. */
    private String identifier(Cursor c, String what) throws SQLFeatureNotSupportedException {
        Token t = c.peek();
        if (t != null && t.type() == Type.STRING && t.text().startsWith("\"")) {
            throw refusal(what + ": " + t.text(), "MySQL reads a double-quoted name as a string unless ANSI_QUOTES is"
                    + " set, which Shardline does not assume");
        }
        if (t == null || !t.isIdentifier()) throw c.unexpected(what);
        c.pos++;
        // MySQL's backticks only protect a name (they do not make it case-significant, as quotes do elsewhere)
        if (t.type() == Type.QUOTED && source != Engine.MYSQL) return t.identifier();
        String word = t.type() == Type.QUOTED ? t.identifier() : t.text();
        return switch (target) {
            case H2 -> word.toUpperCase(Locale.ROOT);
            case POSTGRESQL -> word.toLowerCase(Locale.ROOT);
            // MySQL keeps a table name's case (on Linux): H2 and PostgreSQL fold theirs, so one fold
            // for all, lower case as MySQL users write them (the source is never MySQL here)
            case MYSQL -> word.toLowerCase(Locale.ROOT);
        };
    }

    /** [schema.]name, dropping the primary's default schema so the replica's own default schema applies. */
    private Name name(Cursor c, String what) throws SQLFeatureNotSupportedException {
        String first = identifier(c, what);
        if (!c.acceptSymbol('.')) return new Name(null, first);
        String second = identifier(c, what);
        if (c.peekSymbol('.')) throw refusal(what + ": a three-part name");
        return new Name(first.equalsIgnoreCase(sourceDefaultSchema) ? null : first, second);
    }

    private String quote(String identifier) {
        return target == Engine.MYSQL ? "`" + identifier.replace("`", "``") + "`"
                : "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private String quote(Name name) {
        return name.schema() == null ? quote(name.name()) : quote(name.schema()) + "." + quote(name.name());
    }

    /** A name for messages, double-quoted whatever the engines. */
    private static String quoted(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String quoted(Name name) {
        return name.schema() == null ? quoted(name.name()) : quoted(name.schema()) + "." + quoted(name.name());
    }

    private String replica() {
        return (target == Engine.H2 ? "an " : "a ") + target + " replica";
    }

    private SQLFeatureNotSupportedException refusal(String what) {
        return new SQLFeatureNotSupportedException(what + " cannot be translated for " + replica(), "0A000");
    }

    private SQLFeatureNotSupportedException refusal(String what, String reason) {
        return new SQLFeatureNotSupportedException(what + " cannot be translated for " + replica() + ": " + reason,
                "0A000");
    }

    /** The statement's keywords up to its object kind ("CREATE OR REPLACE VIEW"), else its first one ("GRANT"). */
    private static String construct(List<Token> tokens) {
        if (tokens.isEmpty()) return "an empty statement";
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < Math.min(tokens.size(), 5) && tokens.get(i).type() == Type.WORD; i++) {
            words.append(i == 0 ? "" : " ").append(tokens.get(i).upper());
            if (OBJECT_KINDS.contains(tokens.get(i).upper())) return words.toString();
        }
        return tokens.get(0).upper();
    }

    /** A position in a token list: the statement, the inside of parentheses, or one comma-separated element. */
    private final class Cursor {
        private final List<Token> tokens;
        private int pos;

        Cursor(List<Token> tokens) {
            this.tokens = tokens;
        }

        boolean atEnd() {
            return pos >= tokens.size();
        }

        Token peek() {
            return atEnd() ? null : tokens.get(pos);
        }

        boolean peekWord(String word) {
            return !atEnd() && tokens.get(pos).isWord(word);
        }

        boolean peekSymbol(char symbol) {
            return !atEnd() && tokens.get(pos).isSymbol(symbol);
        }

        Token next(String what) throws SQLFeatureNotSupportedException {
            if (atEnd()) throw unexpected(what);
            return tokens.get(pos++);
        }

        /** Consumes the words if they come next, in this order. */
        boolean accept(String... words) {
            for (int i = 0; i < words.length; i++) {
                if (pos + i >= tokens.size() || !tokens.get(pos + i).isWord(words[i])) return false;
            }
            pos += words.length;
            return true;
        }

        boolean acceptSymbol(char symbol) {
            if (!peekSymbol(symbol)) return false;
            pos++;
            return true;
        }

        /** Consumes a parenthesized group and returns its inside. */
        Cursor group(String what) throws SQLFeatureNotSupportedException {
            if (!peekSymbol('(')) throw unexpected(what);
            int depth = 0;
            for (int i = pos; i < tokens.size(); i++) {
                if (tokens.get(i).isSymbol('(')) {
                    depth++;
                } else if (tokens.get(i).isSymbol(')') && --depth == 0) {
                    Cursor inside = new Cursor(tokens.subList(pos + 1, i));
                    pos = i + 1;
                    return inside;
                }
            }
            pos = tokens.size();
            throw unexpected(what);
        }

        /** Consumes the rest, split at the commas outside parentheses. */
        List<Cursor> elements() {
            List<Cursor> elements = new ArrayList<>();
            int depth = 0;
            int from = pos;
            for (; pos < tokens.size(); pos++) {
                Token t = tokens.get(pos);
                if (t.isSymbol('(')) {
                    depth++;
                } else if (t.isSymbol(')')) {
                    depth--;
                } else if (depth == 0 && t.isSymbol(',')) {
                    elements.add(new Cursor(tokens.subList(from, pos)));
                    from = pos + 1;
                }
            }
            elements.add(new Cursor(tokens.subList(from, pos)));
            return elements;
        }

        void end(String what) throws SQLFeatureNotSupportedException {
            if (!atEnd()) throw unexpected(what);
        }

        SQLFeatureNotSupportedException unexpected(String what) {
            return refusal(what + (atEnd() ? " (incomplete)" : ": " + peek().upper()));
        }

        /** The tokens from {@code from} to here as written, keywords upper-cased: a type for messages. */
        String text(int from) {
            StringBuilder text = new StringBuilder();
            for (int i = from; i < pos; i++) {
                if (i > from && tokens.get(i).start() > tokens.get(i - 1).end()) text.append(' ');
                text.append(tokens.get(i).upper());
            }
            return text.toString();
        }
    }
}
