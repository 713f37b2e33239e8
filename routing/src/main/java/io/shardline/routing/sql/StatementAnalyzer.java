package io.shardline.routing.sql;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.execute.Execute;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.upsert.Upsert;
import net.sf.jsqlparser.util.TablesNamesFinder;

import io.shardline.routing.sql.SqlLexer.Token;
import io.shardline.routing.sql.SqlLexer.Type;
import io.shardline.routing.sql.StatementInfo.Kind;
import io.shardline.routing.sql.StatementInfo.TransactionVerb;

/**
 * Parses and classifies SQL statements for routing and replication, caching the result per exact
 * SQL text.
 *
 * <p>Classification is conservative: a statement is {@link Kind#READ} only when it is provably a
 * side-effect-free query; anything that cannot be understood is a {@link Kind#WRITE}. Text that
 * JSqlParser cannot parse is classified by its first keyword.
 *
 * <p>Thread-safe. A cache hit is a single {@link ConcurrentHashMap#get} and allocates nothing.
 */
public final class StatementAnalyzer {

    /** Maximum number of cached analyses; the cache is cleared when it is full. */
    static final int MAX_CACHE_ENTRIES = 10_000;

    private static final Pattern HINT = Pattern.compile("shardline\\s*:\\s*primary", Pattern.CASE_INSENSITIVE);

    private static final Set<String> CATALOG_SCHEMAS =
            Set.of("information_schema", "pg_catalog", "mysql", "performance_schema", "sys");

    private static final Set<String> SEQUENCE_WORDS = Set.of("NEXTVAL", "CURRVAL", "SETVAL", "LASTVAL");

    /** Niladic session functions (no parentheses needed) whose value depends on the connection. */
    private static final Set<String> BARE_SESSION_FUNCTIONS = Set.of("CURRENT_USER", "SESSION_USER",
            "SYSTEM_USER", "CURRENT_SCHEMA", "CURRENT_CATALOG", "CURRENT_ROLE", "CURRENT_PATH");

    /**
     * Built-in functions that read the connection's own state (so a query calling them stays on
     * the primary) but write no table (so it is not run as a write): what tools and pools ask a
     * connection, such as Flyway's {@code SELECT DATABASE()}.
     */
    private static final Set<String> SESSION_READ_FUNCTIONS = Set.of("DATABASE", "SCHEMA", "USER", "CURRENT_USER",
            "SESSION_USER", "SYSTEM_USER", "CURRENT_SCHEMA", "CURRENT_CATALOG", "VERSION", "CONNECTION_ID",
            "LAST_INSERT_ID", "FOUND_ROWS", "ROW_COUNT", "H2VERSION", "IDENTITY", "SCOPE_IDENTITY", "SESSION_ID",
            "TRANSACTION_ID", "READONLY", "LOCK_TIMEOUT", "DATABASE_PATH", "CURRENT_SETTING", "PG_BACKEND_PID",
            "CURRENT_DATABASE", "UUID_SHORT");

    /** Keywords that may be directly followed by '(' without being a function call. */
    private static final Set<String> PAREN_KEYWORDS = Set.of("SELECT", "FROM", "WHERE", "AND", "OR", "NOT",
            "IN", "EXISTS", "AS", "ON", "USING", "JOIN", "VALUES", "VALUE", "OVER", "FILTER", "WITHIN", "GROUP",
            "BY", "HAVING", "WHEN", "THEN", "ELSE", "CASE", "END", "UNION", "ALL", "ANY", "SOME", "INTERSECT",
            "EXCEPT", "MINUS", "DISTINCT", "LATERAL", "LIKE", "ILIKE", "BETWEEN", "IS", "ROW", "ARRAY", "ROLLUP",
            "CUBE", "GROUPING", "SETS", "PARTITION", "ORDER", "LIMIT", "OFFSET", "FETCH", "TOP", "QUALIFY",
            "WINDOW", "RECURSIVE", "INTERVAL", "ESCAPE", "OF", "WITH", "TABLE", "MATCH", "AGAINST", "TO",
            "SIMILAR", "REGEXP", "RLIKE", "COLLATE", "ZONE", "ONLY", "ROWS", "RANGE", "PRECEDING", "FOLLOWING",
            "MATERIALIZED", "KEEP", "DENSE_RANK");

