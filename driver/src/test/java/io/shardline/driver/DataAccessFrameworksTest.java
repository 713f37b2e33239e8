package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;
import org.apache.ibatis.datasource.pooled.PooledDataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.AutoClose;

/**
 * MyBatis and jOOQ, each with its out-of-the-box settings and nothing changed but the URL: MyBatis
 * with its own POOLED data source over the Shardline driver (auto-commit off, the SIMPLE and the
 * BATCH executor, generated keys into the entity), jOOQ over the data source (its own SQL for
 * the dialect: generated keys through RETURNING or its emulation, batches, an upsert, a
 * transaction). Each ends with a full comparison of the tables on every replica.
 */
class DataAccessFrameworksTest {

    @AutoClose
    TestTopology topo;

    /** A MyBatis entity. */
    public static class Author {
        Long id;
        String name;
        int books;

        public Long getId() {
            return id;
        }

        public void setId(Long id) {
            this.id = id;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public int getBooks() {
            return books;
        }

        public void setBooks(int books) {
            this.books = books;
        }
    }

    /** A MyBatis mapper, by annotations. */
    public interface AuthorMapper {
        @Insert("INSERT INTO author (name, books) VALUES (#{name}, #{books})")
        @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
        int insert(Author a);

        @Update("UPDATE author SET books = books + #{delta} WHERE name LIKE #{prefix}")
        int addBooks(@Param("prefix") String prefix, @Param("delta") int delta);

        @Delete("DELETE FROM author WHERE books > #{max}")
        int deleteAbove(@Param("max") int max);

        @Select("SELECT id, name, books FROM author WHERE id = #{id}")
        Author find(long id);
    }

    @PerEngine(postgresql = true)
    void myBatisWithItsDefaults(Engine engine) throws Exception {
        topo = TestTopology.on(engine).replicas(2).build();
        try (Connection c = topo.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE author (id " + engine.identity() + " PRIMARY KEY, name VARCHAR(40), books INT)"
                    + engine.tableOptions());
        }
        // what mybatis-config.xml's <dataSource type="POOLED"> with driver and url builds
        PooledDataSource pooled = new PooledDataSource(ShardlineDriver.class.getName(), topo.url(), null, null);
        Configuration config = new Configuration(new Environment("shardline", new JdbcTransactionFactory(), pooled));
        config.addMapper(AuthorMapper.class);
        SqlSessionFactory factory = new SqlSessionFactoryBuilder().build(config);
        List<Long> ids = new ArrayList<>();
        try (SqlSession session = factory.openSession()) { // auto-commit off, SIMPLE executor
            AuthorMapper m = session.getMapper(AuthorMapper.class);
            for (int i = 0; i < 20; i++) {
                Author a = new Author();
                a.setName("author-" + i);
                a.setBooks(i);
                assertThat(m.insert(a)).isEqualTo(1);
                ids.add(a.getId());
            }
            assertThat(ids).doesNotContainNull().doesNotHaveDuplicates();
            assertThat(m.find(ids.get(3)).getName()).isEqualTo("author-3"); // its own write, inside the transaction
            assertThat(m.addBooks("author-1%", 100)).isEqualTo(11); // author-1 and author-10..19
            assertThat(m.deleteAbove(115)).isEqualTo(4); // author-16..19
            session.commit();
        }
        try (SqlSession session = factory.openSession(ExecutorType.BATCH)) {
            AuthorMapper m = session.getMapper(AuthorMapper.class);
            List<Author> batch = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                Author a = new Author();
                a.setName("batch-" + i);
                a.setBooks(i % 3);
                m.insert(a);
                batch.add(a);
            }
            session.flushStatements();
            session.commit();
            assertThat(batch).allSatisfy(a -> assertThat(a.getId()).isNotNull());
            assertThat(batch.stream().map(Author::getId).distinct().count()).isEqualTo(30);
        }
        try (SqlSession session = factory.openSession()) {
            session.getMapper(AuthorMapper.class).addBooks("batch-%", 1);
            session.rollback(); // never reaches a replica
        }
        pooled.forceCloseAll();
        assertReplicasEqual(engine, "author", "id", 46);
    }

    @PerEngine(postgresql = true)
    void jooqWithItsDefaults(Engine engine) throws Exception {
        topo = TestTopology.on(engine).replicas(2).build();
        SQLDialect dialect = switch (engine) {
            case MARIADB -> SQLDialect.MARIADB;
            case POSTGRESQL -> SQLDialect.POSTGRES;
            default -> SQLDialect.H2;
        };
        DSLContext ctx = DSL.using(topo.dataSource(), dialect);
        Table<Record> book = DSL.table(DSL.name("book"));
        ctx.createTable(book).column(DSL.field(DSL.name("id"), SQLDataType.BIGINT.identity(true)))
                .column(DSL.field(DSL.name("title"), SQLDataType.VARCHAR(60)))
                .column(DSL.field(DSL.name("copies"), SQLDataType.INTEGER)).primaryKey(DSL.name("id")).execute();
        // qualified, as generated code would be (jOOQ's MERGE emulation of the upsert needs it)
        var id = DSL.field(DSL.name("book", "id"), SQLDataType.BIGINT.identity(true));
        var title = DSL.field(DSL.name("book", "title"), SQLDataType.VARCHAR(60));
        var copies = DSL.field(DSL.name("book", "copies"), SQLDataType.INTEGER);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Record r = ctx.insertInto(book, title, copies).values("title-" + i, i).returning(id).fetchOne();
            ids.add(r.get(id));
        }
        assertThat(ids).doesNotContainNull().doesNotHaveDuplicates();
        ctx.batch(ctx.insertInto(book, title, copies).values((String) null, (Integer) null))
                .bind("batch-a", 1).bind("batch-b", 2).bind("batch-c", 3).execute();
        ctx.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            tx.update(book).set(copies, copies.plus(10)).where(title.like("title-%")).execute();
            tx.deleteFrom(book).where(copies.gt(18)).execute(); // title-9
            tx.insertInto(book, id, title, copies).values(ids.get(0), "upserted", 0)
                    .onConflict(id).doUpdate().set(title, "upserted").set(copies, 0).execute();
        });
        try {
            ctx.transaction(cfg -> {
                DSL.using(cfg).update(book).set(copies, 999).execute();
                throw new IllegalStateException("rolled back");
            });
        } catch (IllegalStateException expected) {
            // the transaction was rolled back
        }
        assertThat(ctx.fetchCount(book)).isEqualTo(12);
        assertReplicasEqual(engine, engine.quote("book"), engine.quote("id"), 12); // jOOQ quotes its names
    }

    private void assertReplicasEqual(Engine engine, String table, String orderBy, int rows) throws Exception {
        assertThat(topo.dataSource().awaitReplication(Duration.ofSeconds(30))).isTrue();
        try (Connection p = topo.primary()) {
            List<List<String>> expected = TestTopology.dump(p, table, orderBy);
            assertThat(expected).as(table + " on the primary").hasSize(rows);
            for (int i = 0; i < 2; i++) {
                try (Connection r = topo.replica(i)) {
                    assertThat(TestTopology.dump(r, table, orderBy)).as(table + " on replica " + i + " (" + engine + ")")
                            .isEqualTo(expected);
                }
            }
        }
        for (int i = 0; i < 2; i++) assertThat(topo.status(topo.replicaName(0, i)).state()).isNotEqualTo("BROKEN");
    }
}
