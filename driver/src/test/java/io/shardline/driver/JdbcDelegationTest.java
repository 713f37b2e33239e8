package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.shardline.driver.JdbcCalls.Call;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.ExceptionMethod;
import net.bytebuddy.matcher.ElementMatchers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated delegation classes forward every method of the running JDK's {@code java.sql}
 * interfaces: each is declared by the generated class, and calling it calls exactly that method on
 * the delegate, with the same arguments, and returns what the delegate returned. A JDK whose
 * interfaces gained a method fails here until the build regenerates the classes (it does on every
 * build), and a method the generator routes wrongly fails here too.
 */
class JdbcDelegationTest {

    @TempDir
    Path dir;

    @Test
    void delegatingResultSetForwardsEveryResultSetMethod() throws Exception {
        JdbcCalls.Recorder delegate = new JdbcCalls.Recorder();
        DelegatingResultSet rs = instance(DelegatingResultSet.class, ResultSet.class, delegate.proxy(ResultSet.class));
        assertForwardsEveryMethod(ResultSet.class, DelegatingResultSet.class, rs, delegate);
        assertWrapsItsDelegate(rs, delegate, ResultSet.class);
    }

    @Test
    void delegatingDatabaseMetaDataForwardsEveryDatabaseMetaDataMethod() throws Exception {
        JdbcCalls.Recorder delegate = new JdbcCalls.Recorder();
        DelegatingDatabaseMetaData md = instance(DelegatingDatabaseMetaData.class, DatabaseMetaData.class,
                delegate.proxy(DatabaseMetaData.class));
        assertForwardsEveryMethod(DatabaseMetaData.class, DelegatingDatabaseMetaData.class, md, delegate);
        assertWrapsItsDelegate(md, delegate, DatabaseMetaData.class);
    }

    /**
     * Every method CallableStatement adds goes to the accessor its shape says: by name to
     * namedParameter, registerOutParameter(index, ...) to outParameter(index), the rest (the
     * getters) to callable(); what PreparedStatement has is ShardlinePreparedStatement's.
     */
    @Test
    void callableStatementMethodsForwardEveryCallableStatementMethodToItsAccessor() throws Exception {
        TestTopology topo = TestTopology.on(Engine.H2).in(dir).replicas(1).build();
        try (ShardlineDataSource ds = ShardlineDataSource.forUrl(topo.url());
             ShardlineConnection c = (ShardlineConnection) ds.getConnection()) {
            JdbcCalls.Recorder physical = new JdbcCalls.Recorder();
            CallableStatement target = physical.proxy(CallableStatement.class);
            List<String> accessors = new ArrayList<>();
            CallableStatementMethods cs = new CallableStatementMethods(c, "{call ABS(?)}", ResultSet.TYPE_FORWARD_ONLY,
                    ResultSet.CONCUR_READ_ONLY, ResultSet.HOLD_CURSORS_OVER_COMMIT) {
                @Override
                CallableStatement callable() {
                    accessors.add("callable()");
                    return target;
                }

                @Override
                CallableStatement outParameter(int index) {
                    accessors.add("outParameter(" + index + ")");
                    return target;
                }

                @Override
                CallableStatement namedParameter(String method) {
                    accessors.add("namedParameter(" + method + ")");
                    return target;
                }
            };
            List<Method> declared = JdbcCalls.declaredMethods(CallableStatement.class);
            assertThat(declared).hasSizeGreaterThan(100);
            for (Method m : declared) {
                accessors.clear();
                Object[] args = JdbcCalls.arguments(m);
                assertForwards(m, CallableStatementMethods.class, cs, args, physical);
                Class<?>[] p = m.getParameterTypes();
                String expected;
                if (p.length > 0 && p[0] == String.class && (m.getName().startsWith("set") || m.getName().equals("registerOutParameter"))) {
                    expected = "namedParameter(" + m.getName() + ")";
                } else if (m.getName().equals("registerOutParameter")) {
                    expected = "outParameter(" + args[0] + ")";
                } else {
                    expected = "callable()";
                }
                assertThat(accessors).as(JdbcCalls.key(m)).containsExactly(expected);
            }
            for (Method m : JdbcCalls.methods(CallableStatement.class)) {
                if (m.getDeclaringClass() == CallableStatement.class || !Modifier.isAbstract(m.getModifiers())) continue;
                Method impl = ShardlineCallableStatement.class.getMethod(m.getName(), m.getParameterTypes());
                assertThat(impl.getDeclaringClass().getPackageName()).as(JdbcCalls.key(m)).isEqualTo("io.shardline.driver");
                assertThat(Modifier.isAbstract(impl.getModifiers())).as(JdbcCalls.key(m)).isFalse();
            }
            cs.close();
        }
    }