    /** Functions (and type names used in casts) known to be free of side effects. */
    private static final Set<String> PURE_FUNCTIONS = Set.of(
            // aggregates
            "COUNT", "SUM", "AVG", "MIN", "MAX", "GROUP_CONCAT", "STRING_AGG", "LISTAGG", "ARRAY_AGG", "JSON_AGG",
            "JSONB_AGG", "JSON_ARRAYAGG", "JSON_OBJECTAGG", "BOOL_AND", "BOOL_OR", "EVERY", "STDDEV", "STDDEV_POP",
            "STDDEV_SAMP", "VARIANCE", "VAR_POP", "VAR_SAMP", "BIT_AND", "BIT_OR", "BIT_XOR", "MEDIAN",
            "PERCENTILE_CONT", "PERCENTILE_DISC", "MODE", "ANY_VALUE", "COVAR_POP", "COVAR_SAMP", "CORR",
            // conditionals and conversions
            "COALESCE", "NULLIF", "IFNULL", "NVL", "NVL2", "ISNULL", "IF", "IIF", "DECODE", "CASE", "GREATEST",
            "LEAST", "CAST", "CONVERT", "TRY_CAST", "TRY_CONVERT", "TO_CHAR", "TO_DATE", "TO_NUMBER",
            "TO_TIMESTAMP", "PARSEDATETIME", "FORMATDATETIME", "BIN_TO_UUID", "UUID_TO_BIN",
            // strings
            "LOWER", "UPPER", "LCASE", "UCASE", "TRIM", "LTRIM", "RTRIM", "BTRIM", "SUBSTRING", "SUBSTR", "MID",
            "LENGTH", "LEN", "CHAR_LENGTH", "CHARACTER_LENGTH", "OCTET_LENGTH", "BIT_LENGTH", "CONCAT",
            "CONCAT_WS", "REPLACE", "TRANSLATE", "POSITION", "LOCATE", "INSTR", "STRPOS", "CHARINDEX", "LEFT",
            "RIGHT", "LPAD", "RPAD", "REPEAT", "REVERSE", "SPACE", "ASCII", "CHR", "CHAR", "INITCAP",
            "SPLIT_PART", "REGEXP_REPLACE", "REGEXP_SUBSTR", "REGEXP_LIKE", "REGEXP_INSTR", "REGEXP_MATCHES",
            "FORMAT", "HEX", "UNHEX", "MD5", "SHA1", "SHA2", "TO_HEX", "STARTS_WITH", "ENDS_WITH", "SOUNDEX",
            "FIELD", "ELT", "FIND_IN_SET", "INSERT", "OVERLAY", "QUOTE_IDENT", "QUOTE_LITERAL",
            "LOWER_INC", "STRING_TO_ARRAY", "ARRAY_TO_STRING", "ARRAY_LENGTH", "CARDINALITY", "UNNEST",
            "JSON_EXTRACT", "JSON_VALUE", "JSON_QUERY", "JSON_OBJECT", "JSON_ARRAY", "JSON_UNQUOTE",
            "JSON_CONTAINS", "JSON_LENGTH", "JSON_BUILD_OBJECT", "JSON_BUILD_ARRAY", "JSONB_BUILD_OBJECT",
            "TO_JSON", "TO_JSONB",
            // numbers
            "ABS", "CEIL", "CEILING", "FLOOR", "ROUND", "TRUNC", "TRUNCATE", "MOD", "POWER", "POW", "SQRT",
            "SIGN", "EXP", "LN", "LOG", "LOG10", "LOG2", "PI", "SIN", "COS", "TAN", "COT", "ASIN", "ACOS",
            "ATAN", "ATAN2", "DEGREES", "RADIANS", "BITAND", "BITOR", "BITXOR", "DIV", "WIDTH_BUCKET",
            // dates and times (current-time functions are harmless in a read)
            "EXTRACT", "YEAR", "MONTH", "DAY", "DAYOFMONTH", "DAYOFWEEK", "DAYOFYEAR", "DAY_OF_WEEK",
            "DAY_OF_YEAR", "WEEK", "WEEKDAY", "WEEKOFYEAR", "ISO_WEEK", "QUARTER", "HOUR", "MINUTE", "SECOND",
            "DATE", "TIME", "TIMESTAMP", "DATETIME", "DATE_TRUNC", "DATEDIFF", "DATEADD", "DATE_ADD", "DATE_SUB",
            "ADDDATE", "SUBDATE", "TIMESTAMPDIFF", "TIMESTAMPADD", "DATE_FORMAT", "STR_TO_DATE", "LAST_DAY",
            "MONTHS_BETWEEN", "ADD_MONTHS", "DATE_PART", "AGE", "MAKE_DATE", "MAKE_TIMESTAMP", "FROM_UNIXTIME",
            "DAYNAME", "MONTHNAME", "TO_DAYS", "FROM_DAYS", "NOW", "CURRENT_TIMESTAMP", "CURRENT_DATE",
            "CURRENT_TIME", "LOCALTIMESTAMP", "LOCALTIME", "SYSDATE", "SYSTIMESTAMP", "CURDATE", "CURTIME",
            "UTC_TIMESTAMP", "UTC_DATE", "UTC_TIME", "UNIX_TIMESTAMP", "GETDATE", "GETUTCDATE",
            // randomness is harmless in a read: the replica evaluates it for the reader
            "RAND", "RANDOM", "UUID", "RANDOM_UUID", "GEN_RANDOM_UUID", "NEWID", "SYS_GUID",
            // window functions
            "ROW_NUMBER", "RANK", "DENSE_RANK", "PERCENT_RANK", "CUME_DIST", "NTILE", "LAG", "LEAD",
            "FIRST_VALUE", "LAST_VALUE", "NTH_VALUE",
            // predicates and constructors
            "EXISTS", "ROW", "ARRAY", "GROUPING", "NULLS",
            // type names that take a length/precision inside CAST(...)
            "VARCHAR", "VARCHAR2", "NVARCHAR", "NVARCHAR2", "NCHAR", "CHARACTER", "VARYING", "DECIMAL",
            "NUMERIC", "NUMBER", "DEC", "FLOAT", "DOUBLE", "REAL", "INT", "INTEGER", "BIGINT", "SMALLINT",
            "TINYINT", "BINARY", "VARBINARY", "BIT", "BLOB", "CLOB", "TEXT", "SIGNED", "UNSIGNED");

