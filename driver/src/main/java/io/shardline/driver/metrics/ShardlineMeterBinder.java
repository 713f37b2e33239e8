package io.shardline.driver.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.shardline.driver.NodeStatus;
import io.shardline.driver.ShardlineDataSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a {@link ShardlineDataSource}'s {@link ShardlineDataSource#status() status} as
 * Micrometer meters. Loaded only when the application uses Micrometer (it is an optional
 * dependency of the driver); register it as a {@link MeterBinder} bean (Spring Boot binds those by
 * itself) or call {@link ShardlineDataSource#bindTo(Object, String...)}.
 *
 * <p>Every meter is tagged {@code shard}, {@code node} and {@code role} (plus any extra tags, e.g.
 * one naming the data source when an application has several):
 *
 * <table>
 * <caption>meters</caption>
 * <tr><th>name</th><th>type, unit</th><th>nodes</th></tr>
 * <tr><td>{@code shardline.replication.lag}</td><td>gauge, entries</td><td>replicas</td></tr>
 * <tr><td>{@code shardline.replication.lag.time}</td><td>time gauge (seconds in Prometheus)</td><td>replicas</td></tr>
 * <tr><td>{@code shardline.replication.applied}</td><td>function counter, entries</td><td>replicas</td></tr>
 * <tr><td>{@code shardline.replication.apply.rate}</td><td>gauge, entries per second (10 s window)</td><td>replicas</td></tr>
 * <tr><td>{@code shardline.replication.position}</td><td>gauge: head (primary), watermark (replica)</td><td>all</td></tr>
 * <tr><td>{@code shardline.replication.log.entries}</td><td>gauge, entries</td><td>primaries</td></tr>
 * <tr><td>{@code shardline.replica.state}</td><td>gauge: 0 HEALTHY, 1 CATCHING_UP, 2 DOWN, 3 BROKEN, 4 STOPPED, 5 PAUSED</td><td>replicas</td></tr>
 * <tr><td>{@code shardline.primary.state}</td><td>gauge, same codes</td><td>primaries</td></tr>
 * <tr><td>{@code shardline.reads}, {@code shardline.writes}</td><td>function counters, statements routed</td><td>all</td></tr>
 * <tr><td>{@code shardline.sync.ack.timeouts}</td><td>function counter (extra tags only)</td><td>-</td></tr>
 * </table>
 */
@SuppressWarnings("exports") // Micrometer types in its API: an optional dependency the application brings
public final class ShardlineMeterBinder implements MeterBinder, AutoCloseable {

    private final ShardlineDataSource dataSource;
    private final Tags extraTags;
    private final List<Registered> registered = new CopyOnWriteArrayList<>();

    private record Registered(MeterRegistry registry, Meter meter) {
    }

    /** A binder for {@code dataSource}, adding {@code extraTags} to every meter. */
    public ShardlineMeterBinder(ShardlineDataSource dataSource, Iterable<Tag> extraTags) {
        this.dataSource = dataSource;
        this.extraTags = Tags.of(extraTags);
    }

    /** A binder for {@code dataSource}. */
    public ShardlineMeterBinder(ShardlineDataSource dataSource) {
        this(dataSource, Tags.empty());
    }

    /**
     * What {@link ShardlineDataSource#bindTo(Object, String...)} calls: kept here so that the data
     * source's own signatures never name a Micrometer type.
     */
    public static AutoCloseable bind(ShardlineDataSource dataSource, Object registry, String... extraTags) {
        if (!(registry instanceof MeterRegistry r)) {
            throw new IllegalArgumentException("not a io.micrometer.core.instrument.MeterRegistry: "
                    + (registry == null ? "null" : registry.getClass().getName()));
        }
        ShardlineMeterBinder b = new ShardlineMeterBinder(dataSource, Tags.of(extraTags == null ? new String[0] : extraTags));
        b.bindTo(r);
        return b;
    }

    /** The numeric code of a state, as published by the state gauges. */
    public static int stateCode(String state) {
        return switch (state) {
            case "HEALTHY" -> 0;
            case "CATCHING_UP" -> 1;
            case "DOWN" -> 2;
            case "BROKEN" -> 3;
            case "PAUSED" -> 5;
            default -> 4;
        };
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (NodeStatus n : dataSource.status()) {
            String node = n.node();
            Tags tags = extraTags.and("shard", n.shard(), "node", node, "role", n.role());
            if (n.isPrimary()) {
                gauge(registry, "shardline.replication.log.entries", "Entries in the primary's replication log not yet pruned",
                        "entries", tags, node, NodeStatus::logEntries);
                gauge(registry, "shardline.primary.state", "0 HEALTHY, 2 DOWN (log maintenance cannot reach it), 4 STOPPED",
                        null, tags, node, s -> stateCode(s.state()));
                gauge(registry, "shardline.replication.position", "Last log position committed on the primary",
                        null, tags, node, NodeStatus::position);
            } else {
                gauge(registry, "shardline.replication.lag", "Log entries committed on the primary and not applied yet",
                        "entries", tags, node, NodeStatus::lagEntries);
                add(registry, TimeGauge.builder("shardline.replication.lag.time", dataSource, TimeUnit.MILLISECONDS,
                                ds -> ds.nodeStatus(node).lagSeconds() * 1000.0)
                        .description("Age of the oldest log entry the replica has not applied yet")
                        .tags(tags).register(registry));
                gauge(registry, "shardline.replication.apply.rate", "Entries applied per second over the last 10 s",
                        "entries", tags, node, NodeStatus::applyRate);
                add(registry, FunctionCounter.builder("shardline.replication.applied", dataSource,
                                ds -> ds.nodeStatus(node).appliedEntries())
                        .description("Log entries applied to the replica by this process").baseUnit("entries")
                        .tags(tags).register(registry));
                gauge(registry, "shardline.replica.state", "0 HEALTHY, 1 CATCHING_UP, 2 DOWN, 3 BROKEN, 4 STOPPED, 5 PAUSED",
                        null, tags, node, s -> stateCode(s.state()));
                gauge(registry, "shardline.replication.position", "The replica's watermark (last applied position)",
                        null, tags, node, NodeStatus::position);
            }
            add(registry, FunctionCounter.builder("shardline.reads", dataSource, ds -> ds.nodeStatus(node).reads())
                    .description("Statements routed to the node as reads").baseUnit("statements")
                    .tags(tags).register(registry));
            add(registry, FunctionCounter.builder("shardline.writes", dataSource, ds -> ds.nodeStatus(node).writes())
                    .description("Statements routed to the node as writes").baseUnit("statements")
                    .tags(tags).register(registry));
        }
        add(registry, FunctionCounter.builder("shardline.sync.ack.timeouts", dataSource, ShardlineDataSource::ackTimeouts)
                .description("Synchronous commits not acknowledged by enough replicas within ackTimeout")
                .baseUnit("commits").tags(extraTags).register(registry));
    }

    private void gauge(MeterRegistry registry, String name, String description, String unit, Tags tags, String node,
                       ToDoubleFunction<NodeStatus> value) {
        Gauge.Builder<ShardlineDataSource> b = Gauge.builder(name, dataSource, ds -> value.applyAsDouble(ds.nodeStatus(node)))
                .description(description).tags(tags);
        if (unit != null) b.baseUnit(unit);
        add(registry, b.register(registry));
    }

    private void add(MeterRegistry registry, Meter meter) {
        registered.add(new Registered(registry, meter));
    }

    /** Removes the meters this binder registered. */
    @Override
    public void close() {
        for (Registered r : registered) r.registry().remove(r.meter());
        registered.clear();
    }
}
