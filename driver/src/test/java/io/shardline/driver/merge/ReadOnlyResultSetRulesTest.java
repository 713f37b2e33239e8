package io.shardline.driver.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.shardline.driver.JdbcCalls;
import io.shardline.driver.JdbcCalls.Call;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.ResultSet;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.InvocationHandlerAdapter;
import net.bytebuddy.matcher.ElementMatchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of the read-only merged result set's base, for every method of the running JDK's
 * {@link ResultSet}: each {@code updateXxx} is refused (0A000, naming the method) without touching
 * anything else; each getter by label calls {@code findColumn(label)} and then the getter by index
 * with the same other arguments, and returns its result; cursor movement and row changes are
 * refused. The base is subclassed with every abstract method (the getters by index, findColumn,
 * next, ...) recording its calls.
 */
class ReadOnlyResultSetRulesTest {

    private static final int COLUMN = 7;

    JdbcCalls.Recorder recorder;
    ReadOnlyResultSetBase rs;

    @BeforeEach
    void subclass() throws Exception {
        recorder = new JdbcCalls.Recorder() {
            @Override
            public Object invoke(Object proxy, Method m, Object[] args) {
                Object r = super.invoke(proxy, m, args);
                return m.getName().equals("findColumn") ? COLUMN : r;
            }
        };
        Class<? extends ReadOnlyResultSetBase> type = new ByteBuddy()
                .subclass(ReadOnlyResultSetBase.class)
                .method(ElementMatchers.isAbstract())
                .intercept(InvocationHandlerAdapter.of(recorder))
                .make()
                .load(ReadOnlyResultSetBase.class.getClassLoader(), ClassLoadingStrategy.UsingLookup.of(
                        MethodHandles.privateLookupIn(ReadOnlyResultSetBase.class, MethodHandles.lookup())))
                .getLoaded();
        rs = type.getDeclaredConstructor().newInstance();
    }

    @Test
    void everyUpdateMethodIsRefusedWithItsName() throws Exception {
        int checked = 0;
        for (Method m : JdbcCalls.methods(ResultSet.class)) {
            if (!m.getName().startsWith("update")) continue;
            assertGenerated(m);
            recorder.clear();
            assertRefused(m);
            checked++;
        }
        assertThat(checked).isGreaterThan(80);
    }

    @Test
    void everyGetterByLabelCallsTheGetterByIndexOfFindColumn() throws Exception {
        List<Method> all = JdbcCalls.methods(ResultSet.class);
        int checked = 0;
        for (Method m : all) {
            Class<?>[] p = m.getParameterTypes();
            if (!m.getName().startsWith("get") || p.length == 0 || p[0] != String.class) continue;
            Class<?>[] byIndex = p.clone();
            byIndex[0] = int.class;
            Method target = ResultSet.class.getMethod(m.getName(), byIndex);
            assertGenerated(m);
            Object[] args = JdbcCalls.arguments(m);
            recorder.clear();
            Object result = m.invoke(rs, args);
            List<Object> targetArgs = new ArrayList<>(Arrays.asList(args));
            targetArgs.set(0, COLUMN);
            String key = JdbcCalls.key(m);
            assertThat(recorder.calls).as(key).containsExactly(
                    new Call("findColumn(java.lang.String)", List.of(args[0])),
                    new Call(JdbcCalls.key(target), targetArgs));
            if (m.getReturnType().isPrimitive()) {
                assertThat(result).as(key).isEqualTo(recorder.lastReturn);
            } else {
                assertThat(result).as(key).isSameAs(recorder.lastReturn);
            }
            checked++;
        }
        assertThat(checked).isGreaterThan(30);
    }

    @Test
    void cursorMovementAndRowChangesAreRefused() throws Exception {
        for (String name : List.of("absolute", "relative", "first", "last", "previous", "beforeFirst", "afterLast",
                "insertRow", "deleteRow", "refreshRow", "cancelRowUpdates", "moveToInsertRow", "moveToCurrentRow")) {
            Method m = Arrays.stream(ResultSet.class.getMethods()).filter(x -> x.getName().equals(name)).findFirst().orElseThrow();
            recorder.clear();
            assertRefused(m);
        }
    }

    private static void assertGenerated(Method m) {
        try {
            Method declared = ReadOnlyResultSetMethods.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
            assertThat(Modifier.isAbstract(declared.getModifiers())).isFalse();
        } catch (NoSuchMethodException e) {
            fail("ReadOnlyResultSetMethods does not declare " + JdbcCalls.key(m) + ": regenerate it (the build does)");
        }
    }

    private void assertRefused(Method m) throws Exception {
        String key = JdbcCalls.key(m);
        try {
            m.invoke(rs, JdbcCalls.arguments(m));
            fail(key + " was not refused");
        } catch (InvocationTargetException e) {
            assertThat(e.getCause()).as(key).isInstanceOf(SQLFeatureNotSupportedException.class)
                    .hasMessage(ReadOnlyResultSetBase.READ_ONLY + " (" + m.getName() + ")");
            assertThat(((SQLFeatureNotSupportedException) e.getCause()).getSQLState()).isEqualTo("0A000");
        }
        assertThat(recorder.calls).as(key).isEmpty();
    }
}