    private final ConcurrentHashMap<String, StatementInfo> cache = new ConcurrentHashMap<>(256);
    private final boolean backslashEscapes;
    private final int maxEntries;

    /** Creates an analyzer for standard SQL string literals (a backslash is an ordinary character). */
    public StatementAnalyzer() {
        this(false);
    }

    /**
     * Creates an analyzer.
     *
     * @param backslashEscapes whether a backslash escapes the next character in string literals,
     *                         as in MySQL/MariaDB without {@code NO_BACKSLASH_ESCAPES}
     */
    public StatementAnalyzer(boolean backslashEscapes) {
        this(backslashEscapes, MAX_CACHE_ENTRIES);
    }

    StatementAnalyzer(boolean backslashEscapes, int maxEntries) {
        this.backslashEscapes = backslashEscapes;
        this.maxEntries = maxEntries;
    }

    /**
     * Analyzes a SQL text, returning the cached analysis when the exact same text was analysed
     * before.
     *
     * @param sql the SQL text as the application passed it to JDBC
     * @return the (shared, immutable) analysis
     */
    public StatementInfo analyze(String sql) {
        StatementInfo info = cache.get(sql);
        if (info != null) return info;
        Objects.requireNonNull(sql, "sql");
        info = compute(sql);
        if (cache.size() >= maxEntries) cache.clear();
        StatementInfo previous = cache.putIfAbsent(sql, info);
        return previous != null ? previous : info;
    }

    /** Number of cached analyses (for tests and metrics). */
    int cacheSize() {
        return cache.size();
    }

    // ------------------------------------------------------------------------------------------

    StatementInfo compute(String sql) {
        SqlLexer lx = SqlLexer.lex(sql, backslashEscapes);
        StatementInfo.Builder b = new StatementInfo.Builder();
        b.sql = sql;
        b.backslashEscapes = backslashEscapes;
        b.parameterCount = lx.parameterCount();
        for (String c : lx.comments) {
            if (HINT.matcher(c).find()) {
                b.forcePrimary = true;
                break;
            }
        }
        Token first = lx.at(0);
        if (first != null && first.isSymbol('{')) {
            // JDBC escape: {call proc(?)} or {? = call f(?)}
            b.kind = Kind.WRITE;
            return b.build();
        }
        if (lx.hasMultipleStatements()) {
            b.kind = Kind.WRITE;
            b.notPlainReason = "multiple statements in one text";
            return b.build();
        }
        Statement st = null;
        try {
            st = CCJSqlParserUtil.parse(sql);
        } catch (Exception | StackOverflowError e) {
            st = null;
        }
        if (st == null) {
            fallback(lx, b);
            return withSideEffects(lx, b).build();
        }
        b.parsed = true;
        try {
            if (st instanceof Select sel) {
                analyzeSelect(sel, lx, b);
            } else if (st instanceof Insert ins) {
                analyzeInsert(ins, lx, b);
            } else if (st instanceof Update upd) {
                analyzeUpdate(upd, lx, b);
            } else if (st instanceof Delete del) {
                analyzeDelete(del, lx, b);
            } else if (st instanceof Merge merge) {
                analyzeMerge(merge, lx, b);
            } else if (st instanceof Upsert ups) {
                analyzeUpsert(ups, lx, b);
            } else if (st instanceof Execute) {
                b.kind = isSessionFunctionCall(lx) ? Kind.PRIMARY_READ : Kind.WRITE;
            } else {
                classifyByKeyword(lx, b);
                if (b.kind == Kind.WRITE) lexicalWrite(lx, b);
            }
        } catch (RuntimeException e) {
            // An AST shape we did not anticipate: be conservative.
            StatementInfo.Builder fb = new StatementInfo.Builder();
            fb.sql = sql;
            fb.backslashEscapes = backslashEscapes;
            fb.parameterCount = b.parameterCount;
            fb.forcePrimary = b.forcePrimary;
            fallback(lx, fb);
            return withSideEffects(lx, fb).build();
        }
        return withSideEffects(lx, b).build();
    }

    /**
     * Marks a read or a session statement ({@code SET @x = f()}) that calls a function not known to
     * be free of side effects: a user-defined function may write ({@link StatementInfo#callsUnknownFunction()}).
     */
    private static StatementInfo.Builder withSideEffects(SqlLexer lx, StatementInfo.Builder b) {
        if (b.kind == Kind.WRITE) {
            Token first = lx.at(lx.firstKeywordIndex());
            b.commitsImplicitly = first != null && IMPLICIT_COMMIT_WORDS.contains(first.upper());
        }
        if (b.kind == Kind.PRIMARY_READ || b.kind == Kind.SESSION) {
            for (int i = 0; i < lx.tokens.size(); i++) {
                if (unknownCallAt(lx, i)) {
                    b.unknownFunction = lx.at(i).text();
                    break;
                }
            }
        }
        return b;
    }

    /** Whether token {@code i} is the name of a called function that is not known to be pure. */
    private static boolean unknownCallAt(SqlLexer lx, int i) {
        Token t = lx.at(i);
        if (t == null || !t.isIdentifier()) return false;
        Token next = lx.at(i + 1);
        if (next == null || !next.isSymbol('(')) return false;
        Token prev = lx.at(i - 1);
        if (t.type() == Type.QUOTED || (prev != null && prev.isSymbol('.'))) return true;
        String u = t.upper();
        return !PAREN_KEYWORDS.contains(u) && !PURE_FUNCTIONS.contains(u) && !SESSION_READ_FUNCTIONS.contains(u)
                && !isCteColumnList(lx, i);
    }

