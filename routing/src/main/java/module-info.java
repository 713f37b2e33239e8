/**
 * Shardline's decisions, without I/O: the topology model (API, exported), SQL analysis
 * ({@code .sql}), shard routing and merge plans ({@code .shard}) and read balancing
 * ({@code .read}). The decision packages are exported only to Shardline's own modules.
 */
module io.shardline.routing {
    requires transitive java.sql;
    // JSqlParser is not required: the jar carries it relocated (routing/pom.xml)

    exports io.shardline.routing;
    exports io.shardline.routing.sql to io.shardline.replication, io.shardline.driver;
    exports io.shardline.routing.shard to io.shardline.replication, io.shardline.driver;
    exports io.shardline.routing.read to io.shardline.driver;
}
