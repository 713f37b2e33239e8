package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is an optional dependency: the driver must load and run without it. The data source
 * is loaded here by a class loader that sees the test class path minus every Micrometer jar.
 */
class NoMicrometerTest {

    @Test
    void theDataSourceWorksWithoutMicrometerOnTheClassPath() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.contains("micrometer")) continue;
            urls.add(Path.of(entry).toUri().toURL());
        }
        try (TestTopology t = TestTopology.on(Engine.H2).replicas(1).build()) {
            ClassLoader original = Thread.currentThread().getContextClassLoader();
            try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
                assertThatThrownBy(() -> Class.forName("io.micrometer.core.instrument.MeterRegistry", false, loader))
                        .isInstanceOf(ClassNotFoundException.class);
                Class<?> dsClass = Class.forName("io.shardline.driver.ShardlineDataSource", true, loader);
                assertThat(dsClass).isNotSameAs(ShardlineDataSource.class);
                // frameworks introspect data sources: every public signature must resolve without Micrometer
                assertThat(dsClass.getMethods()).isNotEmpty();
                // the pool finds the JDBC driver through the context class loader, as in an application
                Thread.currentThread().setContextClassLoader(loader);
                Class.forName("org.h2.Driver", true, loader); // registers that loader's H2 driver with DriverManager
                Object ds = dsClass.getMethod("fromYaml", Path.class).invoke(null, t.yaml());
                try {
                    // java.sql and javax.sql come from the platform: the data source is usable as one
                    try (java.sql.Connection c = ((javax.sql.DataSource) ds).getConnection();
                         java.sql.Statement st = c.createStatement()) {
                        st.execute("CREATE TABLE t (id INT PRIMARY KEY)");
                        st.execute("INSERT INTO t VALUES (1)");
                    }
                    List<?> status = (List<?>) dsClass.getMethod("status").invoke(ds);
                    assertThat(status).hasSize(2);
                    assertThat(dsClass.getMethod("mbeanName").invoke(ds)).as("JMX is there instead").isNotNull();
                    Method bindTo = dsClass.getMethod("bindTo", Object.class, String[].class);
                    assertThatThrownBy(() -> {
                        try {
                            bindTo.invoke(ds, new Object(), new String[0]);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }).isInstanceOf(IllegalStateException.class).hasMessageContaining("Micrometer");
                } finally {
                    ((AutoCloseable) ds).close();
                    Thread.currentThread().setContextClassLoader(original);
                }
            }
        }
    }
}