    /**
     * First words of statements (other than DDL) that H2 or MySQL/MariaDB commit implicitly, before
     * or after they run: {@code ANALYZE} and {@code CHECKPOINT} (H2), {@code ANALYZE/OPTIMIZE/REPAIR
     * /CHECK TABLE}, {@code LOCK/UNLOCK TABLES}, {@code FLUSH}, {@code LOAD INDEX}, {@code CACHE INDEX}
     * (MySQL/MariaDB).
     */
    private static final Set<String> IMPLICIT_COMMIT_WORDS = Set.of("ANALYZE", "CHECKPOINT", "OPTIMIZE", "REPAIR",
            "CHECK", "LOCK", "UNLOCK", "FLUSH", "LOAD", "CACHE");

    /** Side-effect-free session functions that tools query with {@code CALL f()} (Flyway on H2: {@code CALL SCHEMA()}). */
    private static final Set<String> CALLABLE_SESSION_FUNCTIONS = Set.of("SCHEMA", "DATABASE", "USER",
            "CURRENT_USER", "SESSION_USER", "CURRENT_SCHEMA", "CURRENT_CATALOG", "H2VERSION");

    /** Exactly {@code CALL f()} (optionally {@code ;}-terminated) with {@code f} a session function: a read. */
    private static boolean isSessionFunctionCall(SqlLexer lx) {
        List<Token> ts = lx.tokens;
        int n = ts.size();
        if (n > 0 && ts.get(n - 1).isSymbol(';')) n--;
        return n == 4 && ts.get(0).isWord("CALL") && ts.get(1).type() == Type.WORD
                && CALLABLE_SESSION_FUNCTIONS.contains(ts.get(1).upper())
                && ts.get(2).isSymbol('(') && ts.get(3).isSymbol(')');
    }

    /** Keyword-based classification of text JSqlParser could not parse. */
    private void fallback(SqlLexer lx, StatementInfo.Builder b) {
        b.parsed = false;
        classifyByKeyword(lx, b);
        if (b.kind == Kind.WRITE) lexicalWrite(lx, b);
    }

    /** Modifiers between CREATE/ALTER and TABLE ({@code CREATE OR REPLACE GLOBAL TEMPORARY TABLE}, {@code ALTER ONLINE TABLE}). */
    private static final Set<String> TABLE_MODIFIERS = Set.of("OR", "REPLACE", "GLOBAL", "LOCAL", "TEMPORARY", "TEMP",
            "MEMORY", "CACHED", "ONLINE", "IGNORE", "UNLOGGED", "TRANSACTIONAL", "LINKED");

    /**
     * The tables a CREATE TABLE, ALTER TABLE or RENAME TABLE names (see
     * {@link StatementInfo#reshapedTables()}), read from the tokens so that DDL JSqlParser does not
     * know is covered too.
     */
    private static Set<String> reshapedTables(SqlLexer lx, int fk) {
        Token verb = lx.at(fk);
        int i = fk + 1;
        while (lx.at(i) != null && lx.at(i).type() == SqlLexer.Type.WORD && TABLE_MODIFIERS.contains(lx.at(i).upper())) i++;
        if (lx.at(i) == null || !lx.at(i).isWord("TABLE")) return Set.of();
        if (!(verb.isWord("CREATE") || verb.isWord("ALTER") || verb.isWord("RENAME"))) return Set.of();
        Set<String> names = new LinkedHashSet<>();
        i++;
        // IF [NOT] EXISTS
        if (lx.at(i) != null && lx.at(i).isWord("IF")) {
            i++;
            if (lx.at(i) != null && lx.at(i).isWord("NOT")) i++;
            if (lx.at(i) != null && lx.at(i).isWord("EXISTS")) i++;
        }
        i = readName(lx, i, names);
        if (i < 0) return Set.of(StatementInfo.ALL_TABLES);
        // every further name a rename introduces: RENAME TABLE a TO b, c TO d; ALTER TABLE a RENAME [TO|AS] b
        for (; lx.at(i) != null; i++) {
            Token t = lx.at(i);
            boolean renameTarget = (t.isWord("TO") || t.isWord("AS")) && i > 0
                    && (verb.isWord("RENAME") || lx.at(i - 1).isWord("RENAME"));
            boolean nextPair = verb.isWord("RENAME") && t.isSymbol(',');
            if (t.isWord("RENAME") && lx.at(i + 1) != null && lx.at(i + 1).isIdentifier()
                    && !lx.at(i + 1).isWord("TO") && !lx.at(i + 1).isWord("AS") && !lx.at(i + 1).isWord("COLUMN")
                    && !lx.at(i + 1).isWord("INDEX") && !lx.at(i + 1).isWord("KEY") && !lx.at(i + 1).isWord("CONSTRAINT")) {
                // ALTER TABLE a RENAME b (MySQL's TO is optional)
                if (readName(lx, i + 1, names) < 0) return Set.of(StatementInfo.ALL_TABLES);
            } else if (renameTarget || nextPair) {
                if (readName(lx, i + 1, names) < 0) return Set.of(StatementInfo.ALL_TABLES);
            }
        }
        return names;
    }

