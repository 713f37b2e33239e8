package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardline.driver.metrics.ShardlineMeterBinder;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/** The status as Micrometer meters: lag and apply rate move under load. */
class MicrometerMetricsTest {

    @Test
    void lagAndApplyMetersMoveUnderLoad() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (TestTopology t = TestTopology.on(Engine.H2).replicas(2).build()) {
            ShardlineDataSource ds = t.dataSource();
            AutoCloseable binding = ds.bindTo(registry, "datasource", "orders");
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE reading (id INT PRIMARY KEY, val INT)");
            }
            assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();

            Gauge lag = registry.get("shardline.replication.lag").tags("node", "replica-1", "shard", "s0", "role", "replica",
                    "datasource", "orders").gauge();
            TimeGauge lagTime = registry.get("shardline.replication.lag.time").tag("node", "replica-1").timeGauge();
            FunctionCounter applied = registry.get("shardline.replication.applied").tag("node", "replica-1").functionCounter();
            Gauge rate = registry.get("shardline.replication.apply.rate").tag("node", "replica-1").gauge();
            Gauge state = registry.get("shardline.replica.state").tag("node", "replica-1").gauge();
            Gauge logEntries = registry.get("shardline.replication.log.entries").tag("node", "primary").gauge();
            FunctionCounter writes = registry.get("shardline.writes").tag("node", "primary").functionCounter();
            assertThat(registry.get("shardline.sync.ack.timeouts").functionCounter().count()).isZero();
            assertThat(lag.value()).isZero();
            double appliedBefore = applied.count();
            assertThat(appliedBefore).isEqualTo(1); // the CREATE TABLE

            ds.pauseReplica("replica-1");
            Thread.sleep(300); // a round already under way ends; the next one waits
            OperationsStatusTest.write(ds, 0, 300);
            assertThat(writes.count()).isGreaterThanOrEqualTo(301);
            assertThat(lag.value()).isEqualTo(300);
            assertThat(await(lagTime::value, v -> v > 0)).as("lag time").isPositive();
            assertThat(lagTime.value(TimeUnit.MILLISECONDS)).isPositive();
            assertThat(await(logEntries::value, v -> v >= 300)).as("log entries").isGreaterThanOrEqualTo(300);
            assertThat(applied.count()).isEqualTo(appliedBefore);
            // the other replica went on
            assertThat(registry.get("shardline.replication.lag").tag("node", "replica-0").gauge().value()).isZero();
            assertThat(registry.get("shardline.replication.apply.rate").tag("node", "replica-0").gauge().value()).isPositive();

            ds.unpauseReplica("replica-1");
            assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
            assertThat(applied.count()).isEqualTo(appliedBefore + 300);
            assertThat(rate.value()).isPositive();
            assertThat(lag.value()).isZero();
            assertThat(await(lagTime::value, v -> v == 0)).isZero();
            assertThat(await(state::value, v -> v == 0)).as("HEALTHY").isZero();

            binding.close();
            assertThat(registry.find("shardline.replication.lag").meters()).isEmpty();
            assertThat(registry.getMeters()).isEmpty();

            // the binder can also be used directly (e.g. as a Spring bean)
            new ShardlineMeterBinder(ds).bindTo(registry);
            assertThat(registry.get("shardline.replica.state").gauges()).hasSize(2);
            assertThat(registry.get("shardline.primary.state").gauge().value()).isZero();
        }
    }

    @Test
    void bindToRefusesWhatIsNotARegistry() throws Exception {
        try (TestTopology t = TestTopology.on(Engine.H2).replicas(1).build()) {
            ShardlineDataSource ds = t.dataSource();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ds.bindTo("not a registry"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MeterRegistry");
        }
    }

    /** The value once it satisfies the condition, or after 10 s. */
    static double await(DoubleSupplier value, java.util.function.DoublePredicate condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        double v = value.getAsDouble();
        while (!condition.test(v) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            v = value.getAsDouble();
        }
        return v;
    }
}
