import java.io.IOException;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes the driver's JDBC delegation classes from the {@code java.sql} interfaces of the JDK that
 * runs it, so that a new JDK's new methods are delegated by the next build. The driver's build
 * runs it in {@code generate-sources} with the JDK's source launcher:
 *
 * <pre>java driver/src/build/java/JdbcDelegationGenerator.java driver/target/generated-sources/jdbc</pre>
 *
 * <p>The generated code only forwards: every decision (what is refused, what is recorded, which
 * physical statement answers) is made by the hand-written class behind the accessor a method
 * forwards to. The output is sorted and depends only on the JDK's feature version; a file whose
 * content did not change is not rewritten (so the compiler does not recompile the module).
 */
public final class JdbcDelegationGenerator {

    private static final String SQL_EXCEPTION = "java.sql.SQLException";

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java JdbcDelegationGenerator.java <output source root>");
            System.exit(2);
        }
        Path root = Path.of(args[0]);
        write(root, "io.shardline.driver", "DelegatingResultSet", delegating(ResultSet.class, "DelegatingResultSet"));
        write(root, "io.shardline.driver", "DelegatingDatabaseMetaData",
                delegating(DatabaseMetaData.class, "DelegatingDatabaseMetaData"));
        write(root, "io.shardline.driver", "CallableStatementMethods", callableStatementMethods());
        write(root, "io.shardline.driver.merge", "ReadOnlyResultSetMethods", readOnlyResultSetMethods());
    }

    // ------------------------------------------------------------------ the classes

    /** Every method of {@code iface} forwarded to the field {@code delegate}; the wrapper methods look at this object first. */
    static String delegating(Class<?> iface, String name) {
        String i = iface.getName();
        StringBuilder out = header("io.shardline.driver", iface);
        out.append("/** Forwards every call to the wrapped {@link ").append(i)
                .append("}; subclasses override what Shardline changes. */\n");
        out.append("abstract class ").append(name).append(" implements ").append(i).append(" {\n");
        out.append("    final ").append(i).append(" delegate;\n\n");
        out.append("    ").append(name).append('(').append(i).append(" delegate) {\n");
        out.append("        this.delegate = delegate;\n");
        out.append("    }\n");
        for (Method m : methods(iface)) {
            String body;
            if (m.getName().equals("unwrap") && Arrays.equals(m.getParameterTypes(), new Class<?>[] {Class.class})) {
                body = "        if (a0.isInstance(this)) return a0.cast(this);\n"
                        + "        if (a0.isInstance(delegate)) return a0.cast(delegate);\n"
                        + "        return delegate.unwrap(a0);\n";
            } else if (m.getName().equals("isWrapperFor") && Arrays.equals(m.getParameterTypes(), new Class<?>[] {Class.class})) {
                body = "        return a0.isInstance(this) || a0.isInstance(delegate) || delegate.isWrapperFor(a0);\n";
            } else {
                body = forward(m, "delegate", arguments(m, 0));
            }
            method(out, m, body);
        }
        return out.append("}\n").toString();
    }

    /**
     * The methods {@link CallableStatement} adds to {@link java.sql.PreparedStatement} (those are
     * {@code ShardlinePreparedStatement}'s), each forwarded to one of three accessors that the
     * hand-written {@code ShardlineCallableStatement} implements.
     */
    static String callableStatementMethods() {
        StringBuilder out = header("io.shardline.driver", CallableStatement.class);
        out.append("/**\n"
                + " * The methods {@link java.sql.CallableStatement} adds to {@link java.sql.PreparedStatement}, each forwarded\n"
                + " * to an accessor: {@code registerOutParameter(int, ...)} to {@link #outParameter(int)}, every method\n"
                + " * naming its parameter ({@code setXxx(String, ...)}, {@code registerOutParameter(String, ...)}) to\n"
                + " * {@link #namedParameter(String)}, everything else (the OUT-parameter getters, {@code wasNull}) to\n"
                + " * {@link #callable()}. What each accessor does is decided in {@code ShardlineCallableStatement}.\n"
                + " */\n");
        out.append("abstract class CallableStatementMethods extends ShardlinePreparedStatement implements java.sql.CallableStatement {\n\n");
        out.append("    CallableStatementMethods(ShardlineConnection connection, String sql, int resultSetType, int resultSetConcurrency,"
                + " int resultSetHoldability) {\n");
        out.append("        super(connection, sql, resultSetType, resultSetConcurrency, resultSetHoldability);\n");
        out.append("    }\n\n");
        out.append("    /** The physical statement that ran the call: answers the OUT-parameter getters and {@code wasNull}. */\n");
        out.append("    abstract java.sql.CallableStatement callable() throws java.sql.SQLException;\n\n");
        out.append("    /** Receives {@code registerOutParameter(index, ...)}. */\n");
        out.append("    abstract java.sql.CallableStatement outParameter(int index) throws java.sql.SQLException;\n\n");
        out.append("    /** Receives {@code method(String parameterName, ...)}: a setter or registration by parameter name. */\n");
        out.append("    abstract java.sql.CallableStatement namedParameter(String method) throws java.sql.SQLException;\n");
        for (Method m : declaredMethods(CallableStatement.class)) {
            requireSqlException(m);
            Class<?>[] p = m.getParameterTypes();
            boolean named = p.length > 0 && p[0] == String.class
                    && (m.getName().startsWith("set") || m.getName().equals("registerOutParameter"));
            String target;
            if (named) {
                target = "namedParameter(\"" + m.getName() + "\")";
            } else if (m.getName().equals("registerOutParameter") && p.length > 0 && p[0] == int.class) {
                target = "outParameter(a0)";
            } else {
                target = "callable()";
            }
            method(out, m, forward(m, target, arguments(m, 0)));
        }
        return out.append("}\n").toString();
    }

    /**
     * The mechanical part of the read-only merged result set: every {@code updateXxx} throws
     * {@code readOnly("updateXxx")}, every getter by column label calls the getter by index with
     * {@code findColumn(label)}.
     */
    static String readOnlyResultSetMethods() {
        StringBuilder out = header("io.shardline.driver.merge", ResultSet.class);
        out.append("/**\n"
                + " * The mechanical part of a read-only {@link java.sql.ResultSet}: every {@code updateXxx} method throws\n"
                + " * {@link #readOnly(String)}, every getter by column label calls the getter by index with\n"
                + " * {@link #findColumn(String)}. The rest (cursor movement, the getters by index) is hand-written.\n"
                + " */\n");
        out.append("abstract class ReadOnlyResultSetMethods implements java.sql.ResultSet {\n\n");
        out.append("    /** The exception every update method throws, naming the method. */\n");
        out.append("    abstract java.sql.SQLFeatureNotSupportedException readOnly(String method);\n");
        List<Method> all = methods(ResultSet.class);
        for (Method m : all) {
            Class<?>[] p = m.getParameterTypes();
            if (m.getName().startsWith("update")) {
                method(out, m, "        throw readOnly(\"" + m.getName() + "\");\n");
            } else if (m.getName().startsWith("get") && p.length > 0 && p[0] == String.class && byIndex(all, m) != null) {
                String args = "findColumn(a0)" + (p.length > 1 ? ", " + arguments(m, 1) : "");
                method(out, m, forward(m, null, args));
            }
        }
        return out.append("}\n").toString();
    }

    /** The getter by index matching getter-by-label {@code m} (same name and erased return type, {@code int} first), or null. */
    static Method byIndex(List<Method> all, Method m) {
        Class<?>[] p = m.getParameterTypes().clone();
        p[0] = int.class;
        for (Method candidate : all) {
            if (candidate.getName().equals(m.getName()) && Arrays.equals(candidate.getParameterTypes(), p)
                    && candidate.getReturnType() == m.getReturnType()) {
                return candidate;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ methods and their text

    /** Every instance method of {@code iface}, inherited ones included (the most specific declaration of each), sorted. */
    static List<Method> methods(Class<?> iface) {
        Map<String, Method> bySignature = new LinkedHashMap<>();
        for (Method m : iface.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.isSynthetic() || m.isBridge()) continue;
            bySignature.merge(key(m), m,
                    (a, b) -> a.getDeclaringClass().isAssignableFrom(b.getDeclaringClass()) ? b : a);
        }
        return sorted(bySignature.values());
    }

    /** The instance methods {@code iface} itself declares, sorted. */
    static List<Method> declaredMethods(Class<?> iface) {
        List<Method> ms = new ArrayList<>();
        for (Method m : iface.getDeclaredMethods()) {
            if (!Modifier.isStatic(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) ms.add(m);
        }
        return sorted(ms);
    }

    static List<Method> sorted(java.util.Collection<Method> ms) {
        List<Method> out = new ArrayList<>(ms);
        out.sort(Comparator.comparing(JdbcDelegationGenerator::key));
        return out;
    }

    /** Name and erased parameter types: unique per method of an interface, and a stable order. */
    static String key(Method m) {
        return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getTypeName)
                .collect(Collectors.joining(",", "(", ")"));
    }

    static void requireSqlException(Method m) {
        for (Class<?> e : m.getExceptionTypes()) {
            if (e.isAssignableFrom(SQLException.class)) return;
        }
        throw new IllegalStateException(m + " does not throw SQLException: its accessor may; change the generator");
    }

    static void method(StringBuilder out, Method m, String body) {
        out.append('\n');
        if (m.isAnnotationPresent(Deprecated.class)) out.append("    @SuppressWarnings(\"deprecation\")\n");
        out.append("    @Override\n");
        out.append("    public ").append(signature(m)).append(" {\n");
        out.append(body);
        out.append("    }\n");
    }

    /** {@code <T> T getObject(int a0, Class<T> a1) throws java.sql.SQLException}. */
    static String signature(Method m) {
        StringBuilder s = new StringBuilder();
        TypeVariable<Method>[] vars = m.getTypeParameters();
        if (vars.length > 0) {
            s.append(Arrays.stream(vars).map(JdbcDelegationGenerator::declaration).collect(Collectors.joining(", ", "<", "> ")));
        }
        s.append(type(m.getGenericReturnType())).append(' ').append(m.getName()).append('(');
        Type[] params = m.getGenericParameterTypes();
        for (int i = 0; i < params.length; i++) {
            if (i > 0) s.append(", ");
            String t = type(params[i]);
            if (m.isVarArgs() && i == params.length - 1) t = t.substring(0, t.length() - 2) + "...";
            s.append(t).append(" a").append(i);
        }
        s.append(')');
        Type[] thrown = m.getGenericExceptionTypes();
        if (thrown.length > 0) {
            s.append(Arrays.stream(thrown).map(JdbcDelegationGenerator::type).collect(Collectors.joining(", ", " throws ", "")));
        }
        return s.toString();
    }

    static String declaration(TypeVariable<?> v) {
        List<String> bounds = Arrays.stream(v.getBounds()).filter(b -> b != Object.class)
                .map(JdbcDelegationGenerator::type).collect(Collectors.toList());
        return bounds.isEmpty() ? v.getName() : v.getName() + " extends " + String.join(" & ", bounds);
    }

    /** Source text of a type: {@code java.lang} top-level classes by simple name, others fully qualified. */
    static String type(Type t) {
        if (t instanceof Class<?> c) {
            if (c.isArray()) return type(c.getComponentType()) + "[]";
            if (c.getPackageName().equals("java.lang") && c.getEnclosingClass() == null) return c.getSimpleName();
            return c.getCanonicalName();
        }
        if (t instanceof ParameterizedType p) {
            return type(p.getRawType()) + Arrays.stream(p.getActualTypeArguments()).map(JdbcDelegationGenerator::type)
                    .collect(Collectors.joining(", ", "<", ">"));
        }
        if (t instanceof WildcardType w) {
            if (w.getLowerBounds().length > 0) return "? super " + type(w.getLowerBounds()[0]);
            Type[] upper = w.getUpperBounds();
            return upper.length == 0 || upper[0] == Object.class ? "?" : "? extends " + type(upper[0]);
        }
        if (t instanceof TypeVariable<?> v) return v.getName();
        if (t instanceof GenericArrayType g) return type(g.getGenericComponentType()) + "[]";
        throw new IllegalArgumentException("unexpected type " + t);
    }

    /** {@code a<from>, a<from+1>, ...}. */
    static String arguments(Method m, int from) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < m.getParameterCount(); i++) {
            if (i > from) s.append(", ");
            s.append('a').append(i);
        }
        return s.toString();
    }

    /** {@code return target.m(args);} ({@code this} when target is null; no {@code return} for void). */
    static String forward(Method m, String target, String args) {
        String call = (target == null ? "" : target + ".") + m.getName() + "(" + args + ")";
        return m.getReturnType() == void.class ? "        " + call + ";\n" : "        return " + call + ";\n";
    }

    static StringBuilder header(String pkg, Class<?> source) {
        return new StringBuilder("package ").append(pkg).append(";\n\n")
                .append("// GENERATED by driver/src/build/java/JdbcDelegationGenerator.java from ").append(source.getName())
                .append(" of Java ").append(Runtime.version().feature()).append(" during the build: do not edit.\n");
    }

    static void write(Path root, String pkg, String name, String source) throws IOException {
        Path file = root.resolve(pkg.replace('.', '/')).resolve(name + ".java");
        byte[] bytes = source.getBytes(StandardCharsets.UTF_8);
        if (Files.exists(file) && Arrays.equals(Files.readAllBytes(file), bytes)) return;
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    private JdbcDelegationGenerator() {
    }
}