    /** Reads a possibly qualified name at {@code i} into {@code names} (its last part); returns the index after it, or -1. */
    private static int readName(SqlLexer lx, int i, Set<String> names) {
        Token t = lx.at(i);
        if (t == null || !t.isIdentifier()) return -1;
        String last = t.identifier();
        i++;
        while (lx.at(i) != null && lx.at(i).isSymbol('.') && lx.at(i + 1) != null && lx.at(i + 1).isIdentifier()) {
            last = lx.at(i + 1).identifier();
            i += 2;
        }
        names.add(last.toLowerCase(Locale.ROOT));
        return i;
    }

    private static void classifyByKeyword(SqlLexer lx, StatementInfo.Builder b) {
        int fk = lx.firstKeywordIndex();
        Token t = lx.at(fk);
        if (t == null) {
            b.kind = Kind.WRITE;
            return;
        }
        switch (t.upper()) {
            case "CREATE", "ALTER", "DROP", "TRUNCATE", "RENAME", "COMMENT", "GRANT", "REVOKE" -> {
                b.kind = Kind.DDL;
                b.reshapedTables = reshapedTables(lx, fk);
            }
            case "SELECT", "WITH", "VALUES", "TABLE" -> b.kind = containsDml(lx) ? Kind.WRITE : Kind.PRIMARY_READ;
            case "SHOW", "DESCRIBE", "DESC" -> b.kind = Kind.PRIMARY_READ;
            case "EXPLAIN" -> b.kind = (lx.containsWord("ANALYZE") || lx.containsWord("ANALYSE")) && containsDml(lx)
                    ? Kind.WRITE : Kind.PRIMARY_READ;
            case "SET", "USE" -> b.kind = Kind.SESSION;
            case "COMMIT", "END" -> {
                b.kind = Kind.TRANSACTION;
                b.transactionVerb = TransactionVerb.COMMIT;
            }
            case "ROLLBACK", "ABORT" -> {
                b.kind = Kind.TRANSACTION;
                b.transactionVerb = lx.containsWord("TO") ? TransactionVerb.OTHER : TransactionVerb.ROLLBACK;
            }
            case "BEGIN" -> {
                // BEGIN [WORK|TRANSACTION] ... ; anything else is a procedural block
                boolean plain = true;
                for (int i = fk + 1; i < lx.tokens.size(); i++) {
                    Token x = lx.tokens.get(i);
                    if (x.isSymbol(';') || x.isSymbol(',')) continue;
                    if (x.type() != Type.WORD || !Set.of("WORK", "TRANSACTION", "TRAN", "ISOLATION", "LEVEL", "READ",
                            "WRITE", "ONLY", "COMMITTED", "UNCOMMITTED", "REPEATABLE", "SERIALIZABLE", "DEFERRABLE",
                            "NOT", "DEFERRED", "IMMEDIATE", "EXCLUSIVE").contains(x.upper())) {
                        plain = false;
                        break;
                    }
                }
                if (plain) {
                    b.kind = Kind.TRANSACTION;
                    b.transactionVerb = TransactionVerb.OTHER;
                } else {
                    b.kind = Kind.WRITE;
                }
            }
            case "START", "SAVEPOINT", "RELEASE" -> {
                b.kind = Kind.TRANSACTION;
                b.transactionVerb = TransactionVerb.OTHER;
            }
            default -> b.kind = Kind.WRITE;
        }
    }

    /** Whether a query text contains a data-modifying statement (e.g. a PostgreSQL DML CTE). */
    private static boolean containsDml(SqlLexer lx) {
        List<Token> ts = lx.tokens;
        for (int i = 0; i < ts.size(); i++) {
            Token t = ts.get(i);
            if (t.type() != Type.WORD) continue;
            String u = t.upper();
            if (u.equals("INSERT") || u.equals("DELETE") || u.equals("MERGE") || u.equals("TRUNCATE")) {
                if (!(i + 1 < ts.size() && ts.get(i + 1).isSymbol('('))) return true;
            } else if (u.equals("UPDATE")) {
                Token prev = lx.at(i - 1);
                if (prev == null || !(prev.isWord("FOR") || prev.isWord("KEY"))) return true;
            }
        }
        return false;
    }

    // ---- SELECT --------------------------------------------------------------------------------

    private void analyzeSelect(Select sel, SqlLexer lx, StatementInfo.Builder b) {
        boolean tablesKnown = collectTables(sel, b);
        if (containsDml(lx)) {
            b.kind = Kind.WRITE;
            return;
        }
        int into = indexOfWord(lx, "INTO", 0);
        if (into >= 0) {
            Token next = lx.at(into + 1);
            if (next != null && (next.type() == Type.VARIABLE || next.isWord("OUTFILE") || next.isWord("DUMPFILE"))) {
                b.kind = Kind.PRIMARY_READ;
            } else {
                // SELECT ... INTO new_table creates and fills a table
                b.kind = Kind.WRITE;
                b.notPlainReason = "SELECT ... INTO";
            }
            return;
        }
        boolean primary = b.forcePrimary || !tablesKnown || readBlocked(lx);
        for (String q : b.schemaQualifiers) {
            if (CATALOG_SCHEMAS.contains(q)) primary = true;
        }
        for (String t : b.tables) {
            if (t.startsWith("pg_") || t.equals("information_schema")) primary = true;
        }
        b.kind = primary ? Kind.PRIMARY_READ : Kind.READ;
    }

