package io.shardline.driver;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URL;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.Comparator;
import java.util.List;
import java.util.TimeZone;
import java.util.stream.Collectors;

/**
 * Test support for the delegation tests: a distinct, type-appropriate dummy value for every
 * parameter and return type of the {@code java.sql} interfaces, and an invocation handler that
 * records the calls it receives.
 */
public final class JdbcCalls {

    private JdbcCalls() {
    }

    /** A recorded call: the method's {@link #key(Method) key} and its arguments. */
    public record Call(String method, List<Object> args) {
        static Call of(Method m, Object[] args) {
            return new Call(key(m), args == null ? List.of() : Arrays.asList(args));
        }
    }

    /** {@code name(erased parameter types)}: identifies a method across interfaces that redeclare it. */
    public static String key(Method m) {
        return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getTypeName)
                .collect(Collectors.joining(",", "(", ")"));
    }

    /** Every instance method of {@code iface} (inherited ones included, one per signature), sorted: what the running JDK has. */
    public static List<Method> methods(Class<?> iface) {
        java.util.Map<String, Method> bySignature = new java.util.TreeMap<>();
        for (Method m : iface.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) continue;
            bySignature.merge(key(m), m, (a, b) -> a.getDeclaringClass().isAssignableFrom(b.getDeclaringClass()) ? b : a);
        }
        return new ArrayList<>(bySignature.values());
    }

    /** The instance methods {@code iface} itself declares, sorted. */
    public static List<Method> declaredMethods(Class<?> iface) {
        return Arrays.stream(iface.getDeclaredMethods()).filter(m -> !Modifier.isStatic(m.getModifiers()))
                .sorted(Comparator.comparing(JdbcCalls::key)).collect(Collectors.toList());
    }

    /** Distinct dummy arguments for {@code m}. */
    public static Object[] arguments(Method m) {
        Class<?>[] types = m.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) args[i] = dummy(types[i], i + 1);
        return args;
    }

    /**
     * A dummy of type {@code t}; {@code seed} makes values of the same type differ (and reference
     * values are fresh objects, compared by identity). A type without a rule fails the test, so a
     * new JDK's new parameter type is noticed.
     */
    public static Object dummy(Class<?> t, int seed) {
        if (t == int.class || t == Integer.class) return 100 + seed;
        if (t == long.class || t == Long.class) return 200L + seed;
        if (t == short.class || t == Short.class) return (short) (300 + seed);
        if (t == byte.class || t == Byte.class) return (byte) (10 + seed);
        if (t == boolean.class || t == Boolean.class) return Boolean.TRUE;
        if (t == double.class || t == Double.class) return 400.5 + seed;
        if (t == float.class || t == Float.class) return 500.5f + seed;
        if (t == char.class || t == Character.class) return (char) ('a' + seed);
        if (t == String.class) return "s" + seed;
        if (t == Object.class) return new Object();
        if (t == Class.class) return Connection.class; // a type neither the wrapper nor the delegate implements
        if (t == BigDecimal.class) return new BigDecimal("600." + seed);
        if (t == java.sql.Date.class) return new java.sql.Date(86_400_000L * seed);
        if (t == java.sql.Time.class) return new java.sql.Time(1_000L * seed);
        if (t == java.sql.Timestamp.class) return new java.sql.Timestamp(1_000_000L * seed);
        if (t == Calendar.class) return Calendar.getInstance(TimeZone.getTimeZone("UTC"));
        if (t == InputStream.class) return new ByteArrayInputStream(new byte[] {(byte) seed});
        if (t == Reader.class) return new StringReader("r" + seed);
        if (t == URL.class) return url(seed);
        if (t == java.sql.SQLWarning.class) return new java.sql.SQLWarning("w" + seed);
        if (t.isArray()) {
            Object a = java.lang.reflect.Array.newInstance(t.getComponentType(), 1);
            java.lang.reflect.Array.set(a, 0, dummy(t.getComponentType(), seed));
            return a;
        }
        if (t.isEnum()) return t.getEnumConstants()[seed % t.getEnumConstants().length];
        if (t.isInterface()) return inert(t);
        throw new AssertionError("no dummy value for " + t.getName() + ": add one to JdbcCalls.dummy");
    }

    private static URL url(int seed) {
        try {
            return URI.create("http://example.invalid/" + seed).toURL();
        } catch (java.net.MalformedURLException e) {
            throw new AssertionError(e);
        }
    }

    /** A proxy of {@code iface} that answers nothing (every method returns null / 0 / false): only its identity matters. */
    public static Object inert(Class<?> iface) {
        return Proxy.newProxyInstance(iface.getClassLoader() == null ? JdbcCalls.class.getClassLoader() : iface.getClassLoader(),
                new Class<?>[] {iface}, (proxy, m, args) -> objectMethod(proxy, m, args, "inert " + iface.getSimpleName()));
    }

    /** The answer of a proxy to {@code equals} / {@code hashCode} / {@code toString}, or a zero value for anything else. */
    static Object objectMethod(Object proxy, Method m, Object[] args, String name) {
        switch (m.getName()) {
            case "equals":
                if (m.getParameterCount() == 1 && m.getParameterTypes()[0] == Object.class) return proxy == args[0];
                break;
            case "hashCode":
                if (m.getParameterCount() == 0) return System.identityHashCode(proxy);
                break;
            case "toString":
                if (m.getParameterCount() == 0) return name;
                break;
            default:
                break;
        }
        return zero(m.getReturnType());
    }

    static Object zero(Class<?> t) {
        if (t == boolean.class) return false;
        if (t == char.class) return (char) 0;
        if (t == int.class) return 0;
        if (t == long.class) return 0L;
        if (t == short.class) return (short) 0;
        if (t == byte.class) return (byte) 0;
        if (t == double.class) return 0.0;
        if (t == float.class) return 0.0f;
        return null;
    }

    /**
     * Records every call it receives and answers with a fresh dummy of the method's return type
     * (kept in {@link #lastReturn}); {@code equals}, {@code hashCode} and {@code toString} of
     * {@link Object} are answered, not recorded.
     */
    public static class Recorder implements InvocationHandler {

        public final List<Call> calls = new ArrayList<>();
        public Object lastReturn;
        private int returns;

        /** A proxy of {@code iface} whose calls this recorder records. */
        public <T> T proxy(Class<T> iface) {
            return iface.cast(Proxy.newProxyInstance(JdbcCalls.class.getClassLoader(), new Class<?>[] {iface}, this));
        }

        @Override
        public Object invoke(Object proxy, Method m, Object[] args) {
            if (m.getDeclaringClass() == Object.class) return objectMethod(proxy, m, args, "recording proxy");
            calls.add(Call.of(m, args));
            lastReturn = m.getReturnType() == void.class ? null : dummy(m.getReturnType(), 1000 + ++returns);
            return lastReturn;
        }

        /** Forgets the calls recorded so far. */
        public void clear() {
            calls.clear();
            lastReturn = null;
        }
    }
}