    /**
     * An instance of the generated class {@code type} around {@code delegate}: a subclass made at run
     * time, so that a method the generated class lacks fails the test with its name (rather than
     * failing to compile an anonymous subclass); such a method throws here if called.
     */
    static <T> T instance(Class<T> type, Class<?> iface, Object delegate) throws Exception {
        Class<? extends T> subclass = new ByteBuddy().subclass(type)
                .method(ElementMatchers.isAbstract())
                .intercept(ExceptionMethod.throwing(AssertionError.class, "not generated"))
                .make()
                .load(type.getClassLoader(), ClassLoadingStrategy.UsingLookup.of(MethodHandles.privateLookupIn(type, MethodHandles.lookup())))
                .getLoaded();
        return subclass.getDeclaredConstructor(iface).newInstance(delegate);
    }

    /** Every method of {@code iface} (as this JDK has it) is declared by {@code generated} and forwarded by {@code instance}. */
    static void assertForwardsEveryMethod(Class<?> iface, Class<?> generated, Object instance, JdbcCalls.Recorder delegate)
            throws Exception {
        List<Method> methods = JdbcCalls.methods(iface);
        assertThat(methods).hasSizeGreaterThan(150);
        for (Method m : methods) {
            assertForwards(m, generated, instance, JdbcCalls.arguments(m), delegate);
        }
    }

    /** {@code generated} declares {@code m}; calling it on {@code instance} calls exactly {@code m} on the delegate and returns its result. */
    static void assertForwards(Method m, Class<?> generated, Object instance, Object[] args, JdbcCalls.Recorder delegate)
            throws Exception {
        String key = JdbcCalls.key(m);
        Method declared;
        try {
            declared = generated.getDeclaredMethod(m.getName(), m.getParameterTypes());
        } catch (NoSuchMethodException e) {
            fail(generated.getSimpleName() + " does not declare " + key + ": regenerate it (the build does)");
            return;
        }
        assertThat(Modifier.isAbstract(declared.getModifiers())).as(key).isFalse();
        delegate.clear();
        Object result;
        try {
            result = m.invoke(instance, args);
        } catch (InvocationTargetException e) {
            throw new AssertionError(key + " threw", e.getCause());
        }
        assertThat(delegate.calls).as(key).containsExactly(new Call(key, Arrays.asList(args)));
        if (m.getReturnType() == void.class) {
            assertThat(result).as(key).isNull();
        } else if (m.getReturnType().isPrimitive()) {
            assertThat(result).as(key).isEqualTo(delegate.lastReturn);
        } else {
            assertThat(result).as(key).isSameAs(delegate.lastReturn);
        }
    }

    /** unwrap/isWrapperFor answer for the wrapper and its delegate themselves before asking the delegate. */
    static void assertWrapsItsDelegate(java.sql.Wrapper wrapper, JdbcCalls.Recorder delegate, Class<?> iface) throws Exception {
        delegate.clear();
        assertThat(wrapper.unwrap(wrapper.getClass())).isSameAs(wrapper);
        assertThat(wrapper.isWrapperFor(wrapper.getClass())).isTrue();
        assertThat(wrapper.unwrap(java.lang.reflect.Proxy.class)).isNotSameAs(wrapper).isInstanceOf(iface);
        assertThat(wrapper.isWrapperFor(java.lang.reflect.Proxy.class)).isTrue();
        assertThat(delegate.calls).isEmpty();
    }
}