    private static int indexOfWord(SqlLexer lx, String upper, int from) {
        for (int i = from; i < lx.tokens.size(); i++) {
            if (lx.tokens.get(i).isWord(upper)) return i;
        }
        return -1;
    }

    /** Lexical checks that keep a query off the replicas. */
    private static boolean readBlocked(SqlLexer lx) {
        List<Token> ts = lx.tokens;
        for (int i = 0; i < ts.size(); i++) {
            Token t = ts.get(i);
            Token prev = lx.at(i - 1);
            Token next = lx.at(i + 1);
            if (t.type() == Type.VARIABLE) return true; // @user_var / @@system_var: connection state
            if (t.type() == Type.WORD) {
                String u = t.upper();
                if (SEQUENCE_WORDS.contains(u)) return true;
                if (u.equals("NEXT") && next != null && next.isWord("VALUE")) return true;
                if (u.equals("FOR") && next != null && (next.isWord("UPDATE") || next.isWord("SHARE")
                        || next.isWord("NO") || next.isWord("KEY"))) return true;
                if (u.equals("LOCK") && next != null && next.isWord("IN")) return true;
                if (BARE_SESSION_FUNCTIONS.contains(u) && (prev == null || !prev.isSymbol('.'))) return true;
            }
            if (t.isIdentifier()) {
                if (next != null && next.isSymbol('.')
                        && CATALOG_SCHEMAS.contains(t.identifier().toLowerCase(Locale.ROOT))) return true;
                if (unknownCallAt(lx, i)) return true;
                if (next != null && next.isSymbol('(') && SESSION_READ_FUNCTIONS.contains(t.upper())) return true;
            }
        }
        return false;
    }

    /** {@code WITH name (a, b) AS (...)}: a column list, not a call. */
    private static boolean isCteColumnList(SqlLexer lx, int nameIndex) {
        Token prev = lx.at(nameIndex - 1);
        if (prev == null || !(prev.isWord("WITH") || prev.isWord("RECURSIVE") || prev.isSymbol(','))) return false;
        int depth = 0;
        int i = nameIndex + 1;
        for (; i < lx.tokens.size(); i++) {
            Token t = lx.tokens.get(i);
            if (t.isSymbol('(')) depth++;
            else if (t.isSymbol(')') && --depth == 0) break;
        }
        Token as = lx.at(i + 1);
        Token after = lx.at(i + 2);
        return as != null && as.isWord("AS") && after != null
                && (after.isSymbol('(') || after.isWord("NOT") || after.isWord("MATERIALIZED"));
    }

    // ---- writes --------------------------------------------------------------------------------

    private void analyzeInsert(Insert ins, SqlLexer lx, StatementInfo.Builder b) {
        b.kind = Kind.WRITE;
        collectTables(ins, b);
        setWritten(ins.getTable(), b);
        b.insert = true;
        b.insertTable = qualifiedUnquoted(ins.getTable());
        if (ins.getColumns() != null) {
            for (Column c : ins.getColumns()) {
                b.insertColumns.add(unquote(c.getColumnName()).toLowerCase(Locale.ROOT));
            }
        }
        boolean hasSelectWord = lx.containsWord("SELECT");
        Select source = ins.getSelect();
        boolean isValues = source instanceof Values;
        List<ExpressionList<Expression>> rows = isValues ? valueRows(((Values) source).getExpressions()) : null;
        b.insertRows = rows != null ? rows.size() : -1;
        if (rows != null) {
            // columns listed but given DEFAULT / NULL: the database generates their value (identity keys)
            for (int c = 0; c < b.insertColumns.size(); c++) {
                int n = 0;
                for (ExpressionList<Expression> row : rows) if (c < row.size() && isDefaultOrNull(row.get(c))) n++;
                if (n > 0) b.insertDefaultedRows.put(b.insertColumns.get(c), n);
            }
        }
        boolean noWith = ins.getWithItemsList() == null || ins.getWithItemsList().isEmpty();
        if ((source != null && !isValues) || hasSelectWord || !noWith) {
            b.notPlainReason = "INSERT ... SELECT";
        }
        b.insertIsPlain = rows != null && noWith && !hasSelectWord
                && (ins.getDuplicateUpdateSets() == null || ins.getDuplicateUpdateSets().isEmpty())
                && !ins.isModifierIgnore()
                && ins.getConflictAction() == null && ins.getConflictTarget() == null
                && ins.getReturningClause() == null && ins.getOutputClause() == null
                && !notEmpty(ins.getSetUpdateSets()) && !ins.isOverwrite() && !ins.isOnlyDefaultValues()
                && !lx.containsWord("RETURNING") && !lx.containsWord("CONFLICT") && !lx.containsWord("IGNORE")
                && !lx.containsWord("DUPLICATE");
    }

    /** A VALUES item that leaves the column's value to the database: {@code DEFAULT} or {@code NULL}. */
    public static boolean isDefaultOrNull(Expression e) {
        return e instanceof net.sf.jsqlparser.expression.NullValue
                || (e instanceof Column c && (c.getTable() == null || c.getTable().getName() == null) && "DEFAULT".equalsIgnoreCase(c.getColumnName()));
    }

