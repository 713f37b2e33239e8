/**
 * Shardline's replication: the log and its format ({@code .log}), the appliers and log
 * maintenance ({@code .apply}), verify and resync ({@code .consistency}). Exported to
 * applications: only {@code io.shardline.replication} (the listener, replica states and the
 * verify/resync reports).
 */
module io.shardline.replication {
    requires transitive java.sql;
    requires transitive io.shardline.routing;
    requires org.slf4j;
    requires static com.h2database;

    exports io.shardline.replication;
    // H2 instantiates its capture trigger (H2Capture) by class name
    exports io.shardline.replication.log to io.shardline.driver, com.h2database;
    exports io.shardline.replication.apply to io.shardline.driver;
    exports io.shardline.replication.consistency to io.shardline.driver;
}
