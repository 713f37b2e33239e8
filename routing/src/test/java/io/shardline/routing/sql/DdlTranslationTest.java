package io.shardline.routing.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardline.routing.sql.DdlTranslation.Engine;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DdlTranslationTest {

    private static final Engine H2 = Engine.H2;
    private static final Engine MY = Engine.MYSQL;
    private static final Engine PG = Engine.POSTGRESQL;

    /** What a MySQL replica of PostgreSQL or H2 appends to every character column. */
    private static final String BIN = " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";

    private static final String SUBSET = "(Shardline translates CREATE/ALTER/DROP TABLE, CREATE/DROP INDEX, "
            + "TRUNCATE, CREATE SCHEMA; sequences and comments are skipped)";

    private static String defaultSchema(Engine engine) {
        return switch (engine) {
            case H2 -> "PUBLIC";
            case MYSQL -> "shop";
            case POSTGRESQL -> "public";
        };
    }

    private static List<String> tr(String sql, Engine source, Engine target) throws SQLException {
        return DdlTranslation.translate(sql, source, target, defaultSchema(source));
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> refused(String sql, Engine source, Engine target) {
        return assertThatThrownBy(() -> tr(sql, source, target)).as(sql)
                .isInstanceOf(SQLFeatureNotSupportedException.class)
                .hasFieldOrPropertyWithValue("SQLState", "0A000");
    }

    private static String replica(Engine target) {
        return (target == H2 ? "an " : "a ") + target + " replica";
    }

    // ---- same engine ---------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"CREATE TABLE t (a jsonb)", "CREATE VIEW v AS SELECT 1", "not even sql ((", ""})
    void sameEngineReturnsTheTextUnchanged(String sql) throws SQLException {
        for (Engine engine : Engine.values()) {
            assertThat(DdlTranslation.translate(sql, engine, engine, null)).containsExactly(sql);
        }
    }

    // ---- types ---------------------------------------------------------------------------------------------

    /** source, source type, then the H2, MySQL and PostgreSQL column type; "!" marks a refusal, null the source. */
    static Stream<Arguments> types() {
        return Stream.of(
                // MySQL / MariaDB
                Arguments.of(MY, "BOOLEAN", "BOOLEAN", null, "BOOLEAN"),
                Arguments.of(MY, "BOOL", "BOOLEAN", null, "BOOLEAN"),
                Arguments.of(MY, "BIT", "BOOLEAN", null, "BOOLEAN"),
                Arguments.of(MY, "BIT(1)", "BOOLEAN", null, "BOOLEAN"),
                Arguments.of(MY, "BIT(8)", "!", null, "!"),
                Arguments.of(MY, "TINYINT(1)", "BOOLEAN", null, "BOOLEAN"),
                Arguments.of(MY, "TINYINT", "TINYINT", null, "SMALLINT"),
                Arguments.of(MY, "TINYINT(4)", "TINYINT", null, "SMALLINT"),
                Arguments.of(MY, "TINYINT UNSIGNED", "SMALLINT", null, "SMALLINT"),
                Arguments.of(MY, "TINYINT(1) UNSIGNED", "SMALLINT", null, "SMALLINT"),
                Arguments.of(MY, "SMALLINT", "SMALLINT", null, "SMALLINT"),
                Arguments.of(MY, "SMALLINT UNSIGNED", "INTEGER", null, "INTEGER"),
                Arguments.of(MY, "MEDIUMINT", "INTEGER", null, "INTEGER"),
                Arguments.of(MY, "MEDIUMINT UNSIGNED", "BIGINT", null, "BIGINT"),
                Arguments.of(MY, "INT", "INTEGER", null, "INTEGER"),
                Arguments.of(MY, "INTEGER", "INTEGER", null, "INTEGER"),
                Arguments.of(MY, "INT(11) UNSIGNED", "BIGINT", null, "BIGINT"),
                Arguments.of(MY, "INT SIGNED", "INTEGER", null, "INTEGER"),
                Arguments.of(MY, "BIGINT", "BIGINT", null, "BIGINT"),
                Arguments.of(MY, "BIGINT(20) UNSIGNED", "DECIMAL(20,0)", null, "NUMERIC(20,0)"),
                Arguments.of(MY, "INT UNSIGNED ZEROFILL", "!ZEROFILL", null, "!ZEROFILL"),
                Arguments.of(MY, "SERIAL", "!", null, "!"),
                Arguments.of(MY, "DECIMAL(19,4)", "DECIMAL(19,4)", null, "NUMERIC(19,4)"),
                Arguments.of(MY, "DECIMAL(7)", "DECIMAL(7,0)", null, "NUMERIC(7,0)"),
                Arguments.of(MY, "DECIMAL", "DECIMAL(10,0)", null, "NUMERIC(10,0)"),
                Arguments.of(MY, "NUMERIC(5, 2)", "DECIMAL(5,2)", null, "NUMERIC(5,2)"),
                Arguments.of(MY, "DEC(3,1) UNSIGNED", "DECIMAL(3,1)", null, "NUMERIC(3,1)"),
                Arguments.of(MY, "REAL", "DOUBLE PRECISION", null, "DOUBLE PRECISION"),
                Arguments.of(MY, "FLOAT", "REAL", null, "REAL"),
                Arguments.of(MY, "FLOAT(24)", "REAL", null, "REAL"),
                Arguments.of(MY, "FLOAT(25)", "DOUBLE PRECISION", null, "DOUBLE PRECISION"),
                Arguments.of(MY, "FLOAT(7,4)", "!", null, "!"),
                Arguments.of(MY, "DOUBLE", "DOUBLE PRECISION", null, "DOUBLE PRECISION"),
                Arguments.of(MY, "DOUBLE PRECISION", "DOUBLE PRECISION", null, "DOUBLE PRECISION"),
                Arguments.of(MY, "DOUBLE(10,2)", "!", null, "!"),
                Arguments.of(MY, "CHAR(3)", "CHAR(3)", null, "CHAR(3)"),
                Arguments.of(MY, "CHAR", "CHAR(1)", null, "CHAR(1)"),
                Arguments.of(MY, "NCHAR(2)", "CHAR(2)", null, "CHAR(2)"),
                Arguments.of(MY, "VARCHAR(255)", "VARCHAR(255)", null, "VARCHAR(255)"),
                Arguments.of(MY, "NVARCHAR(10)", "VARCHAR(10)", null, "VARCHAR(10)"),
                Arguments.of(MY, "TEXT", "CHARACTER LARGE OBJECT", null, "TEXT"),
                Arguments.of(MY, "TINYTEXT", "CHARACTER LARGE OBJECT", null, "TEXT"),
                Arguments.of(MY, "MEDIUMTEXT", "CHARACTER LARGE OBJECT", null, "TEXT"),
                Arguments.of(MY, "LONGTEXT", "CHARACTER LARGE OBJECT", null, "TEXT"),
                Arguments.of(MY, "BINARY(16)", "BINARY(16)", null, "BYTEA"),
                Arguments.of(MY, "VARBINARY(8)", "VARBINARY(8)", null, "BYTEA"),
                Arguments.of(MY, "BLOB", "BINARY LARGE OBJECT", null, "BYTEA"),
                Arguments.of(MY, "TINYBLOB", "BINARY LARGE OBJECT", null, "BYTEA"),
                Arguments.of(MY, "MEDIUMBLOB", "BINARY LARGE OBJECT", null, "BYTEA"),
                Arguments.of(MY, "LONGBLOB", "BINARY LARGE OBJECT", null, "BYTEA"),
                Arguments.of(MY, "DATE", "DATE", null, "DATE"),
                Arguments.of(MY, "TIME", "TIME(0)", null, "TIME(0)"),
                Arguments.of(MY, "TIME(3)", "TIME(3)", null, "TIME(3)"),
                Arguments.of(MY, "DATETIME", "TIMESTAMP(0)", null, "TIMESTAMP(0)"),
                Arguments.of(MY, "DATETIME(6)", "TIMESTAMP(6)", null, "TIMESTAMP(6)"),
                Arguments.of(MY, "TIMESTAMP", "TIMESTAMP(0) WITH TIME ZONE", null, "TIMESTAMP(0) WITH TIME ZONE"),
                Arguments.of(MY, "TIMESTAMP(3)", "TIMESTAMP(3) WITH TIME ZONE", null, "TIMESTAMP(3) WITH TIME ZONE"),
                Arguments.of(MY, "UUID", "UUID", null, "UUID"),
                Arguments.of(MY, "JSON", "!", null, "!"),
                Arguments.of(MY, "ENUM('A','B')", "!", null, "!"),
                Arguments.of(MY, "SET('A','B')", "!", null, "!"),
                Arguments.of(MY, "YEAR", "!", null, "!"),
                Arguments.of(MY, "GEOMETRY", "!", null, "!"),
                Arguments.of(MY, "POINT", "!", null, "!"),
                // PostgreSQL
                Arguments.of(PG, "BOOLEAN", "BOOLEAN", "BOOLEAN", null),
                Arguments.of(PG, "BOOL", "BOOLEAN", "BOOLEAN", null),
                Arguments.of(PG, "BIT", "BOOLEAN", "BOOLEAN", null),
                Arguments.of(PG, "BIT(1)", "BOOLEAN", "BOOLEAN", null),
                Arguments.of(PG, "BIT VARYING(3)", "!", "!", null),
                Arguments.of(PG, "SMALLINT", "SMALLINT", "SMALLINT", null),
                Arguments.of(PG, "INT2", "SMALLINT", "SMALLINT", null),
                Arguments.of(PG, "INTEGER", "INTEGER", "INT", null),
                Arguments.of(PG, "INT", "INTEGER", "INT", null),
                Arguments.of(PG, "INT4", "INTEGER", "INT", null),
                Arguments.of(PG, "BIGINT", "BIGINT", "BIGINT", null),
                Arguments.of(PG, "INT8", "BIGINT", "BIGINT", null),
                Arguments.of(PG, "NUMERIC(19,4)", "DECIMAL(19,4)", "DECIMAL(19,4)", null),
                Arguments.of(PG, "DECIMAL(5)", "DECIMAL(5,0)", "DECIMAL(5,0)", null),
                Arguments.of(PG, "NUMERIC(65,30)", "DECIMAL(65,30)", "DECIMAL(65,30)", null),
                Arguments.of(PG, "NUMERIC(66,0)", "DECIMAL(66,0)", "!at most 65 digits", null),
                Arguments.of(PG, "NUMERIC(40,31)", "DECIMAL(40,31)", "!at most 65 digits, 30", null),
                Arguments.of(PG, "NUMERIC", "DECFLOAT", "!MySQL's DECIMAL is bounded", null),
                Arguments.of(PG, "REAL", "REAL", "FLOAT", null),
                Arguments.of(PG, "FLOAT4", "REAL", "FLOAT", null),
                Arguments.of(PG, "FLOAT(24)", "REAL", "FLOAT", null),
                Arguments.of(PG, "FLOAT(25)", "DOUBLE PRECISION", "DOUBLE", null),
                Arguments.of(PG, "FLOAT", "DOUBLE PRECISION", "DOUBLE", null),
                Arguments.of(PG, "DOUBLE PRECISION", "DOUBLE PRECISION", "DOUBLE", null),
                Arguments.of(PG, "FLOAT8", "DOUBLE PRECISION", "DOUBLE", null),
                Arguments.of(PG, "CHAR(3)", "CHAR(3)", "CHAR(3)" + BIN, null),
                Arguments.of(PG, "CHARACTER(3)", "CHAR(3)", "CHAR(3)" + BIN, null),
                Arguments.of(PG, "CHAR", "CHAR(1)", "CHAR(1)" + BIN, null),
                Arguments.of(PG, "VARCHAR(20)", "VARCHAR(20)", "VARCHAR(20)" + BIN, null),
                Arguments.of(PG, "CHARACTER VARYING(20)", "VARCHAR(20)", "VARCHAR(20)" + BIN, null),
                Arguments.of(PG, "VARCHAR", "CHARACTER VARYING", "LONGTEXT" + BIN, null),
                Arguments.of(PG, "CHARACTER VARYING", "CHARACTER VARYING", "LONGTEXT" + BIN, null),
                Arguments.of(PG, "TEXT", "CHARACTER LARGE OBJECT", "LONGTEXT" + BIN, null),
                Arguments.of(PG, "BYTEA", "BINARY LARGE OBJECT", "LONGBLOB", null),
                Arguments.of(PG, "DATE", "DATE", "DATE", null),
                Arguments.of(PG, "TIME", "TIME(6)", "TIME(6)", null),
                Arguments.of(PG, "TIME(3) WITHOUT TIME ZONE", "TIME(3)", "TIME(3)", null),
                Arguments.of(PG, "TIMESTAMP", "TIMESTAMP(6)", "DATETIME(6)", null),
                Arguments.of(PG, "TIMESTAMP(3) WITHOUT TIME ZONE", "TIMESTAMP(3)", "DATETIME(3)", null),
                Arguments.of(PG, "TIMESTAMPTZ", "TIMESTAMP(6) WITH TIME ZONE", "DATETIME(6)", null),
                Arguments.of(PG, "TIMESTAMPTZ(0)", "TIMESTAMP(0) WITH TIME ZONE", "DATETIME(0)", null),
                Arguments.of(PG, "TIMESTAMP(3) WITH TIME ZONE", "TIMESTAMP(3) WITH TIME ZONE", "DATETIME(3)", null),
                Arguments.of(PG, "TIMETZ", "!", "!", null),
                Arguments.of(PG, "TIME WITH TIME ZONE", "!", "!", null),
                Arguments.of(PG, "UUID", "UUID", "UUID", null),
                Arguments.of(PG, "JSONB", "!", "!", null),
                Arguments.of(PG, "JSON", "!", "!", null),
                Arguments.of(PG, "INT[]", "!", "!", null),
                Arguments.of(PG, "TEXT[][]", "!", "!", null),
                Arguments.of(PG, "INTEGER ARRAY", "!", "!", null),
                Arguments.of(PG, "INTERVAL", "!", "!", null),
                Arguments.of(PG, "INET", "!", "!", null),
                Arguments.of(PG, "CIDR", "!", "!", null),
                Arguments.of(PG, "MACADDR", "!", "!", null),
                Arguments.of(PG, "MONEY", "!", "!", null),
                Arguments.of(PG, "XML", "!", "!", null),
                Arguments.of(PG, "POINT", "!", "!", null),
                Arguments.of(PG, "MOOD", "!", "!", null),
                Arguments.of(PG, "\"Mood\"", "!", "!", null),
                // H2
                Arguments.of(H2, "BOOLEAN", null, "BOOLEAN", "BOOLEAN"),
                Arguments.of(H2, "BIT", null, "BOOLEAN", "BOOLEAN"),
                Arguments.of(H2, "TINYINT", null, "TINYINT", "SMALLINT"),
                Arguments.of(H2, "SMALLINT", null, "SMALLINT", "SMALLINT"),
                Arguments.of(H2, "INTEGER", null, "INT", "INTEGER"),
                Arguments.of(H2, "INT", null, "INT", "INTEGER"),
                Arguments.of(H2, "BIGINT", null, "BIGINT", "BIGINT"),
                Arguments.of(H2, "NUMERIC(10,2)", null, "DECIMAL(10,2)", "NUMERIC(10,2)"),
                Arguments.of(H2, "DECIMAL(100,0)", null, "!at most 65 digits", "NUMERIC(100,0)"),
                Arguments.of(H2, "DECIMAL(1001,0)", null, "!at most 65 digits", "!at most 1000 digits"),
                Arguments.of(H2, "NUMERIC", null, "!MySQL's DECIMAL is bounded", "NUMERIC"),
                Arguments.of(H2, "REAL", null, "FLOAT", "REAL"),
                Arguments.of(H2, "FLOAT(10)", null, "FLOAT", "REAL"),
                Arguments.of(H2, "FLOAT", null, "DOUBLE", "DOUBLE PRECISION"),
                Arguments.of(H2, "DOUBLE", null, "DOUBLE", "DOUBLE PRECISION"),
                Arguments.of(H2, "DOUBLE PRECISION", null, "DOUBLE", "DOUBLE PRECISION"),
                Arguments.of(H2, "CHARACTER(2)", null, "CHAR(2)" + BIN, "CHAR(2)"),
                Arguments.of(H2, "CHARACTER VARYING(5)", null, "VARCHAR(5)" + BIN, "VARCHAR(5)"),
                Arguments.of(H2, "VARCHAR2(5)", null, "VARCHAR(5)" + BIN, "VARCHAR(5)"),
                Arguments.of(H2, "VARCHAR", null, "LONGTEXT" + BIN, "VARCHAR"),
                Arguments.of(H2, "CLOB", null, "LONGTEXT" + BIN, "TEXT"),
                Arguments.of(H2, "CHARACTER LARGE OBJECT", null, "LONGTEXT" + BIN, "TEXT"),
                Arguments.of(H2, "BINARY(4)", null, "BINARY(4)", "BYTEA"),
                Arguments.of(H2, "BINARY VARYING(4)", null, "VARBINARY(4)", "BYTEA"),
                Arguments.of(H2, "VARBINARY(4)", null, "VARBINARY(4)", "BYTEA"),
                Arguments.of(H2, "VARBINARY", null, "LONGBLOB", "BYTEA"),
                Arguments.of(H2, "BLOB", null, "LONGBLOB", "BYTEA"),
                Arguments.of(H2, "BINARY LARGE OBJECT", null, "LONGBLOB", "BYTEA"),
                Arguments.of(H2, "DATE", null, "DATE", "DATE"),
                Arguments.of(H2, "TIME", null, "TIME(0)", "TIME(0)"),
                Arguments.of(H2, "TIME(6)", null, "TIME(6)", "TIME(6)"),
                Arguments.of(H2, "TIME(9)", null, "!at most 6 fractional", "!at most 6 fractional"),
                Arguments.of(H2, "TIMESTAMP", null, "DATETIME(6)", "TIMESTAMP(6)"),
                Arguments.of(H2, "TIMESTAMP(3)", null, "DATETIME(3)", "TIMESTAMP(3)"),
                Arguments.of(H2, "TIMESTAMP(9)", null, "!at most 6 fractional", "!at most 6 fractional"),
                Arguments.of(H2, "TIMESTAMP WITH TIME ZONE", null, "!keeps each value's offset",
                        "!keeps each value's offset"),
                Arguments.of(H2, "TIME WITH TIME ZONE", null, "!", "!"),
                Arguments.of(H2, "UUID", null, "UUID", "UUID"),
                Arguments.of(H2, "JSON", null, "!", "!"),
                Arguments.of(H2, "INTEGER ARRAY", null, "!", "!"),
                Arguments.of(H2, "ENUM('A','B')", null, "!", "!"),
                Arguments.of(H2, "DECFLOAT", null, "!", "!"),
                Arguments.of(H2, "VARCHAR_IGNORECASE(10)", null, "!", "!"),
                Arguments.of(H2, "GEOMETRY", null, "!", "!"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("types")
    void mapsEachTypeToEachOtherEngine(Engine source, String type, String h2, String mysql, String postgresql)
            throws SQLException {
        String q = source == MY ? "`" : "\"";
        String sql = "CREATE TABLE " + q + "t" + q + " (" + q + "c" + q + " " + type + ")";
        for (Engine target : Engine.values()) {
            // a MySQL source's backticks count as unquoted: an H2 replica stores the names upper case
            String t = source == MY && target == H2 ? "T" : "t";
            String c = source == MY && target == H2 ? "C" : "c";
            String expected = switch (target) {
                case H2 -> h2;
                case MYSQL -> mysql;
                case POSTGRESQL -> postgresql;
            };
            if (target == source) continue;
            if (expected.startsWith("!")) {
                refused(sql, source, target).hasMessageStartingWith("column \"" + c + "\" of table \"" + t + "\": type " + type
                        + " has no exact equivalent on " + replica(target)).hasMessageContaining(expected.substring(1));
            } else {
                String p = target == MY ? "`" : "\"";
                assertThat(tr(sql, source, target)).as(sql + " for " + target)
                        .containsExactly("CREATE TABLE " + p + t + p + " (" + p + c + p + " " + expected + ")");
            }
        }
    }

    @Test
    void typeNamesAreCaseInsensitiveAndRefusalsNameTheTypeAsWritten() throws SQLException {
        assertThat(tr("create table t (a Varchar(3), b timestamptz(2), c Int, d Double Precision)", PG, MY))
                .containsExactly("CREATE TABLE `t` (`a` VARCHAR(3)" + BIN + ", `b` DATETIME(2), `c` INT, `d` DOUBLE)");
        assertThat(tr("create table t (c int(10) unsigned, d tinyint(1))", MY, H2))
                .containsExactly("CREATE TABLE \"T\" (\"C\" BIGINT, \"D\" BOOLEAN)");
        refused("create table item (id int, tags jsonb)", PG, MY)
                .hasMessage("column \"tags\" of table \"item\": type JSONB has no exact equivalent on a MYSQL replica");
        refused("create table t (kind enum('a', 'B') not null)", MY, PG)
                .hasMessage("column \"kind\" of table \"t\": type ENUM('a', 'B') has no exact equivalent on a POSTGRESQL replica");
        refused("ALTER TABLE t ADD COLUMN c int[]", PG, H2)
                .hasMessage("column \"C\" of table \"T\": type INT[] has no exact equivalent on an H2 replica");
    }

    // ---- identifiers ---------------------------------------------------------------------------------------

    @Test
    void unquotedNamesGetTheTargetEnginesFoldAndQuotedNamesKeepTheirText() throws SQLException {
        // the replica's engine stores an unquoted name as it would: H2 upper case, PostgreSQL lower case, MySQL lower
        // case (one fold for names H2 and PostgreSQL treat as one), whatever the source's own fold; a quoted name
        // keeps its exact text
        String quoting = "CREATE TABLE Sales.Item (Name INT, \"Order\" INT, \"lower\" INT, \"UPPER\" INT)";
        assertThat(tr(quoting, H2, PG)).containsExactly("CREATE TABLE \"sales\".\"item\" (\"name\" INTEGER,"
                + " \"Order\" INTEGER, \"lower\" INTEGER, \"UPPER\" INTEGER)");
        assertThat(tr(quoting, H2, MY))
                .containsExactly("CREATE TABLE `sales`.`item` (`name` INT, `Order` INT, `lower` INT, `UPPER` INT)");
        assertThat(tr(quoting, PG, H2)).containsExactly("CREATE TABLE \"SALES\".\"ITEM\" (\"NAME\" INTEGER,"
                + " \"Order\" INTEGER, \"lower\" INTEGER, \"UPPER\" INTEGER)");
        assertThat(tr(quoting, PG, MY))
                .containsExactly("CREATE TABLE `sales`.`item` (`name` INT, `Order` INT, `lower` INT, `UPPER` INT)");
        // a MySQL source's backticks count as unquoted: MySQL stores a name as written either way
        String mysql = "CREATE TABLE Sales.Item (Name INT, `Order` INT)";
        assertThat(tr(mysql, MY, PG)).containsExactly("CREATE TABLE \"sales\".\"item\" (\"name\" INTEGER, \"order\" INTEGER)");
        assertThat(tr(mysql, MY, H2)).containsExactly("CREATE TABLE \"SALES\".\"ITEM\" (\"NAME\" INTEGER, \"ORDER\" INTEGER)");
        // every kind of name follows the rule, a generated index name too
        assertThat(tr("CREATE INDEX ON Item (Name, \"Order\")", PG, H2))
                .containsExactly("CREATE INDEX \"ITEM_NAME_Order_IDX\" ON \"ITEM\" (\"NAME\", \"Order\")");
        assertThat(tr("ALTER TABLE Item RENAME COLUMN Name TO \"Title\"", H2, PG))
                .containsExactly("ALTER TABLE \"item\" RENAME COLUMN \"name\" TO \"Title\"");
        assertThat(tr("DROP INDEX Ix ON Item", MY, H2)).containsExactly(
                "ALTER TABLE \"ITEM\" DROP CONSTRAINT IF EXISTS \"IX\"", "DROP INDEX IF EXISTS \"IX\"");
    }

    @Test
    void embeddedQuoteCharactersAreDoubledInTheTargetsQuoting() throws SQLException {
        assertThat(tr("CREATE TABLE \"a\"\"b\" (\"x`y\" INT)", PG, MY)).containsExactly("CREATE TABLE `a\"b` (`x``y` INT)");
        assertThat(tr("CREATE TABLE `a``b` (`q\"r` INT)", MY, PG)).containsExactly("CREATE TABLE \"a`b\" (\"q\"\"r\" INTEGER)");
    }

    @Test
    void reservedWordsNeedNoListBecauseEveryNameIsQuoted() throws SQLException {
        // KEY and INDEX are ordinary column names in PostgreSQL (not MySQL index definitions)
        assertThat(tr("create table \"order\" (key int, index int, \"select\" text)", PG, MY))
                .containsExactly("CREATE TABLE `order` (`key` INT, `index` INT, `select` LONGTEXT" + BIN + ")");
    }

    @Test
    void theSourcesDefaultSchemaIsDroppedCaseInsensitivelyOtherSchemasAreKept() throws SQLException {
        assertThat(tr("CREATE TABLE public.t (a INT)", PG, MY)).containsExactly("CREATE TABLE `t` (`a` INT)");
        assertThat(tr("CREATE TABLE \"PUBLIC\".t (a INT)", PG, MY)).containsExactly("CREATE TABLE `t` (`a` INT)");
        assertThat(tr("CREATE TABLE Sales.t (a INT)", PG, MY)).containsExactly("CREATE TABLE `sales`.`t` (`a` INT)");
        assertThat(tr("CREATE TABLE PUBLIC.T (A INT)", H2, PG)).containsExactly("CREATE TABLE \"t\" (\"a\" INTEGER)");
        assertThat(tr("CREATE TABLE `shop`.`t` (a INT)", MY, H2)).containsExactly("CREATE TABLE \"T\" (\"A\" INTEGER)");
        assertThat(tr("CREATE TABLE Shop.t (a INT)", MY, H2)).containsExactly("CREATE TABLE \"T\" (\"A\" INTEGER)");
        assertThat(tr("CREATE TABLE crm.t (a INT)", MY, H2)).containsExactly("CREATE TABLE \"CRM\".\"T\" (\"A\" INTEGER)");
        assertThat(DdlTranslation.translate("CREATE TABLE public.t (a INT)", PG, MY, null))
                .containsExactly("CREATE TABLE `public`.`t` (`a` INT)");
        refused("CREATE TABLE db.s.t (a INT)", H2, PG).hasMessageContaining("three-part name");
    }

    @Test
    void mySqlDoubleQuotesAreStringsNotNames() throws SQLException {
        refused("CREATE TABLE \"t\" (a INT)", MY, PG)
                .hasMessageStartingWith("CREATE TABLE: \"t\" cannot be translated for a POSTGRESQL replica")
                .hasMessageContaining("ANSI_QUOTES");
        assertThat(tr("CREATE TABLE t (a VARCHAR(9) DEFAULT \"it's\")", MY, PG))
                .containsExactly("CREATE TABLE \"t\" (\"a\" VARCHAR(9) DEFAULT 'it''s')");
    }

    // ---- what frameworks emit ------------------------------------------------------------------------------

    @Test
    void hibernateMySqlDdl() throws SQLException {
        String create = "create table product (active bit not null, price decimal(19,4), created datetime(6), id bigint"
                + " not null auto_increment, uid uuid, name varchar(255), data longblob, primary key (id)) engine=InnoDB";
        assertThat(tr(create, MY, PG)).containsExactly("CREATE TABLE \"product\" (\"active\" BOOLEAN NOT NULL, "
                + "\"price\" NUMERIC(19,4), \"created\" TIMESTAMP(6), \"id\" BIGINT GENERATED BY DEFAULT AS IDENTITY NOT"
                + " NULL, \"uid\" UUID, \"name\" VARCHAR(255), \"data\" BYTEA, PRIMARY KEY (\"id\"))");
        assertThat(tr(create, MY, H2)).containsExactly("CREATE TABLE \"PRODUCT\" (\"ACTIVE\" BOOLEAN NOT NULL, "
                + "\"PRICE\" DECIMAL(19,4), \"CREATED\" TIMESTAMP(6), \"ID\" BIGINT GENERATED BY DEFAULT AS IDENTITY NOT"
                + " NULL, \"UID\" UUID, \"NAME\" VARCHAR(255), \"DATA\" BINARY LARGE OBJECT, PRIMARY KEY (\"ID\"))");
        assertThat(tr("alter table line add constraint FKabc foreign key (order_id) references orders (id)", MY, PG))
                .isEmpty();
        assertThat(tr("drop table if exists product", MY, PG)).containsExactly("DROP TABLE IF EXISTS \"product\"");
    }

    @Test
    void hibernatePostgreSqlDdl() throws SQLException {
        String create = "create table product (active boolean not null, price numeric(19,4), created timestamp(6) with"
                + " time zone, id bigint generated by default as identity, uid uuid, name varchar(255), data bytea,"
                + " primary key (id))";
        assertThat(tr(create, PG, MY)).containsExactly("CREATE TABLE `product` (`active` BOOLEAN NOT NULL, "
                + "`price` DECIMAL(19,4), `created` DATETIME(6), `id` BIGINT AUTO_INCREMENT, `uid` UUID, "
                + "`name` VARCHAR(255)" + BIN + ", `data` LONGBLOB, PRIMARY KEY (`id`))");
        assertThat(tr(create, PG, H2)).containsExactly("CREATE TABLE \"PRODUCT\" (\"ACTIVE\" BOOLEAN NOT NULL, "
                + "\"PRICE\" DECIMAL(19,4), \"CREATED\" TIMESTAMP(6) WITH TIME ZONE, \"ID\" BIGINT GENERATED BY DEFAULT"
                + " AS IDENTITY, \"UID\" UUID, \"NAME\" VARCHAR(255), \"DATA\" BINARY LARGE OBJECT, PRIMARY KEY (\"ID\"))");
        for (Engine target : List.of(MY, H2)) {
            assertThat(tr("create sequence product_seq start with 1 increment by 50", PG, target)).isEmpty();
            assertThat(tr("alter table if exists line add constraint FKabc foreign key (order_id) references orders",
                    PG, target)).isEmpty();
        }
        assertThat(tr("drop table if exists product cascade", PG, MY)).containsExactly("DROP TABLE IF EXISTS `product`");
        assertThat(tr("drop table if exists product cascade", PG, H2))
                .containsExactly("DROP TABLE IF EXISTS \"PRODUCT\" CASCADE");
    }

    @Test
    void hibernateH2Ddl() throws SQLException {
        String create = "create table product (active boolean not null, price numeric(19,4), created timestamp(6),"
                + " id bigint generated by default as identity, name varchar(255), data varbinary(255), primary key (id))";
        assertThat(tr(create, H2, MY)).containsExactly("CREATE TABLE `product` (`active` BOOLEAN NOT NULL, "
                + "`price` DECIMAL(19,4), `created` DATETIME(6), `id` BIGINT AUTO_INCREMENT, `name` VARCHAR(255)" + BIN
                + ", `data` VARBINARY(255), PRIMARY KEY (`id`))");
        assertThat(tr(create, H2, PG)).containsExactly("CREATE TABLE \"product\" (\"active\" BOOLEAN NOT NULL, "
                + "\"price\" NUMERIC(19,4), \"created\" TIMESTAMP(6), \"id\" BIGINT GENERATED BY DEFAULT AS IDENTITY, "
                + "\"name\" VARCHAR(255), \"data\" BYTEA, PRIMARY KEY (\"id\"))");
    }

    @Test
    void flywayPostgreSqlHistoryTable() throws SQLException {
        String create = "CREATE TABLE \"public\".\"flyway_schema_history\" (\"installed_rank\" INT NOT NULL, \"version\""
                + " VARCHAR(50), \"description\" VARCHAR(200) NOT NULL, \"type\" VARCHAR(20) NOT NULL, \"script\""
                + " VARCHAR(1000) NOT NULL, \"checksum\" INTEGER, \"installed_by\" VARCHAR(100) NOT NULL, \"installed_on\""
                + " TIMESTAMP NOT NULL DEFAULT now(), \"execution_time\" INTEGER NOT NULL, \"success\" BOOLEAN NOT NULL)";
        String pk = "ALTER TABLE \"public\".\"flyway_schema_history\" ADD CONSTRAINT \"flyway_schema_history_pk\""
                + " PRIMARY KEY (\"installed_rank\")";
        String index = "CREATE INDEX \"flyway_schema_history_s_idx\" ON \"public\".\"flyway_schema_history\" (\"success\")";

        assertThat(tr(create, PG, MY)).containsExactly("CREATE TABLE `flyway_schema_history` (`installed_rank` INT NOT"
                + " NULL, `version` VARCHAR(50)" + BIN + ", `description` VARCHAR(200)" + BIN + " NOT NULL, `type`"
                + " VARCHAR(20)" + BIN + " NOT NULL, `script` VARCHAR(1000)" + BIN + " NOT NULL, `checksum` INT,"
                + " `installed_by` VARCHAR(100)" + BIN + " NOT NULL, `installed_on` DATETIME(6) NOT NULL DEFAULT"
                + " CURRENT_TIMESTAMP(6), `execution_time` INT NOT NULL, `success` BOOLEAN NOT NULL)");
        assertThat(tr(pk, PG, MY)).containsExactly("ALTER TABLE `flyway_schema_history` ADD CONSTRAINT"
                + " `flyway_schema_history_pk` PRIMARY KEY (`installed_rank`)");
        assertThat(tr(index, PG, MY))
                .containsExactly("CREATE INDEX `flyway_schema_history_s_idx` ON `flyway_schema_history` (`success`)");

        assertThat(tr(create, PG, H2)).containsExactly("CREATE TABLE \"flyway_schema_history\" (\"installed_rank\""
                + " INTEGER NOT NULL, \"version\" VARCHAR(50), \"description\" VARCHAR(200) NOT NULL, \"type\" VARCHAR(20)"
                + " NOT NULL, \"script\" VARCHAR(1000) NOT NULL, \"checksum\" INTEGER, \"installed_by\" VARCHAR(100) NOT"
                + " NULL, \"installed_on\" TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP NOT NULL, \"execution_time\" INTEGER"
                + " NOT NULL, \"success\" BOOLEAN NOT NULL)");
        assertThat(tr(pk, PG, H2)).containsExactly("ALTER TABLE \"flyway_schema_history\" ADD CONSTRAINT"
                + " \"flyway_schema_history_pk\" PRIMARY KEY (\"installed_rank\")");
        assertThat(tr(index, PG, H2))
                .containsExactly("CREATE INDEX \"flyway_schema_history_s_idx\" ON \"flyway_schema_history\" (\"success\")");
    }

    @Test
    void flywayMySqlHistoryTable() throws SQLException {
        String create = "CREATE TABLE `shop`.`flyway_schema_history` (\n"
                + "    `installed_rank` INT NOT NULL,\n    `version` VARCHAR(50),\n"
                + "    `description` VARCHAR(200) NOT NULL,\n    `type` VARCHAR(20) NOT NULL,\n"
                + "    `script` VARCHAR(1000) NOT NULL,\n    `checksum` INT,\n"
                + "    `installed_by` VARCHAR(100) NOT NULL,\n"
                + "    `installed_on` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
                + "    `execution_time` INT NOT NULL,\n    `success` BOOL NOT NULL,\n"
                + "    CONSTRAINT `flyway_schema_history_pk` PRIMARY KEY (`installed_rank`),\n"
                + "    INDEX `flyway_schema_history_s_idx` (`success`)\n) ENGINE=InnoDB;";
        List<String> expected = List.of("CREATE TABLE \"flyway_schema_history\" (\"installed_rank\" INTEGER NOT NULL,"
                        + " \"version\" VARCHAR(50), \"description\" VARCHAR(200) NOT NULL, \"type\" VARCHAR(20) NOT NULL,"
                        + " \"script\" VARCHAR(1000) NOT NULL, \"checksum\" INTEGER, \"installed_by\" VARCHAR(100) NOT NULL,"
                        + " \"installed_on\" TIMESTAMP(0) WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,"
                        + " \"execution_time\" INTEGER NOT NULL, \"success\" BOOLEAN NOT NULL,"
                        + " CONSTRAINT \"flyway_schema_history_pk\" PRIMARY KEY (\"installed_rank\"))",
                "CREATE INDEX \"flyway_schema_history_s_idx\" ON \"flyway_schema_history\" (\"success\")");
        // the two engines spell every type of this table alike; MySQL's backticks count as unquoted names, which
        // an H2 replica stores upper case
        assertThat(tr(create, MY, PG)).isEqualTo(expected);
        assertThat(tr(create, MY, H2)).containsExactly("CREATE TABLE \"FLYWAY_SCHEMA_HISTORY\" (\"INSTALLED_RANK\""
                        + " INTEGER NOT NULL, \"VERSION\" VARCHAR(50), \"DESCRIPTION\" VARCHAR(200) NOT NULL, \"TYPE\""
                        + " VARCHAR(20) NOT NULL, \"SCRIPT\" VARCHAR(1000) NOT NULL, \"CHECKSUM\" INTEGER, \"INSTALLED_BY\""
                        + " VARCHAR(100) NOT NULL, \"INSTALLED_ON\" TIMESTAMP(0) WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT"
                        + " NULL, \"EXECUTION_TIME\" INTEGER NOT NULL, \"SUCCESS\" BOOLEAN NOT NULL,"
                        + " CONSTRAINT \"FLYWAY_SCHEMA_HISTORY_PK\" PRIMARY KEY (\"INSTALLED_RANK\"))",
                "CREATE INDEX \"FLYWAY_SCHEMA_HISTORY_S_IDX\" ON \"FLYWAY_SCHEMA_HISTORY\" (\"SUCCESS\")");
    }

    // ---- CREATE TABLE --------------------------------------------------------------------------------------

    @Test
    void tableOptionsAreDropped() throws SQLException {
        assertThat(tr("CREATE TABLE IF NOT EXISTS t (a INT) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
                + " AUTO_INCREMENT=5 COMMENT='a ( b' ROW_FORMAT=DYNAMIC", MY, PG))
                .containsExactly("CREATE TABLE IF NOT EXISTS \"t\" (\"a\" INTEGER)");
        assertThat(tr("CREATE TABLE t (a INT) WITH (fillfactor=70, autovacuum_enabled=on) TABLESPACE fast", PG, MY))
                .containsExactly("CREATE TABLE `t` (`a` INT)");
    }

    @Test
    void createTableFormsThatCreateOrFillSomethingElseAreRefused() {
        refused("CREATE TABLE t AS SELECT * FROM u", PG, MY).hasMessage("CREATE TABLE \"t\" AS ... cannot be translated for a MYSQL replica");
        refused("CREATE TABLE t (a INT) SELECT 1 a", MY, PG).hasMessageContaining("CREATE TABLE \"t\" ... SELECT");
        refused("CREATE TABLE t LIKE u", MY, PG).hasMessageContaining("CREATE TABLE \"t\" LIKE");
        refused("CREATE TABLE t (LIKE u INCLUDING ALL)", PG, H2).hasMessageContaining("LIKE");
        refused("CREATE TEMPORARY TABLE t (a INT)", MY, PG)
                .hasMessage("CREATE TEMPORARY TABLE cannot be translated for a POSTGRESQL replica " + SUBSET);
        refused("CREATE TABLE t (a INT) PARTITION BY RANGE (a) (PARTITION p0 VALUES LESS THAN (10))", MY, PG)
                .hasMessageContaining("PARTITION");
        refused("CREATE TABLE t (a INT) PARTITION BY LIST (a)", PG, MY).hasMessageContaining("PARTITION");
        refused("CREATE TABLE t PARTITION OF u FOR VALUES IN (1)", PG, MY).hasMessageContaining("PARTITION");
        refused("CREATE TABLE t (a INT) INHERITS (u)", PG, H2).hasMessageContaining("INHERITS");
        // MySQL runs what /*! ... */ holds: dropping it as a comment would drop the partitioning
        refused("CREATE TABLE t (a INT) /*!50100 PARTITION BY HASH (a) */", MY, PG)
                .hasMessageContaining("executable comment");
    }

    @Test
    void columnOptionsTheReplicaDoesNotNeedAreDropped() throws SQLException {
        assertThat(tr("CREATE TABLE t (a VARCHAR(10) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL COMMENT 'x',"
                + " b DATETIME NULL ON UPDATE CURRENT_TIMESTAMP, c INT CHECK (c > 0), d INT REFERENCES u (id),"
                + " e INT CONSTRAINT positive CHECK (e > 0) NOT ENFORCED, f TEXT INVISIBLE)", MY, PG))
                .containsExactly("CREATE TABLE \"t\" (\"a\" VARCHAR(10) NOT NULL, \"b\" TIMESTAMP(0) NULL, \"c\""
                        + " INTEGER, \"d\" INTEGER, \"e\" INTEGER, \"f\" TEXT)");
        assertThat(tr("CREATE TABLE t (a TEXT COLLATE \"C\", b TEXT COLLATE pg_catalog.\"default\" NOT NULL)", PG, H2))
                .containsExactly("CREATE TABLE \"T\" (\"A\" CHARACTER LARGE OBJECT, \"B\" CHARACTER LARGE OBJECT NOT NULL)");
    }

    @Test
    void inlineKeysAreKeptAndNamedOnesBecomeTableConstraints() throws SQLException {
        assertThat(tr("CREATE TABLE t (a INT PRIMARY KEY, b INT UNIQUE, c INT UNIQUE KEY, d INT NOT NULL)", MY, H2))
                .containsExactly("CREATE TABLE \"T\" (\"A\" INTEGER PRIMARY KEY, \"B\" INTEGER UNIQUE, \"C\" INTEGER"
                        + " UNIQUE, \"D\" INTEGER NOT NULL)");
        assertThat(tr("CREATE TABLE t (a INT KEY)", MY, PG)).containsExactly("CREATE TABLE \"t\" (\"a\" INTEGER PRIMARY KEY)");
        // MySQL takes no constraint name inline: a table constraint keeps it
        assertThat(tr("CREATE TABLE t (a INT CONSTRAINT t_pk PRIMARY KEY, b INT CONSTRAINT t_b UNIQUE)", PG, MY))
                .containsExactly("CREATE TABLE `t` (`a` INT, `b` INT, CONSTRAINT `t_pk` PRIMARY KEY (`a`),"
                        + " CONSTRAINT `t_b` UNIQUE (`b`))");
    }

    @Test
    void literalAndCurrentTimeDefaultsAreKeptOthersDropped() throws SQLException {
        assertThat(tr("CREATE TABLE t (a INT DEFAULT 5, b INT DEFAULT -1, c DECIMAL(5,2) DEFAULT 1.50,"
                + " d VARCHAR(5) DEFAULT 'o''k', e VARCHAR(5) DEFAULT NULL, f BOOLEAN DEFAULT TRUE, g BOOLEAN DEFAULT"
                + " false, h TIMESTAMP DEFAULT CURRENT_TIMESTAMP, i TIMESTAMP(3) DEFAULT now(), j DATE DEFAULT"
                + " CURRENT_DATE, k UUID DEFAULT gen_random_uuid(), l BIGINT DEFAULT nextval('s'::regclass),"
                + " m VARCHAR(5) DEFAULT 'x'::character varying, n INT DEFAULT (1 + 1), o TEXT DEFAULT 'long',"
                + " p TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP(3), q DATE DEFAULT '2020-01-01', r BYTEA DEFAULT '\\x00',"
                + " s VARCHAR(5) DEFAULT lower('X'), u UUID DEFAULT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')", PG, MY))
                .containsExactly("CREATE TABLE `t` (`a` INT DEFAULT 5, `b` INT DEFAULT -1, `c` DECIMAL(5,2) DEFAULT 1.50,"
                        + " `d` VARCHAR(5)" + BIN + " DEFAULT 'o''k', `e` VARCHAR(5)" + BIN + " DEFAULT NULL, `f` BOOLEAN"
                        + " DEFAULT TRUE, `g` BOOLEAN DEFAULT FALSE, `h` DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6),"
                        + " `i` DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3), `j` DATE DEFAULT (CURRENT_DATE), `k` UUID,"
                        + " `l` BIGINT, `m` VARCHAR(5)" + BIN + " DEFAULT 'x', `n` INT, `o` LONGTEXT" + BIN + ","
                        + " `p` DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6), `q` DATE, `r` LONGBLOB, `s` VARCHAR(5)" + BIN
                        + ", `u` UUID DEFAULT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')");
        assertThat(tr("CREATE TABLE t (a DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6), b DATE DEFAULT CURRENT_DATE,"
                + " c DATETIME DEFAULT NOW(), d TEXT DEFAULT 'x', e DATE DEFAULT CURRENT_TIMESTAMP)", MY, H2))
                .containsExactly("CREATE TABLE \"T\" (\"A\" TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP, \"B\" DATE DEFAULT"
                        + " CURRENT_DATE, \"C\" TIMESTAMP(0) DEFAULT CURRENT_TIMESTAMP, \"D\" CHARACTER LARGE OBJECT"
                        + " DEFAULT 'x', \"E\" DATE)");
    }

    @Test
    void mySqlDefaultsAreReadAsMySqlWritesThem() throws SQLException {
        // SHOW CREATE TABLE and mysqldump quote numbers; a BOOLEAN of PostgreSQL takes no integer
        assertThat(tr("CREATE TABLE t (a INT NOT NULL DEFAULT '0', b TINYINT(1) DEFAULT '1', c BIT(1) DEFAULT b'1',"
                + " d TINYINT(1) NOT NULL DEFAULT 0, e DECIMAL(5,2) DEFAULT '0.00', f TINYINT(1) DEFAULT 2,"
                + " g INT DEFAULT 'abc', h DATETIME DEFAULT '0000-00-00 00:00:00', i VARCHAR(9) DEFAULT 'a\\'b\\\\c',"
                + " j VARCHAR(9) DEFAULT 'tab\\there')", MY, PG))
                .containsExactly("CREATE TABLE \"t\" (\"a\" INTEGER DEFAULT 0 NOT NULL, \"b\" BOOLEAN DEFAULT TRUE,"
                        + " \"c\" BOOLEAN, \"d\" BOOLEAN DEFAULT FALSE NOT NULL, \"e\" NUMERIC(5,2) DEFAULT 0.00,"
                        + " \"f\" BOOLEAN, \"g\" INTEGER, \"h\" TIMESTAMP(0), \"i\" VARCHAR(9) DEFAULT 'a''b\\c',"
                        + " \"j\" VARCHAR(9) DEFAULT 'tab\there')");
    }

    @Test
    void defaultsAMySqlReplicaWouldMisreadAreDropped() throws SQLException {
        // a backslash means an escape to MySQL unless NO_BACKSLASH_ESCAPES; TEXT and BLOB take no literal default
        assertThat(tr("CREATE TABLE t (a VARCHAR(5) DEFAULT 'a\\b', b TEXT DEFAULT '', c BYTEA DEFAULT NULL)", PG, MY))
                .containsExactly("CREATE TABLE `t` (`a` VARCHAR(5)" + BIN + ", `b` LONGTEXT" + BIN + ", `c` LONGBLOB)");
    }

    @Test
    void everyIdentityBecomesByDefault() throws SQLException {
        assertThat(tr("CREATE TABLE t (a INT GENERATED ALWAYS AS IDENTITY (START WITH 5 INCREMENT BY 2) PRIMARY KEY)",
                PG, H2)).containsExactly("CREATE TABLE \"T\" (\"A\" INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)");
        assertThat(tr("CREATE TABLE t (a BIGINT GENERATED BY DEFAULT AS IDENTITY, PRIMARY KEY (a))", H2, MY))
                .containsExactly("CREATE TABLE `t` (`a` BIGINT AUTO_INCREMENT, PRIMARY KEY (`a`))");
        assertThat(tr("CREATE TABLE t (a INT IDENTITY NOT NULL PRIMARY KEY, b INT AUTO_INCREMENT UNIQUE)", H2, PG))
                .containsExactly("CREATE TABLE \"t\" (\"a\" INTEGER GENERATED BY DEFAULT AS IDENTITY NOT NULL PRIMARY KEY,"
                        + " \"b\" INTEGER GENERATED BY DEFAULT AS IDENTITY UNIQUE)");
        assertThat(tr("CREATE TABLE t (a SERIAL PRIMARY KEY, b BIGSERIAL, c SMALLSERIAL)", PG, H2))
                .containsExactly("CREATE TABLE \"T\" (\"A\" INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                        + " \"B\" BIGINT GENERATED BY DEFAULT AS IDENTITY, \"C\" SMALLINT GENERATED BY DEFAULT AS IDENTITY)");
        // PostgreSQL rejects an explicit NULL on an identity
        assertThat(tr("CREATE TABLE t (a INT NULL AUTO_INCREMENT, KEY (a))", MY, PG))
                .containsExactly("CREATE TABLE \"t\" (\"a\" INTEGER GENERATED BY DEFAULT AS IDENTITY)",
                        "CREATE INDEX \"t_a_idx\" ON \"t\" (\"a\")");
    }

    @Test
    void aMySqlReplicaHasOneAutoIncrementOnAKey() throws SQLException {
        assertThat(tr("CREATE TABLE t (a SERIAL, b BIGSERIAL, c BIGINT GENERATED ALWAYS AS IDENTITY,"
                + " CONSTRAINT t_pk PRIMARY KEY (b))", PG, MY))
                .containsExactly("CREATE TABLE `t` (`a` INT, `b` BIGINT AUTO_INCREMENT, `c` BIGINT,"
                        + " CONSTRAINT `t_pk` PRIMARY KEY (`b`))");
        assertThat(tr("CREATE TABLE t (a SERIAL CONSTRAINT t_pk PRIMARY KEY, b SERIAL UNIQUE)", PG, MY))
                .containsExactly("CREATE TABLE `t` (`a` INT AUTO_INCREMENT, `b` INT UNIQUE, CONSTRAINT `t_pk` PRIMARY KEY (`a`))");
        assertThat(tr("ALTER TABLE t ADD COLUMN a BIGSERIAL PRIMARY KEY, ADD COLUMN b SERIAL", PG, MY))
                .containsExactly("ALTER TABLE `t` ADD COLUMN `a` BIGINT AUTO_INCREMENT PRIMARY KEY",
                        "ALTER TABLE `t` ADD COLUMN `b` INT");
    }

    @Test
    void computedColumnsAreRefused() {
        refused("CREATE TABLE t (a INT, b INT GENERATED ALWAYS AS (a * 2) STORED)", PG, MY)
                .hasMessageStartingWith("column \"b\" of table \"t\": a computed column");
        refused("CREATE TABLE t (a INT, b INT AS (a * 2) VIRTUAL)", MY, PG)
                .hasMessageStartingWith("column \"b\" of table \"t\": a computed column");
        refused("CREATE TABLE t (a INT, b INT GENERATED ALWAYS AS (a * 2))", H2, PG)
                .hasMessageStartingWith("column \"b\" of table \"t\": a computed column");
    }

    @Test
    void tableConstraintsKeepTheirNames() throws SQLException {
        assertThat(tr("CREATE TABLE t (a INT, b INT, CONSTRAINT pk PRIMARY KEY (a, b), UNIQUE KEY uk (b),"
                + " CONSTRAINT u2 UNIQUE (a), UNIQUE INDEX (b, a), CONSTRAINT sym UNIQUE KEY named (a) USING BTREE,"
                + " CHECK (a > 0), CONSTRAINT c1 CHECK (b > 0))", MY, PG))
                .containsExactly("CREATE TABLE \"t\" (\"a\" INTEGER, \"b\" INTEGER, CONSTRAINT \"pk\" PRIMARY KEY (\"a\","
                        + " \"b\"), CONSTRAINT \"uk\" UNIQUE (\"b\"), CONSTRAINT \"u2\" UNIQUE (\"a\"), UNIQUE (\"b\", \"a\"),"
                        + " CONSTRAINT \"named\" UNIQUE (\"a\"))");
        // PostgreSQL and H2 take no ASC/DESC in a constraint
        assertThat(tr("CREATE TABLE t (a INT, PRIMARY KEY (a DESC))", MY, H2))
                .containsExactly("CREATE TABLE \"T\" (\"A\" INTEGER, PRIMARY KEY (\"A\"))");
    }

    @Test
    void foreignKeysAreDroppedButMySqlCascadesRefused() throws SQLException {
        assertThat(tr("CREATE TABLE c (id INT, p INT, CONSTRAINT fk FOREIGN KEY (p) REFERENCES parent (id) ON DELETE"
                + " RESTRICT ON UPDATE NO ACTION, FOREIGN KEY fk2 (p) REFERENCES parent (id))", MY, PG))
                .containsExactly("CREATE TABLE \"c\" (\"id\" INTEGER, \"p\" INTEGER)");
        // PostgreSQL's cascades fire triggers: Shardline captures their changes like any other
        assertThat(tr("CREATE TABLE c (p INT REFERENCES parent ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,"
                + " FOREIGN KEY (p) REFERENCES parent (id) ON UPDATE SET NULL MATCH FULL)", PG, MY))
                .containsExactly("CREATE TABLE `c` (`p` INT)");
        String reason = "MySQL performs cascades without firing triggers, so Shardline cannot capture them for a"
                + " replica of another engine";
        refused("CREATE TABLE c (p INT, CONSTRAINT fk FOREIGN KEY (p) REFERENCES parent (id) ON DELETE CASCADE)", MY, PG)
                .hasMessage("FOREIGN KEY \"fk\" of table \"c\" with ON DELETE CASCADE cannot be translated for a"
                        + " POSTGRESQL replica: " + reason);
        refused("CREATE TABLE c (p INT, FOREIGN KEY (p) REFERENCES parent (id) ON UPDATE SET NULL)", MY, H2)
                .hasMessageStartingWith("FOREIGN KEY of table \"C\" with ON UPDATE SET NULL").hasMessageContaining(reason);
        refused("CREATE TABLE c (p INT REFERENCES parent (id) ON DELETE SET DEFAULT)", MY, PG)
                .hasMessageStartingWith("REFERENCES of column \"p\" of table \"c\" with ON DELETE SET DEFAULT");
        refused("ALTER TABLE c ADD CONSTRAINT fk FOREIGN KEY (p) REFERENCES parent (id) ON DELETE CASCADE", MY, PG)
                .hasMessageContaining("FOREIGN KEY \"fk\" of table \"c\" with ON DELETE CASCADE").hasMessageContaining(reason);
    }

    @Test
    void mySqlIndexesInCreateTableBecomeCreateIndexStatements() throws SQLException {
        assertThat(tr("CREATE TABLE IF NOT EXISTS t (a INT, b INT, KEY (a), INDEX idx_b USING BTREE (b DESC, a ASC)"
                + " COMMENT 'x' KEY_BLOCK_SIZE=8, KEY ab (a, b) USING HASH) ENGINE=InnoDB", MY, PG))
                .containsExactly("CREATE TABLE IF NOT EXISTS \"t\" (\"a\" INTEGER, \"b\" INTEGER)",
                        "CREATE INDEX IF NOT EXISTS \"t_a_idx\" ON \"t\" (\"a\")",
                        "CREATE INDEX IF NOT EXISTS \"idx_b\" ON \"t\" (\"b\" DESC, \"a\" ASC)",
                        "CREATE INDEX IF NOT EXISTS \"ab\" ON \"t\" (\"a\", \"b\")");
        assertThat(tr("CREATE TABLE crm.t (a INT, KEY (a))", MY, H2))
                .containsExactly("CREATE TABLE \"CRM\".\"T\" (\"A\" INTEGER)", "CREATE INDEX \"T_A_IDX\" ON \"CRM\".\"T\" (\"A\")");
        refused("CREATE TABLE t (a VARCHAR(9), FULLTEXT KEY ft (a))", MY, PG).hasMessageContaining("FULLTEXT");
        refused("CREATE TABLE t (a POINT, SPATIAL INDEX (a))", MY, H2).hasMessageContaining("POINT");
        refused("CREATE TABLE t (a VARCHAR(9), SPATIAL INDEX (a))", MY, H2).hasMessageContaining("SPATIAL");
        refused("CREATE TABLE t (a VARCHAR(99), KEY ia (a(10)))", MY, PG)
                .hasMessage("index \"ia\" of table \"t\": the prefix length of column \"a\" cannot be translated for a"
                        + " POSTGRESQL replica: an index of a POSTGRESQL replica covers whole values");
        refused("CREATE TABLE t (a VARCHAR(99), UNIQUE KEY (a(10)))", MY, H2).hasMessageContaining("prefix length of column \"A\"");
        refused("CREATE TABLE t (a INT, KEY ((a + 1)))", MY, PG).hasMessageContaining("an expression");
    }

    // ---- ALTER TABLE ---------------------------------------------------------------------------------------

    @Test
    void addAndDropColumnsOneStatementPerOperation() throws SQLException {
        String sql = "ALTER TABLE t ADD COLUMN a INT NOT NULL DEFAULT 0, ADD b VARCHAR(3) AFTER a,"
                + " ADD COLUMN IF NOT EXISTS c TEXT FIRST, DROP COLUMN d, DROP e, DROP COLUMN IF EXISTS f";
        assertThat(tr(sql, MY, PG)).containsExactly(
                "ALTER TABLE \"t\" ADD COLUMN \"a\" INTEGER DEFAULT 0 NOT NULL",
                "ALTER TABLE \"t\" ADD COLUMN \"b\" VARCHAR(3)",
                "ALTER TABLE \"t\" ADD COLUMN IF NOT EXISTS \"c\" TEXT",
                "ALTER TABLE \"t\" DROP COLUMN \"d\"",
                "ALTER TABLE \"t\" DROP COLUMN \"e\"",
                "ALTER TABLE \"t\" DROP COLUMN IF EXISTS \"f\"");
        assertThat(tr("ALTER TABLE IF EXISTS ONLY public.t ADD c INT, DROP COLUMN d CASCADE", PG, MY)).containsExactly(
                "ALTER TABLE IF EXISTS `t` ADD COLUMN `c` INT", "ALTER TABLE IF EXISTS `t` DROP COLUMN `d`");
        refused("ALTER TABLE t ADD (a INT, b INT)", MY, PG).hasMessageContaining("ADD (...)");
    }

    @Test
    void renames() throws SQLException {
        assertThat(tr("ALTER TABLE t RENAME COLUMN a TO b", MY, H2)).containsExactly("ALTER TABLE \"T\" RENAME COLUMN \"A\" TO \"B\"");
        assertThat(tr("ALTER TABLE t RENAME a TO b", PG, MY)).containsExactly("ALTER TABLE `t` RENAME COLUMN `a` TO `b`");
        assertThat(tr("ALTER TABLE t RENAME TO u", PG, H2)).containsExactly("ALTER TABLE \"T\" RENAME TO \"U\"");
        assertThat(tr("ALTER TABLE t RENAME u", MY, PG)).containsExactly("ALTER TABLE \"t\" RENAME TO \"u\"");
        assertThat(tr("ALTER TABLE t RENAME AS shop.u", MY, PG)).containsExactly("ALTER TABLE \"t\" RENAME TO \"u\"");
        // PostgreSQL renames within the schema; MySQL would move a bare new name into the current database
        assertThat(tr("ALTER TABLE crm.t RENAME TO u", PG, MY)).containsExactly("ALTER TABLE `crm`.`t` RENAME TO `crm`.`u`");
        assertThat(tr("ALTER TABLE crm.t RENAME TO crm.u", MY, PG)).containsExactly("ALTER TABLE \"crm\".\"t\" RENAME TO \"u\"");
        refused("ALTER TABLE crm.t RENAME TO u", MY, PG).hasMessageContaining("moves the table to another schema");
        assertThat(tr("RENAME TABLE a TO b, shop.c TO d", MY, PG))
                .containsExactly("ALTER TABLE \"a\" RENAME TO \"b\"", "ALTER TABLE \"c\" RENAME TO \"d\"");
        refused("RENAME TABLE a TO crm.b", MY, H2).hasMessageContaining("moves the table to another schema");
        refused("ALTER TABLE t RENAME INDEX a TO b", MY, PG).hasMessage("ALTER TABLE \"t\" RENAME INDEX cannot be"
                + " translated for a POSTGRESQL replica");
        refused("ALTER TABLE t RENAME CONSTRAINT a TO b", PG, MY).hasMessageContaining("RENAME CONSTRAINT");
        refused("ALTER INDEX a RENAME TO b", PG, MY).hasMessageStartingWith("ALTER INDEX cannot be translated");
    }

    @Test
    void mySqlModifyAndChangeStateNullabilityForPostgreSqlAndH2() throws SQLException {
        assertThat(tr("ALTER TABLE t MODIFY c VARCHAR(30) NOT NULL", MY, PG)).containsExactly(
                "ALTER TABLE \"t\" ALTER COLUMN \"c\" TYPE VARCHAR(30) USING \"c\"::VARCHAR(30)",
                "ALTER TABLE \"t\" ALTER COLUMN \"c\" SET NOT NULL");
        // MODIFY restates the column: without NOT NULL it is nullable
        assertThat(tr("ALTER TABLE t MODIFY COLUMN c BIGINT DEFAULT 7", MY, H2)).containsExactly(
                "ALTER TABLE \"T\" ALTER COLUMN \"C\" SET DATA TYPE BIGINT",
                "ALTER TABLE \"T\" ALTER COLUMN \"C\" DROP NOT NULL",
                "ALTER TABLE \"T\" ALTER COLUMN \"C\" SET DEFAULT 7");
        assertThat(tr("ALTER TABLE t CHANGE COLUMN c d TINYINT(1) NOT NULL DEFAULT '0'", MY, PG)).containsExactly(
                "ALTER TABLE \"t\" RENAME COLUMN \"c\" TO \"d\"",
                "ALTER TABLE \"t\" ALTER COLUMN \"d\" TYPE BOOLEAN USING \"d\"::BOOLEAN",
                "ALTER TABLE \"t\" ALTER COLUMN \"d\" SET NOT NULL",
                "ALTER TABLE \"t\" ALTER COLUMN \"d\" SET DEFAULT FALSE");
        assertThat(tr("ALTER TABLE t CHANGE c c INT AUTO_INCREMENT", MY, H2)).containsExactly(
                "ALTER TABLE \"T\" ALTER COLUMN \"C\" SET DATA TYPE INTEGER",
                "ALTER TABLE \"T\" ALTER COLUMN \"C\" DROP NOT NULL");
        refused("ALTER TABLE t MODIFY c INT PRIMARY KEY", MY, PG).hasMessageContaining("MODIFY \"c\" ... with a key");
        refused("ALTER TABLE t MODIFY c JSON", MY, PG).hasMessageStartingWith("column \"c\" of table \"t\": type JSON");
    }

    @Test
    void typeChangesForAMySqlReplicaLeaveTheColumnNullable() throws SQLException {
        assertThat(tr("ALTER TABLE t ALTER COLUMN c TYPE varchar(30)", PG, MY))
                .containsExactly("ALTER TABLE `t` MODIFY COLUMN `c` VARCHAR(30)" + BIN);
        assertThat(tr("ALTER TABLE t ALTER COLUMN c SET DATA TYPE BIGINT", H2, MY))
                .containsExactly("ALTER TABLE `t` MODIFY COLUMN `c` BIGINT");
        assertThat(tr("ALTER TABLE t ALTER c TYPE bigint USING c::bigint", PG, H2))
                .containsExactly("ALTER TABLE \"T\" ALTER COLUMN \"C\" SET DATA TYPE BIGINT");
        refused("ALTER TABLE t ALTER COLUMN c TYPE int USING length(c)", PG, MY).hasMessageContaining("USING an expression");
        refused("ALTER TABLE t ALTER COLUMN c TYPE int USING d::int", PG, H2).hasMessageContaining("USING an expression");
    }

    @Test
    void nullabilityChanges() throws SQLException {
        assertThat(tr("ALTER TABLE t ALTER COLUMN c SET NOT NULL", PG, H2))
                .containsExactly("ALTER TABLE \"T\" ALTER COLUMN \"C\" SET NOT NULL");
        assertThat(tr("ALTER TABLE t ALTER COLUMN c DROP NOT NULL", H2, PG))
                .containsExactly("ALTER TABLE \"t\" ALTER COLUMN \"c\" DROP NOT NULL");
        // a MySQL replica's column stays nullable: it accepts every row the primary accepts
        assertThat(tr("ALTER TABLE t ALTER COLUMN c SET NOT NULL", PG, MY)).isEmpty();
        refused("ALTER TABLE t ALTER COLUMN c DROP NOT NULL", PG, MY)
                .hasMessageStartingWith("ALTER TABLE \"t\" ALTER COLUMN \"c\" DROP NOT NULL cannot be translated for a MYSQL replica")
                .hasMessageContaining("MODIFY COLUMN");
    }

    @Test
    void defaultChanges() throws SQLException {
        assertThat(tr("ALTER TABLE t ALTER COLUMN c SET DEFAULT 'x', ALTER COLUMN d DROP DEFAULT", PG, MY))
                .containsExactly("ALTER TABLE `t` ALTER COLUMN `c` SET DEFAULT 'x'", "ALTER TABLE `t` ALTER COLUMN `d` DROP DEFAULT");
        // the column's type is unknown here: '1' serves a PostgreSQL integer and boolean alike
        assertThat(tr("ALTER TABLE t ALTER c SET DEFAULT 1", MY, PG)).containsExactly("ALTER TABLE \"t\" ALTER COLUMN \"c\" SET DEFAULT '1'");
        assertThat(tr("ALTER TABLE t ALTER c SET DEFAULT 1.5", MY, PG)).containsExactly("ALTER TABLE \"t\" ALTER COLUMN \"c\" SET DEFAULT 1.5");
        assertThat(tr("ALTER TABLE t ALTER c SET DEFAULT 1", MY, H2)).containsExactly("ALTER TABLE \"T\" ALTER COLUMN \"C\" SET DEFAULT 1");
        assertThat(tr("ALTER TABLE t ALTER COLUMN c SET DEFAULT now()", PG, H2))
                .containsExactly("ALTER TABLE \"T\" ALTER COLUMN \"C\" SET DEFAULT CURRENT_TIMESTAMP");
        // MySQL wants the column's precision in CURRENT_TIMESTAMP(p), unknown here; other expressions never translate
        assertThat(tr("ALTER TABLE t ALTER COLUMN c SET DEFAULT now()", PG, MY)).isEmpty();
        assertThat(tr("ALTER TABLE t ALTER COLUMN c SET DEFAULT nextval('s')", PG, MY)).isEmpty();
    }

    @Test
    void addConstraintsAndIndexesInSourceOrder() throws SQLException {
        assertThat(tr("ALTER TABLE t ADD COLUMN a INT, ADD INDEX i (a, b DESC), ADD CONSTRAINT pk PRIMARY KEY (a),"
                + " ADD UNIQUE KEY uk (b), ADD UNIQUE INDEX ui (a), ADD KEY (b), ADD CONSTRAINT u2 UNIQUE (a, b),"
                + " ADD UNIQUE (b), ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id), ADD CHECK (a > 0),"
                + " DROP COLUMN c", MY, PG)).containsExactly(
                "ALTER TABLE \"t\" ADD COLUMN \"a\" INTEGER",
                "CREATE INDEX \"i\" ON \"t\" (\"a\", \"b\" DESC)",
                "ALTER TABLE \"t\" ADD CONSTRAINT \"pk\" PRIMARY KEY (\"a\")",
                "CREATE UNIQUE INDEX \"uk\" ON \"t\" (\"b\")",
                "CREATE UNIQUE INDEX \"ui\" ON \"t\" (\"a\")",
                "CREATE INDEX \"t_b_idx\" ON \"t\" (\"b\")",
                "ALTER TABLE \"t\" ADD CONSTRAINT \"u2\" UNIQUE (\"a\", \"b\")",
                "ALTER TABLE \"t\" ADD UNIQUE (\"b\")",
                "ALTER TABLE \"t\" DROP COLUMN \"c\"");
        assertThat(tr("ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id)", PG, MY))
                .containsExactly("ALTER TABLE `t` ADD CONSTRAINT `t_pkey` PRIMARY KEY (`id`)");
        assertThat(tr("ALTER TABLE t ADD COLUMN c INT CONSTRAINT t_c UNIQUE", PG, H2))
                .containsExactly("ALTER TABLE \"T\" ADD COLUMN \"C\" INTEGER", "ALTER TABLE \"T\" ADD CONSTRAINT \"T_C\" UNIQUE (\"C\")");
        refused("ALTER TABLE t ADD FULLTEXT INDEX ft (a)", MY, PG).hasMessageContaining("FULLTEXT");
        refused("ALTER TABLE t ADD CONSTRAINT u UNIQUE (a) DEFERRABLE", PG, H2).hasMessageContaining("DEFERRABLE");
        refused("ALTER TABLE t ADD CONSTRAINT ex EXCLUDE USING gist (a WITH &&)", PG, MY).hasMessageContaining("EXCLUDE");
    }

    @Test
    void alterTableWhoseOperationsAllReduceToNothingGivesNothing() throws SQLException {
        assertThat(tr("ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id), ADD CONSTRAINT ck CHECK"
                + " (a > 0), DROP FOREIGN KEY fk0, DROP CHECK ck0, ENGINE=InnoDB, AUTO_INCREMENT = 100", MY, PG)).isEmpty();
        assertThat(tr("ALTER TABLE t ADD CONSTRAINT ck CHECK (a > 0) NOT VALID", PG, MY)).isEmpty();
        assertThat(tr("ALTER TABLE t ALTER COLUMN c SET NOT NULL, ALTER COLUMN d SET DEFAULT gen_random_uuid()", PG, MY))
                .isEmpty();
    }

    @Test
    void dropConstraintsAndIndexes() throws SQLException {
        // IF EXISTS always: it may have been a foreign key or check the replica never got
        assertThat(tr("ALTER TABLE t DROP CONSTRAINT t_fk CASCADE", PG, MY))
                .containsExactly("ALTER TABLE `t` DROP CONSTRAINT IF EXISTS `t_fk`");
        assertThat(tr("ALTER TABLE t DROP CONSTRAINT IF EXISTS c", MY, H2))
                .containsExactly("ALTER TABLE \"T\" DROP CONSTRAINT IF EXISTS \"C\"");
        // a MySQL UNIQUE KEY is a constraint on PostgreSQL and H2, which DROP INDEX cannot drop
        assertThat(tr("ALTER TABLE t DROP INDEX i, DROP KEY k", MY, PG)).containsExactly(
                "ALTER TABLE \"t\" DROP CONSTRAINT IF EXISTS \"i\"", "DROP INDEX IF EXISTS \"i\"",
                "ALTER TABLE \"t\" DROP CONSTRAINT IF EXISTS \"k\"", "DROP INDEX IF EXISTS \"k\"");
        assertThat(tr("ALTER TABLE crm.t DROP INDEX i", MY, H2)).containsExactly(
                "ALTER TABLE \"CRM\".\"T\" DROP CONSTRAINT IF EXISTS \"I\"", "DROP INDEX IF EXISTS \"CRM\".\"I\"");
        assertThat(tr("ALTER TABLE t DROP PRIMARY KEY", MY, H2)).containsExactly("ALTER TABLE \"T\" DROP PRIMARY KEY");
        assertThat(tr("ALTER TABLE t DROP INDEX `PRIMARY`", MY, H2)).containsExactly("ALTER TABLE \"T\" DROP PRIMARY KEY");
        assertThat(tr("ALTER TABLE t DROP PRIMARY KEY", H2, MY)).containsExactly("ALTER TABLE `t` DROP PRIMARY KEY");
        refused("ALTER TABLE t DROP PRIMARY KEY", MY, PG)
                .hasMessageStartingWith("ALTER TABLE \"t\" DROP PRIMARY KEY cannot be translated for a POSTGRESQL replica")
                .hasMessageContaining("constraint name");
        refused("ALTER TABLE t DROP INDEX `PRIMARY`", MY, PG).hasMessageContaining("constraint name");
    }

    @Test
    void otherAlterTableOperationsAreRefusedByName() {
        refused("ALTER TABLE t OWNER TO bob", PG, MY).hasMessage("ALTER TABLE \"t\": OWNER cannot be translated for a MYSQL replica");
        refused("ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4", MY, PG).hasMessageContaining("CONVERT");
        refused("ALTER TABLE t ALTER COLUMN c SET STATISTICS 100", PG, H2).hasMessageContaining("ALTER COLUMN \"C\": SET");
        refused("ALTER TABLE t ALTER COLUMN c ADD GENERATED ALWAYS AS IDENTITY", PG, MY).hasMessageContaining("ADD");
        refused("ALTER TABLE t ENABLE ROW LEVEL SECURITY", PG, MY).hasMessageContaining("ENABLE");
        refused("ALTER TABLE t", PG, MY).hasMessageContaining("incomplete");
    }

    // ---- DROP TABLE, TRUNCATE, indexes, schemas, the rest --------------------------------------------------

    @Test
    void dropTable() throws SQLException {
        assertThat(tr("DROP TABLE IF EXISTS a, crm.b RESTRICT", PG, H2)).containsExactly("DROP TABLE IF EXISTS \"A\", \"CRM\".\"B\" RESTRICT");
        assertThat(tr("DROP TABLE a CASCADE", H2, PG)).containsExactly("DROP TABLE \"a\" CASCADE");
        assertThat(tr("DROP TABLE `a`, b CASCADE", MY, PG)).containsExactly("DROP TABLE \"a\", \"b\" CASCADE");
        assertThat(tr("DROP TABLE public.a, b RESTRICT", PG, MY)).containsExactly("DROP TABLE `a`, `b`");
        refused("DROP TEMPORARY TABLE t", MY, PG).hasMessageStartingWith("DROP TEMPORARY TABLE cannot be translated");
    }

    @Test
    void truncate() throws SQLException {
        assertThat(tr("TRUNCATE t", PG, MY)).containsExactly("TRUNCATE TABLE `t`");
        assertThat(tr("TRUNCATE TABLE `shop`.`t`", MY, PG)).containsExactly("TRUNCATE TABLE \"t\"");
        assertThat(tr("TRUNCATE TABLE ONLY a, b RESTART IDENTITY RESTRICT", PG, H2))
                .containsExactly("TRUNCATE TABLE \"A\"", "TRUNCATE TABLE \"B\"");
        assertThat(tr("TRUNCATE TABLE t CONTINUE IDENTITY", H2, MY)).containsExactly("TRUNCATE TABLE `t`");
        refused("TRUNCATE a CASCADE", PG, H2).hasMessageStartingWith("TRUNCATE ... CASCADE cannot be translated for an H2 replica");
    }

    @Test
    void createIndex() throws SQLException {
        assertThat(tr("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON public.t USING btree (a, b DESC NULLS LAST)",
                PG, MY)).containsExactly("CREATE UNIQUE INDEX IF NOT EXISTS `i` ON `t` (`a`, `b` DESC)");
        assertThat(tr("CREATE INDEX ON crm.t (a, b)", PG, H2)).containsExactly("CREATE INDEX \"T_A_B_IDX\" ON \"CRM\".\"T\" (\"A\", \"B\")");
        assertThat(tr("CREATE INDEX i USING BTREE ON t (a) ALGORITHM=INPLACE LOCK=NONE", MY, PG))
                .containsExactly("CREATE INDEX \"i\" ON \"t\" (\"a\")");
        assertThat(tr("CREATE INDEX \"Ix\" ON T (\"Mixed\" ASC)", H2, PG)).containsExactly("CREATE INDEX \"Ix\" ON \"t\" (\"Mixed\" ASC)");
        refused("CREATE INDEX i ON t USING gin (a)", PG, H2).hasMessage("CREATE INDEX \"I\" USING GIN cannot be translated for an H2 replica");
        refused("CREATE INDEX i ON t (a) WHERE a > 0", PG, MY).hasMessage("CREATE INDEX \"i\": WHERE cannot be translated for a MYSQL replica");
        refused("CREATE INDEX i ON t (lower(a))", PG, MY).hasMessageContaining("an expression");
        refused("CREATE INDEX i ON t ((a + 1))", PG, MY).hasMessageContaining("an expression");
        refused("CREATE INDEX i ON t (a) INCLUDE (b)", PG, H2).hasMessageContaining("INCLUDE");
        refused("CREATE INDEX i ON t (a text_pattern_ops)", PG, H2).hasMessageContaining("TEXT_PATTERN_OPS");
        refused("CREATE INDEX i ON t (a(10))", MY, PG).hasMessageContaining("the prefix length of column \"a\"");
        refused("CREATE FULLTEXT INDEX i ON t (a)", MY, PG).hasMessageStartingWith("CREATE FULLTEXT INDEX cannot be translated");
    }

    @Test
    void dropIndex() throws SQLException {
        assertThat(tr("DROP INDEX CONCURRENTLY IF EXISTS crm.i, j CASCADE", PG, H2))
                .containsExactly("DROP INDEX IF EXISTS \"CRM\".\"I\"", "DROP INDEX IF EXISTS \"J\"");
        assertThat(tr("DROP INDEX PUBLIC.i", H2, PG)).containsExactly("DROP INDEX \"i\"");
        assertThat(tr("DROP INDEX i ON crm.t ALGORITHM=INPLACE", MY, PG)).containsExactly(
                "ALTER TABLE \"crm\".\"t\" DROP CONSTRAINT IF EXISTS \"i\"", "DROP INDEX IF EXISTS \"crm\".\"i\"");
        refused("DROP INDEX IF EXISTS i", PG, MY)
                .hasMessage("DROP INDEX \"i\" without ON <table> cannot be translated for a MYSQL replica: MySQL drops an index of a"
                        + " table it names");
        refused("DROP INDEX `PRIMARY` ON t", MY, PG).hasMessageContaining("constraint name");
    }

    @Test
    void schemas() throws SQLException {
        assertThat(tr("CREATE SCHEMA IF NOT EXISTS Sales", PG, MY)).containsExactly("CREATE DATABASE IF NOT EXISTS `sales`");
        assertThat(tr("CREATE SCHEMA s", H2, PG)).containsExactly("CREATE SCHEMA \"s\"");
        assertThat(tr("CREATE DATABASE IF NOT EXISTS crm DEFAULT CHARACTER SET utf8mb4 COLLATE = utf8mb4_bin", MY, PG))
                .containsExactly("CREATE SCHEMA IF NOT EXISTS \"crm\"");
        assertThat(tr("CREATE SCHEMA crm", MY, H2)).containsExactly("CREATE SCHEMA \"CRM\"");
        assertThat(tr("DROP SCHEMA IF EXISTS a, b CASCADE", PG, MY))
                .containsExactly("DROP DATABASE IF EXISTS `a`", "DROP DATABASE IF EXISTS `b`");
        assertThat(tr("DROP SCHEMA s", PG, H2)).containsExactly("DROP SCHEMA \"S\"");
        // MySQL drops the tables of a database, which PostgreSQL and H2 do only with CASCADE
        assertThat(tr("DROP DATABASE IF EXISTS crm", MY, PG)).containsExactly("DROP SCHEMA IF EXISTS \"crm\" CASCADE");
        refused("CREATE SCHEMA s AUTHORIZATION bob", PG, MY).hasMessageContaining("AUTHORIZATION");
        refused("CREATE SCHEMA AUTHORIZATION bob", PG, H2).hasMessageContaining("AUTHORIZATION");
        refused("CREATE DATABASE crm", PG, MY).hasMessageStartingWith("CREATE DATABASE cannot be translated");
    }

    @Test
    void sequencesAndCommentsGiveNothing() throws SQLException {
        for (String sql : List.of("CREATE SEQUENCE s START WITH 1 INCREMENT BY 50", "ALTER SEQUENCE s RESTART WITH 5",
                "DROP SEQUENCE IF EXISTS s", "COMMENT ON TABLE t IS 'x'", "COMMENT ON COLUMN t.c IS 'it''s'")) {
            assertThat(tr(sql, PG, MY)).as(sql).isEmpty();
            assertThat(tr(sql, H2, PG)).as(sql).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "CREATE VIEW|CREATE VIEW v AS SELECT 1",
            "CREATE OR REPLACE VIEW|CREATE OR REPLACE VIEW v AS SELECT 1",
            "CREATE MATERIALIZED VIEW|CREATE MATERIALIZED VIEW v AS SELECT 1",
            "CREATE FUNCTION|CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql",
            "CREATE OR REPLACE PROCEDURE|CREATE OR REPLACE PROCEDURE p() LANGUAGE sql AS $$ SELECT 1 $$",
            "CREATE TRIGGER|CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()",
            "CREATE TYPE|CREATE TYPE mood AS ENUM ('sad', 'ok')",
            "CREATE DOMAIN|CREATE DOMAIN d AS int",
            "CREATE EXTENSION|CREATE EXTENSION IF NOT EXISTS pgcrypto",
            "GRANT|GRANT SELECT ON t TO bob",
            "REVOKE|REVOKE SELECT ON t FROM bob",
            "DROP VIEW|DROP VIEW v",
            "ALTER VIEW|ALTER VIEW v RENAME TO w",
            "CREATE UNLOGGED TABLE|CREATE UNLOGGED TABLE t (a int)",
            "INSERT|INSERT INTO t VALUES (1)",
            "an empty statement| ",
    })
    void statementsOutsideTheSubsetAreRefusedByName(String row) {
        String[] parts = row.split("\\|", 2);
        for (Engine target : List.of(MY, H2)) {
            refused(parts[1], PG, target).hasMessage(parts[0] + " cannot be translated for " + replica(target) + " " + SUBSET);
        }
    }

    @Test
    void oneStatementAtATime() throws SQLException {
        assertThat(tr("CREATE TABLE t (a INT);", PG, MY)).containsExactly("CREATE TABLE `t` (`a` INT)");
        refused("CREATE TABLE a (x INT); CREATE TABLE b (y INT)", PG, MY).hasMessageStartingWith("more than one statement");
        // comments are no part of the statement; MySQL's executable comments are refused above
        assertThat(tr("-- made by hand\nCREATE TABLE t (a INT /* the key */)", MY, PG))
                .containsExactly("CREATE TABLE \"t\" (\"a\" INTEGER)");
    }
}