    /**
     * The rows of a VALUES list: a top-level parenthesised list is one row; a plain list holds one
     * parenthesised list per row. Returns null for any other shape.
     */
    @SuppressWarnings("unchecked")
    public static List<ExpressionList<Expression>> valueRows(ExpressionList<?> exprs) {
        if (exprs == null) return null;
        List<ExpressionList<Expression>> rows = new ArrayList<>();
        if (exprs instanceof ParenthesedExpressionList<?>) {
            rows.add((ExpressionList<Expression>) exprs);
            return rows;
        }
        for (Expression e : exprs) {
            if (!(e instanceof ParenthesedExpressionList<?> p)) return null;
            rows.add((ExpressionList<Expression>) p);
        }
        return rows;
    }

    private void analyzeUpdate(Update upd, SqlLexer lx, StatementInfo.Builder b) {
        b.kind = Kind.WRITE;
        int tableCount = collectTables(upd, b) ? b.tables.size() : 2;
        setWritten(upd.getTable(), b);
        boolean joins = notEmpty(upd.getStartJoins()) || notEmpty(upd.getJoins()) || upd.getFromItem() != null;
        if (joins) {
            b.notPlainReason = "UPDATE ... JOIN";
        } else if (lx.containsWord("SELECT") || notEmpty(upd.getWithItemsList())) {
            b.notPlainReason = "UPDATE with a subquery";
        } else if (tableCount > 1) {
            b.notPlainReason = "UPDATE ... JOIN";
        } else if (upd.getLimit() != null && !notEmpty(upd.getOrderByElements())) {
            b.notPlainReason = "UPDATE ... LIMIT without ORDER BY";
        }
    }

    private void analyzeDelete(Delete del, SqlLexer lx, StatementInfo.Builder b) {
        b.kind = Kind.WRITE;
        int tableCount = collectTables(del, b) ? b.tables.size() : 2;
        Table target = del.getTable();
        if (target == null && notEmpty(del.getTables())) target = del.getTables().get(0);
        setWritten(target, b);
        boolean joins = notEmpty(del.getJoins()) || notEmpty(del.getTables()) || notEmpty(del.getUsingList());
        if (joins) {
            b.notPlainReason = "DELETE ... JOIN";
        } else if (lx.containsWord("SELECT") || notEmpty(del.getWithItemsList())) {
            b.notPlainReason = "DELETE with a subquery";
        } else if (tableCount > 1) {
            b.notPlainReason = "DELETE ... JOIN";
        } else if (del.getLimit() != null && !notEmpty(del.getOrderByElements())) {
            b.notPlainReason = "DELETE ... LIMIT without ORDER BY";
        }
    }

    private void analyzeMerge(Merge merge, SqlLexer lx, StatementInfo.Builder b) {
        b.kind = Kind.WRITE;
        collectTables(merge, b);
        setWritten(merge.getTable(), b);
        if (merge.getFromItem() != null || lx.containsWord("USING")
                || lx.containsWord("SELECT")) {
            b.notPlainReason = "MERGE";
        }
    }

    private void analyzeUpsert(Upsert ups, SqlLexer lx, StatementInfo.Builder b) {
        b.kind = Kind.WRITE;
        collectTables(ups, b);
        setWritten(ups.getTable(), b);
        Select source = ups.getSelect();
        if ((source != null && !(source instanceof Values)) || lx.containsWord("SELECT")) {
            b.notPlainReason = "INSERT ... SELECT";
        }
    }

    /** Lexical analysis of a write JSqlParser could not parse (or did not model). */
    private static void lexicalWrite(SqlLexer lx, StatementInfo.Builder b) {
        int fk = lx.firstKeywordIndex();
        Token t = lx.at(fk);
        if (t == null) return;
        String verb = t.upper();
        Set<String> skip;
        switch (verb) {
            case "INSERT", "REPLACE", "UPSERT" -> skip = Set.of("LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE",
                    "INTO", "OR", "REPLACE", "ABORT", "FAIL", "ROLLBACK");
            case "UPDATE" -> skip = Set.of("LOW_PRIORITY", "IGNORE", "ONLY");
            case "DELETE" -> skip = Set.of("LOW_PRIORITY", "QUICK", "IGNORE", "FROM", "ONLY");
            case "MERGE" -> skip = Set.of("INTO");
            default -> {
                return;
            }
        }
        int i = fk + 1;
        while (i < lx.tokens.size() && lx.tokens.get(i).type() == Type.WORD && skip.contains(lx.tokens.get(i).upper())) i++;
        List<Token> name = new ArrayList<>();
        while (i < lx.tokens.size() && lx.tokens.get(i).isIdentifier()) {
            name.add(lx.tokens.get(i));
            Token dot = lx.at(i + 1);
            if (dot == null || !dot.isSymbol('.')) break;
            i += 2;
        }
        if (!name.isEmpty()) {
            String table = name.get(name.size() - 1).identifier();
            b.writtenTable = table.toLowerCase(Locale.ROOT);
            b.tables.add(b.writtenTable);
            for (int k = 0; k < name.size() - 1; k++) {
                b.schemaQualifiers.add(name.get(k).identifier().toLowerCase(Locale.ROOT));
            }
            if (verb.equals("INSERT")) {
                b.insert = true;
                StringBuilder sb = new StringBuilder();
                for (Token n : name) {
                    if (sb.length() > 0) sb.append('.');
                    sb.append(n.identifier());
                }
                b.insertTable = sb.toString();
            }
        }
        boolean select = lx.containsWord("SELECT");
        boolean limitWithoutOrder = lx.containsWord("LIMIT") && !lx.containsWord("ORDER");
        switch (verb) {
            case "INSERT", "REPLACE", "UPSERT" -> {
                if (select) b.notPlainReason = "INSERT ... SELECT";
            }
            case "UPDATE" -> {
                if (lx.containsWord("JOIN") || lx.containsWord("FROM")) b.notPlainReason = "UPDATE ... JOIN";
                else if (select) b.notPlainReason = "UPDATE with a subquery";
                else if (limitWithoutOrder) b.notPlainReason = "UPDATE ... LIMIT without ORDER BY";
            }
            case "DELETE" -> {
                if (lx.containsWord("JOIN") || lx.containsWord("USING")) b.notPlainReason = "DELETE ... JOIN";
                else if (select) b.notPlainReason = "DELETE with a subquery";
                else if (limitWithoutOrder) b.notPlainReason = "DELETE ... LIMIT without ORDER BY";
            }
            case "MERGE" -> {
                if (lx.containsWord("USING") || select) b.notPlainReason = "MERGE";
            }
            default -> {
            }
        }
    }

