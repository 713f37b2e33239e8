package io.shardline.driver;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.provider.ArgumentsSource;
import org.junit.jupiter.params.support.AnnotationConsumer;
import org.junit.jupiter.params.support.ParameterDeclarations;

/**
 * An engine-neutral scenario, written once and run once per engine of {@link #ENGINES}: the test
 * method takes the {@link Engine} as its parameter and builds its topology with
 * {@code TestTopology.on(engine)}. An engine that is not switched on is skipped by
 * {@link TestTopology.Builder#build()} (MariaDB: unless {@code -Pmariadb}, which CI always sets).
 *
 * <pre>
 * &#64;PerEngine
 * void writesConverge(Engine engine) throws Exception {
 *     try (TestTopology t = TestTopology.on(engine).replicas(2).build()) { ... }
 * }
 * </pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ParameterizedTest(name = "{0}")
@ArgumentsSource(PerEngine.Engines.class)
public @interface PerEngine {

    /** The engines every scenario runs on (PostgreSQL joins here once every scenario passes on it). */
    List<Engine> ENGINES = List.of(Engine.H2, Engine.MARIADB);

    /**
     * Runs on PostgreSQL too ({@code -Ppostgresql}, which CI switches on): the scenarios that pass
     * there already, while PostgreSQL joins {@link #ENGINES} scenario by scenario.
     */
    boolean postgresql() default false;

    /**
     * Runs on H2 as {@link Engine#H2_TCP} instead of in memory: for scenarios whose nodes are
     * reached from other JVMs or are all stopped and restarted.
     */
    boolean h2OverTcp() default false;

    /** The arguments: one engine per invocation. */
    final class Engines implements ArgumentsProvider, AnnotationConsumer<PerEngine> {
        private boolean h2OverTcp;
        private boolean postgresql;

        @Override
        public void accept(PerEngine annotation) {
            h2OverTcp = annotation.h2OverTcp();
            postgresql = annotation.postgresql();
        }

        @Override
        public Stream<? extends Arguments> provideArguments(ParameterDeclarations parameters, ExtensionContext context) {
            Stream<Engine> engines = postgresql ? Stream.concat(ENGINES.stream(), Stream.of(Engine.POSTGRESQL)) : ENGINES.stream();
            return engines.map(e -> h2OverTcp && e == Engine.H2 ? Engine.H2_TCP : e).map(Arguments::of);
        }
    }
}
