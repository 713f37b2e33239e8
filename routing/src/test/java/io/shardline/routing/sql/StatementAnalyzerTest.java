package io.shardline.routing.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardline.routing.sql.StatementInfo.Kind;
import io.shardline.routing.sql.StatementInfo.KeyInsertion;
import io.shardline.routing.sql.StatementInfo.TransactionVerb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StatementAnalyzerTest {

    private final StatementAnalyzer analyzer = new StatementAnalyzer();

    private StatementInfo a(String sql) {
        return analyzer.analyze(sql);
    }

    // ---- reads -------------------------------------------------------------------------------

    @Test
    void hibernateSelectIsRead() {
        StatementInfo i = a("select e1_0.id,e1_0.name from customer e1_0 where e1_0.id=?");
        assertThat(i.kind()).isEqualTo(Kind.READ);
        assertThat(i.parsed()).isTrue();
        assertThat(i.tables()).containsExactly("customer");
        assertThat(i.parameterCount()).isEqualTo(1);
        assertThat(i.writtenTable()).isNull();
        assertThat(i.transactionVerb()).isNull();
        assertThat(i.forcePrimary()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT 1",
            "select count(*), max(price) from customer c join orders o on o.cid = c.id group by c.id having sum(o.x) > ?",
            "select a from t union all select b from u",
            "with x as (select id from t) select * from x where id in (select id from u)",
            "with x (a, b) as (select 1, 2) select a from x",
            "select coalesce(name, 'x'), lower(name), cast(price as decimal(10,2)) from t",
            "select now(), current_timestamp, rand() from t",
            "select row_number() over (partition by a order by b) from t",
            "select * from t where exists (select 1 from u where u.id = t.id)",
            "select substring(name from 1 for 2), extract(year from d) from t",
            "VALUES (1)",
    })
    void pureQueriesAreReads(String sql) {
        assertThat(a(sql).kind()).as(sql).isEqualTo(Kind.READ);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT NEXT VALUE FOR seq",
            "select nextval('customer_seq')",
            "select customer_seq.nextval from dual",
            "SELECT GET_LOCK(?, ?)",
            "select DATABASE()",
            "select USER()",
            "select LAST_INSERT_ID()",
            "select CONNECTION_ID()",
            "select my_udf(a) from t",
            "select s.my_udf(a) from t",
            "SELECT * FROM information_schema.tables",
            "SELECT * FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = ?",
            "select * from pg_catalog.pg_class",
            "select * from mysql.user",
            "select * from pg_stat_activity",
            "select * from customer where id = ? for update",
            "select * from customer for share",
            "select * from customer lock in share mode",
            "select @@session.transaction_read_only",
            "select current_user",
            "/* shardline:primary */ select * from customer",
            "select * from customer /*shardline: primary*/ where id = ?",
            "SHOW TABLES",
            "EXPLAIN select * from t",
            "DESCRIBE t",
            "select a into @v from t",
    })
    void primaryReads(String sql) {
        assertThat(a(sql).kind()).as(sql).isEqualTo(Kind.PRIMARY_READ);
    }

    @Test
    void hintSetsForcePrimary() {
        StatementInfo i = a("/* shardline:primary */ select * from customer");
        assertThat(i.forcePrimary()).isTrue();
        assertThat(i.parsed()).isTrue();
        assertThat(a("insert into t (a) values (1) -- shardline:primary").forcePrimary()).isTrue();
        assertThat(a("select '/* shardline:primary */' from t").forcePrimary()).isFalse();
    }

    @Test
    void dataModifyingQueriesAreWrites() {
        assertThat(a("with d as (delete from t where id = ? returning *) select * from d").kind()).isEqualTo(Kind.WRITE);
        StatementInfo into = a("select * into newt from t");
        assertThat(into.kind()).isEqualTo(Kind.WRITE);
        assertThat(into.notPlainReason()).isEqualTo("SELECT ... INTO");
        assertThat(a("select 1; delete from t").kind()).isEqualTo(Kind.WRITE);
    }

    // ---- writes ------------------------------------------------------------------------------

    @Test
    void hibernateInserts() {
        StatementInfo i = a("insert into customer (name,price,id) values (?,?,?)");
        assertThat(i.kind()).isEqualTo(Kind.WRITE);
        assertThat(i.isInsert()).isTrue();
        assertThat(i.insertTable()).isEqualTo("customer");
        assertThat(i.writtenTable()).isEqualTo("customer");
        assertThat(i.tables()).containsExactly("customer");
        assertThat(i.insertColumns()).containsExactly("name", "price", "id");
        assertThat(i.insertRows()).isEqualTo(1);
        assertThat(i.insertIsPlain()).isTrue();
        assertThat(i.parameterCount()).isEqualTo(3);
        assertThat(i.notPlainReason()).isNull();
        assertThatThrownBy(() -> i.keyInsertion("id")).isInstanceOf(IllegalStateException.class);

        StatementInfo j = a("insert into customer (name) values (?)");
        assertThat(j.insertColumns()).containsExactly("name");
        assertThat(j.insertIsPlain()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "UPDATE customer SET name = ? WHERE id = ?",
            "DELETE FROM customer WHERE id = ?",
            "REPLACE INTO t (a) VALUES (1)",
            "UPSERT INTO t (a) VALUES (1)",
            "MERGE INTO t KEY(id) VALUES (1, 2)",
            "call proc(?)",
            "{call proc(?)}",
            "{? = call f(?)}",
            "EXECUTE p",
            "LOCK TABLES t WRITE",
            "BEGIN INSERT INTO t VALUES (1); END;",
            "EXPLAIN ANALYZE DELETE FROM t",
    })
    void writes(String sql) {
        assertThat(a(sql).kind()).as(sql).isEqualTo(Kind.WRITE);
    }

    @Test
    void jdbcEscapeCallCountsParameters() {
        assertThat(a("{? = call f(?)}").parameterCount()).isEqualTo(2);
        assertThat(a("{call proc(?)}").parameterCount()).isEqualTo(1);
    }

    @Test
    void insertVariantsAreNotPlain() {
        assertThat(a("insert into t (a) values (1) on duplicate key update a = 2").insertIsPlain()).isFalse();
        assertThat(a("insert ignore into t (a) values (1)").insertIsPlain()).isFalse();
        assertThat(a("insert into t (a) values (1) on conflict do nothing").insertIsPlain()).isFalse();
        assertThat(a("insert into t (a) values (1) returning id").insertIsPlain()).isFalse();
        StatementInfo sel = a("insert into t (a) select b from u");
        assertThat(sel.insertIsPlain()).isFalse();
        assertThat(sel.insertRows()).isEqualTo(-1);
        assertThat(sel.tables()).containsExactlyInAnyOrder("t", "u");
        StatementInfo noCols = a("insert into t values (1, 2), (3, 4)");
        assertThat(noCols.insertIsPlain()).isTrue();
        assertThat(noCols.insertColumns()).isEmpty();
        assertThat(noCols.insertRows()).isEqualTo(2);
        assertThatThrownBy(() -> noCols.keyInsertion("id")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> a("update t set a = 1").keyInsertion("id")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void keyInsertionSingleRow() {
        KeyInsertion k = a("insert into customer (name) values (?)").keyInsertion("id");
        assertThat(k.sql()).isEqualTo("INSERT INTO customer (id, name) VALUES (?, ?)");
        assertThat(k.keyParameterPositions()).containsExactly(1);
    }

    @Test
    void keyInsertionMultiRow() {
        StatementInfo i = a("INSERT INTO t (a,b) VALUES (?,?),(?,?)");
        assertThat(i.insertRows()).isEqualTo(2);
        KeyInsertion k = i.keyInsertion("id");
        assertThat(k.sql()).isEqualTo("INSERT INTO t (id, a, b) VALUES (?, ?, ?), (?, ?, ?)");
        assertThat(k.keyParameterPositions()).containsExactly(1, 4);
        assertThat(i.keyInsertion("id")).isSameAs(k);
    }

    @Test
    void keyInsertionLiteralsAndMixed() {
        KeyInsertion k = a("INSERT INTO t (a,b) VALUES (1,'x')").keyInsertion("id");
        assertThat(k.sql()).isEqualTo("INSERT INTO t (id, a, b) VALUES (?, 1, 'x')");
        assertThat(k.keyParameterPositions()).containsExactly(1);
        KeyInsertion m = a("INSERT INTO t (a,b) VALUES (1,?),('?',?),(?, ?)").keyInsertion("id");
        assertThat(m.keyParameterPositions()).containsExactly(1, 3, 5);
    }

    @Test
    void keyInsertionReplacesDefaultOrNullInPlace() {
        // Hibernate's identity insert on H2
        StatementInfo h = a("insert into product (createdAt,name,price,id) values (?,?,?,default)");
        assertThat(h.insertDefaultedRows("ID")).isEqualTo(1);
        assertThat(h.insertDefaultedRows("name")).isZero();
        KeyInsertion k = h.keyInsertion("ID");
        assertThat(k.sql()).isEqualTo("INSERT INTO product (createdAt, name, price, id) VALUES (?, ?, ?, ?)");
        assertThat(k.keyParameterPositions()).containsExactly(4);
        StatementInfo m = a("INSERT INTO t (a, id, b) VALUES (?, NULL, ?), ('?', DEFAULT, ?)");
        assertThat(m.insertDefaultedRows("id")).isEqualTo(2);
        assertThat(m.keyInsertion("id").sql()).isEqualTo("INSERT INTO t (a, id, b) VALUES (?, ?, ?), ('?', ?, ?)");
        assertThat(m.keyInsertion("id").keyParameterPositions()).containsExactly(2, 4);
        StatementInfo mixed = a("INSERT INTO t (id, a) VALUES (DEFAULT, 1), (7, 2)");
        assertThat(mixed.insertDefaultedRows("id")).isEqualTo(1);
        assertThatThrownBy(() -> mixed.keyInsertion("id")).isInstanceOf(IllegalStateException.class);
        assertThat(a("INSERT INTO t (id, a) VALUES (\"default\", 1)").insertDefaultedRows("id")).isZero();
    }

    @Test
    void notPlainReasons() {
        assertThat(a("insert into t (a) select b from u").notPlainReason()).isEqualTo("INSERT ... SELECT");
        assertThat(a("insert into t (a) values ((select max(b) from u))").notPlainReason()).isEqualTo("INSERT ... SELECT");
        assertThat(a("update t set a = (select max(b) from u) where id = ?").notPlainReason()).isEqualTo("UPDATE with a subquery");
        assertThat(a("update t set a = 1 where id in (select id from t where b = 2)").notPlainReason()).isEqualTo("UPDATE with a subquery");
        assertThat(a("delete from t where id in (select id from u)").notPlainReason()).isEqualTo("DELETE with a subquery");
        assertThat(a("delete from t where exists (select 1 from t t2 where t2.x = t.x)").notPlainReason()).isEqualTo("DELETE with a subquery");
        assertThat(a("MERGE INTO t USING s ON (t.id = s.id) WHEN MATCHED THEN UPDATE SET t.a = s.a").notPlainReason()).isEqualTo("MERGE");
        assertThat(a("MERGE INTO t KEY(id) VALUES (1, 2)").notPlainReason()).isNull();
        assertThat(a("update t set a = 1 limit 10").notPlainReason()).isEqualTo("UPDATE ... LIMIT without ORDER BY");
        assertThat(a("update t set a = 1 order by id limit 10").notPlainReason()).isNull();
        assertThat(a("delete from t limit 1").notPlainReason()).isEqualTo("DELETE ... LIMIT without ORDER BY");
        assertThat(a("delete from t order by id limit 1").notPlainReason()).isNull();
        assertThat(a("update t join u on t.id = u.id set t.a = u.a").notPlainReason()).isEqualTo("UPDATE ... JOIN");
        assertThat(a("update t set a = u.a from u where t.id = u.id").notPlainReason()).isEqualTo("UPDATE ... JOIN");
        assertThat(a("delete t from t join u on t.id = u.id").notPlainReason()).isEqualTo("DELETE ... JOIN");
        assertThat(a("UPDATE customer SET name = ? WHERE id = ?").notPlainReason()).isNull();
        assertThat(a("DELETE FROM customer WHERE id = ?").notPlainReason()).isNull();
        assertThat(a("insert into t (a) values (?)").notPlainReason()).isNull();
        assertThat(a("select * from t").notPlainReason()).isNull();
    }

    /** A function not known to be pure may write: such reads and SETs run as writes do, on the primary. */
    @Test
    void callsOfFunctionsNotKnownToBePureAreMarked() {
        assertThat(a("SELECT BUMP()").callsUnknownFunction()).isTrue();
        assertThat(a("SELECT BUMP()").kind()).isEqualTo(StatementInfo.Kind.PRIMARY_READ);
        assertThat(a("select id, my_fn(name) from t where id = ?").callsUnknownFunction()).isTrue();
        assertThat(a("SELECT \"Bump\"()").callsUnknownFunction()).isTrue();
        assertThat(a("SELECT app.bump(1)").callsUnknownFunction()).isTrue();
        assertThat(a("SET @x = BUMP()").callsUnknownFunction()).isTrue();
        assertThat(a("SET @x = BUMP()").kind()).isEqualTo(StatementInfo.Kind.SESSION);
        assertThat(a("SET @x = CONCAT('a', 'b')").callsUnknownFunction()).isFalse();
        assertThat(a("SET @x = 5").callsUnknownFunction()).isFalse();
        assertThat(a("SELECT COUNT(*), UPPER(name), COALESCE(a, 1) FROM t").callsUnknownFunction()).isFalse();
        assertThat(a("SELECT * FROM t WHERE id IN (SELECT id FROM u)").callsUnknownFunction()).isFalse();
        assertThat(a("SELECT * FROM t FOR UPDATE").callsUnknownFunction()).isFalse();
        assertThat(a("WITH c (a, b) AS (SELECT 1, 2) SELECT * FROM c").callsUnknownFunction()).isFalse();
        assertThat(a("UPDATE t SET a = bump()").callsUnknownFunction()).isFalse(); // a write already
        // built-ins that read the connection's state: on the primary, but not run as writes
        for (String sql : java.util.List.of("SELECT DATABASE()", "SELECT VERSION()", "SELECT LAST_INSERT_ID()",
                "select current_schema()", "SELECT H2VERSION()")) {
            assertThat(a(sql).kind()).as(sql).isEqualTo(StatementInfo.Kind.PRIMARY_READ);
            assertThat(a(sql).callsUnknownFunction()).as(sql).isFalse();
        }
    }

    @Test
    void statementsTheEngineCommitsImplicitlyAreMarked() {
        for (String sql : java.util.List.of("ANALYZE", "ANALYZE TABLE t", "CHECKPOINT", "LOCK TABLES t WRITE", "UNLOCK TABLES",
                "OPTIMIZE TABLE t", "FLUSH TABLES")) {
            assertThat(a(sql).commitsImplicitly()).as(sql).isTrue();
        }
        assertThat(a("INSERT INTO t VALUES (1)").commitsImplicitly()).isFalse();
        assertThat(a("UPDATE t SET a = 1").commitsImplicitly()).isFalse();
        assertThat(a("SELECT * FROM t FOR UPDATE").commitsImplicitly()).isFalse();
    }

    @Test
    void ddlNamesTheTablesWhoseCaptureItChanges() {
        assertThat(a("CREATE TABLE t (id INT PRIMARY KEY)").reshapedTables()).containsExactlyInAnyOrder("t");
        assertThat(a("create table if not exists App.\"Orders\" (id int)").reshapedTables()).containsExactlyInAnyOrder("orders");
        assertThat(a("CREATE OR REPLACE TEMPORARY TABLE `x`.`T2` (id INT) ENGINE=InnoDB").reshapedTables()).containsExactlyInAnyOrder("t2");
        assertThat(a("CREATE TABLE slow AS SELECT X AS id FROM SYSTEM_RANGE(1, 10)").reshapedTables()).containsExactlyInAnyOrder("slow");
        assertThat(a("ALTER TABLE t ADD COLUMN x INT").reshapedTables()).containsExactlyInAnyOrder("t");
        assertThat(a("ALTER TABLE IF EXISTS t RENAME TO u").reshapedTables()).containsExactlyInAnyOrder("t", "u");
        assertThat(a("ALTER TABLE t RENAME u").reshapedTables()).containsExactlyInAnyOrder("t", "u");
        assertThat(a("ALTER TABLE t RENAME COLUMN a TO b").reshapedTables()).containsExactlyInAnyOrder("t");
        assertThat(a("ALTER TABLE t RENAME INDEX i TO j").reshapedTables()).containsExactlyInAnyOrder("t");
        assertThat(a("RENAME TABLE a TO b, c TO d").reshapedTables()).containsExactlyInAnyOrder("a", "b", "c", "d");
        assertThat(a("ALTER TABLE ( nonsense").reshapedTables()).containsExactlyInAnyOrder(StatementInfo.ALL_TABLES);
        for (String sql : java.util.List.of("CREATE INDEX i ON t (a)", "DROP TABLE t", "TRUNCATE TABLE t",
                "CREATE VIEW v AS SELECT * FROM t", "INSERT INTO t VALUES (1)", "CREATE SEQUENCE s")) {
            assertThat(a(sql).reshapedTables()).as(sql).isEmpty();
        }
    }

    @Test
    void withColumnsAppendsColumnsAndParameters() {
        StatementInfo i = a("INSERT INTO t (a, b) VALUES (?, 'x'), (1, ?)");
        StatementInfo.ColumnInsertion c = i.withColumns(java.util.List.of("\"C\"", "d"));
        assertThat(c.sql()).isEqualTo("INSERT INTO t (a, b, \"C\", d) VALUES (?, 'x', ?, ?), (1, ?, ?, ?)");
        assertThat(c.rowCount()).isEqualTo(2);
        assertThat(c.parameterPosition(0, 0)).isEqualTo(2);
        assertThat(c.parameterPosition(0, 1)).isEqualTo(3);
        assertThat(c.parameterPosition(1, 0)).isEqualTo(5);
        assertThat(c.parameterPosition(1, 1)).isEqualTo(6);
        assertThat(i.withColumns(java.util.List.of("\"C\"", "d"))).isSameAs(c);
        assertThat(a("insert into t (a) values (?)").withColumns(java.util.List.of("at")).sql())
                .isEqualTo("INSERT INTO t (a, at) VALUES (?, ?)");
        assertThatThrownBy(() -> a("insert into t (a) values (1)").withColumns(java.util.List.of("A")))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> a("insert into t values (1)").withColumns(java.util.List.of("b")))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> a("insert into t (a) select a from u").withColumns(java.util.List.of("b")))
                .isInstanceOf(IllegalStateException.class);
    }

    // ---- DDL, session, transaction -------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "CREATE TABLE t (id int primary key)", "CREATE INDEX i ON t(a)", "CREATE SEQUENCE s",
            "CREATE SCHEMA s", "CREATE VIEW v AS SELECT * FROM t", "ALTER TABLE t ADD COLUMN c int", "DROP TABLE t",
            "TRUNCATE TABLE t", "RENAME TABLE a TO b", "COMMENT ON TABLE t IS 'x'", "GRANT SELECT ON t TO u",
            "REVOKE SELECT ON t FROM u", "CREATE TABLE `weird` (`x` int) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /* ? */"
    })
    void ddl(String sql) {
        StatementInfo i = a(sql);
        assertThat(i.kind()).as(sql).isEqualTo(Kind.DDL);
        assertThat(i.notPlainReason()).isNull();
        assertThat(i.parameterCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SET NAMES utf8", "SET SCHEMA x", "SET search_path TO x", "SET @v = 1",
            "SET SESSION sql_mode = 'x'", "USE db"})
    void session(String sql) {
        assertThat(a(sql).kind()).as(sql).isEqualTo(Kind.SESSION);
    }

    @Test
    void transactions() {
        assertThat(a("COMMIT").transactionVerb()).isEqualTo(TransactionVerb.COMMIT);
        assertThat(a("commit work").transactionVerb()).isEqualTo(TransactionVerb.COMMIT);
        assertThat(a("ROLLBACK").transactionVerb()).isEqualTo(TransactionVerb.ROLLBACK);
        for (String s : new String[] {"ROLLBACK TO SAVEPOINT s", "BEGIN", "START TRANSACTION", "SAVEPOINT s",
                "RELEASE SAVEPOINT s"}) {
            StatementInfo i = a(s);
            assertThat(i.kind()).as(s).isEqualTo(Kind.TRANSACTION);
            assertThat(i.transactionVerb()).as(s).isEqualTo(TransactionVerb.OTHER);
        }
        assertThat(a("COMMIT").kind()).isEqualTo(Kind.TRANSACTION);
    }

    // ---- parameters, fallback, cache -----------------------------------------------------------

    @Test
    void parameterCounting() {
        assertThat(a("select * from t where a = ? and b = '?' and c = \"?\" -- ?\n and d = ? /* ? */").parameterCount())
                .isEqualTo(2);
        assertThat(a("select 'it''s ?' , ? from t").parameterCount()).isEqualTo(1);
        assertThat(a("select $$ ? $$, ? from t").parameterCount()).isEqualTo(1);
        assertThat(a("insert into t (a,b) values (?,?),(?,?)").parameterCount()).isEqualTo(4);
        assertThat(new StatementAnalyzer(true).analyze("select 'it\\'s ?', ? from t").parameterCount()).isEqualTo(1);
    }

    @Test
    void unparseableFallback() {
        StatementInfo i = a("FROB the widgets ?");
        assertThat(i.kind()).isEqualTo(Kind.WRITE);
        assertThat(i.parsed()).isFalse();
        assertThat(i.parameterCount()).isEqualTo(1);

        StatementInfo sel = a("SELECT ??? nonsense ((( FROM");
        assertThat(sel.parsed()).isFalse();
        assertThat(sel.kind()).isEqualTo(Kind.PRIMARY_READ);

        StatementInfo ddl = a("/* comment */ ( CREATE WEIRD THING ??? )");
        assertThat(ddl.parsed()).isFalse();
        assertThat(ddl.kind()).isEqualTo(Kind.DDL);

        StatementInfo merge = a("MERGE INTO db1.t KEY(id) VALUES (?, ?)");
        assertThat(merge.parsed()).isFalse();
        assertThat(merge.kind()).isEqualTo(Kind.WRITE);
        assertThat(merge.writtenTable()).isEqualTo("t");
        assertThat(merge.schemaQualifiers()).containsExactly("db1");

        assertThat(a("").kind()).isEqualTo(Kind.WRITE);
    }

    @Test
    void cacheReturnsSameInstance() {
        String sql = "select e1_0.id from customer e1_0 where e1_0.id=?";
        StatementInfo first = analyzer.analyze(sql);
        assertThat(analyzer.analyze(sql)).isSameAs(first);
        assertThat(analyzer.analyze(new String(sql.toCharArray()))).isSameAs(first);
    }

    @Test
    void cacheIsBounded() {
        StatementAnalyzer small = new StatementAnalyzer(false, 100);
        for (int i = 0; i < 250; i++) {
            small.analyze("select " + i);
        }
        assertThat(small.cacheSize()).isBetween(1, 100);
        assertThat(StatementAnalyzer.MAX_CACHE_ENTRIES).isEqualTo(10_000);
    }

    // ---- schemas -------------------------------------------------------------------------------

    @Test
    void schemaQualifiersAndReplacement() {
        String sql = "INSERT INTO `db1`.`flyway_schema_history` (`installed_rank`, `version`) VALUES (?, ?)";
        StatementInfo i = a(sql);
        assertThat(i.schemaQualifiers()).containsExactly("db1");
        assertThat(i.insertTable()).isEqualTo("db1.flyway_schema_history");
        assertThat(i.writtenTable()).isEqualTo("flyway_schema_history");
        assertThat(i.insertColumns()).containsExactly("installed_rank", "version");
        String replaced = i.withSchemaReplaced("db1", "db2");
        assertThat(replaced).isEqualTo(
                "INSERT INTO `db2`.`flyway_schema_history` (`installed_rank`, `version`) VALUES (?, ?)");
        assertThat(i.withSchemaReplaced("db1", "db2")).isSameAs(replaced);
        assertThat(i.withSchemaReplaced("other", "db2")).isSameAs(i.sql());

        StatementInfo s = a("select DB1.t.a, 'db1.x' from DB1.t join \"db1\".u on t.id = u.id");
        assertThat(s.schemaQualifiers()).containsExactly("db1");
        assertThat(s.withSchemaReplaced("db1", "db2"))
                .isEqualTo("select db2.t.a, 'db1.x' from db2.t join \"db2\".u on t.id = u.id");
        assertThat(a("select * from t").schemaQualifiers()).isEmpty();
    }
}