    // ---- tables ----------------------------------------------------------------------------------

    /** Records every table of the statement; returns false when the walk failed. */
    private static boolean collectTables(Statement st, StatementInfo.Builder b) {
        TableCollector collector = new TableCollector();
        Set<String> names;
        try {
            names = collector.getTables(st);
        } catch (RuntimeException e) {
            return false;
        }
        for (Map.Entry<String, List<Table>> e : collector.seen.entrySet()) {
            if (!names.contains(e.getKey())) continue; // a CTE or other non-table source
            for (Table t : e.getValue()) addTable(t, b);
        }
        return true;
    }

    private static void addTable(Table t, StatementInfo.Builder b) {
        if (t == null || t.getName() == null) return;
        b.tables.add(unquote(t.getName()).toLowerCase(Locale.ROOT));
        String schema = t.getSchemaName();
        if (schema != null && !schema.isEmpty()) b.schemaQualifiers.add(unquote(schema).toLowerCase(Locale.ROOT));
        String db = t.getDatabase() == null ? null : t.getDatabase().getDatabaseName();
        if (db != null && !db.isEmpty()) b.schemaQualifiers.add(unquote(db).toLowerCase(Locale.ROOT));
    }

    private static void setWritten(Table t, StatementInfo.Builder b) {
        if (t == null || t.getName() == null) return;
        addTable(t, b);
        b.writtenTable = unquote(t.getName()).toLowerCase(Locale.ROOT);
    }

    private static String qualifiedUnquoted(Table t) {
        if (t == null) return null;
        StringBuilder sb = new StringBuilder();
        String db = t.getDatabase() == null ? null : t.getDatabase().getDatabaseName();
        if (db != null && !db.isEmpty()) sb.append(unquote(db)).append('.');
        String schema = t.getSchemaName();
        if (schema != null && !schema.isEmpty()) sb.append(unquote(schema)).append('.');
        sb.append(unquote(t.getName()));
        return sb.toString();
    }

    private static boolean notEmpty(List<?> l) {
        return l != null && !l.isEmpty();
    }

    /** Strips one level of "..", `..` or [..] quoting. */
    public static String unquote(String s) {
        if (s == null || s.length() < 2) return s;
        char a = s.charAt(0);
        char z = s.charAt(s.length() - 1);
        if ((a == '"' && z == '"') || (a == '`' && z == '`') || (a == '[' && z == ']')) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    /** TablesNamesFinder that remembers the Table objects behind each reported name. */
    public static final class TableCollector extends TablesNamesFinder<Void> {
        public final Map<String, List<Table>> seen = new java.util.LinkedHashMap<>();

        @Override
        protected String extractTableName(Table table) {
            String name = super.extractTableName(table);
            seen.computeIfAbsent(name, k -> new ArrayList<>()).add(table);
            return name;
        }
    }

    // ---- rewriting -------------------------------------------------------------------------------

    /** Replaces every qualifier (an identifier followed by '.') equal to {@code from}. */
    static String replaceQualifier(String sql, String from, String to, boolean backslashEscapes) {
        SqlLexer lx = SqlLexer.lex(sql, backslashEscapes);
        String fromName = unquote(from);
        StringBuilder out = null;
        int copied = 0;
        List<Token> ts = lx.tokens;
        for (int i = 0; i < ts.size(); i++) {
            Token t = ts.get(i);
            if (!t.isIdentifier()) continue;
            Token dot = lx.at(i + 1);
            Token after = lx.at(i + 2);
            if (dot == null || !dot.isSymbol('.') || dot.start() != t.end() || after == null
                    || !(after.isIdentifier() || after.isSymbol('*'))) continue;
            if (!t.identifier().equalsIgnoreCase(fromName)) continue;
            if (out == null) out = new StringBuilder(sql.length() + 16);
            out.append(sql, copied, t.start());
            if (t.type() == Type.QUOTED) {
                char q = t.text().charAt(0);
                out.append(q).append(to).append(q == '[' ? ']' : q);
            } else {
                out.append(to);
            }
            copied = t.end();
        }
        if (out == null) return sql;
        out.append(sql, copied, sql.length());
        return out.toString();
    }
}
