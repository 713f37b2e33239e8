package io.shardline.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.shardline.driver.ShardlineReplicator;
import io.shardline.driver.ShardlineStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shardline replicate --config topology.yaml [--http 127.0.0.1:PORT]}: a long-running
 * replicator ({@link ShardlineReplicator}) — applies the log to every replica, prunes it, watches
 * lag — with an optional HTTP endpoint for health checks and Prometheus.
 */
@Command(name = "replicate",
        mixinStandardHelpOptions = true,
        versionProvider = ShardlineCli.Version.class,
        exitCodeOnInvalidInput = 64,
        description = {
            "Applies the replication log of every shard to its replicas until stopped (SIGTERM or Ctrl-C),",
            "independently of any application: replicas stay current while no application runs.",
            "Applications may keep their own appliers (replication.appliers: embedded; one applier at a",
            "time applies to a replica, the others wait for its watermark lock) or leave applying to",
            "this process (appliers: external).",
            "",
            "--http serves GET /health (200 when every replica is HEALTHY, or CATCHING_UP within",
            "reads.maxLag, and no node DOWN or BROKEN; 503 otherwise; a JSON body with every node's state,",
            "position and lag) and GET /metrics (Prometheus text format: the shardline.* meters of",
            "docs/operations.md)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"143:stopped by SIGTERM (the JVM's code for it; the replicas had a bounded moment to catch up first)",
            "130:stopped by Ctrl-C", "1:could not start (bad configuration, primary unreachable, port taken)",
            "64:invalid command line"})
final class ReplicateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "topology.yaml", description = "The topology file.")
    Path config;

    @Option(names = "--http", paramLabel = "HOST:PORT",
            description = "Serve /health and /metrics on this address (e.g. 127.0.0.1:9464; port 0 picks a free one,"
                    + " printed at start).")
    String http;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(config)) {
            err.println("shardline replicate: no such file: " + config);
            return 1;
        }
        InetSocketAddress address = http == null ? null : address(http);
        ShardlineReplicator replicator;
        try {
            replicator = ShardlineReplicator.start(config);
        } catch (SQLException | RuntimeException e) {
            err.println("shardline replicate: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        HttpServer server = null;
        PrometheusMeterRegistry registry = null;
        try {
            if (address != null) {
                registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                replicator.dataSource().bindTo(registry);
                try {
                    server = serve(address, replicator, registry);
                } catch (IOException e) {
                    err.println("shardline replicate: cannot listen on " + http + ": " + e.getMessage());
                    return 1;
                }
            }
            HttpServer s = server;
            Thread hook = new Thread(() -> {
                // the runtime's own hook is not relied on: stop serving, then close (bounded drain)
                if (s != null) s.stop(0);
                replicator.close();
                stopped.countDown();
            }, "shardline-replicate-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            out.println("shardline replicate: replicating " + replicator.status().source() + " ("
                    + replicator.status().replicas().size() + " replicas)"
                    + (server == null ? "" : "; http://" + host(server.getAddress()) + "/health and /metrics"));
            out.flush();
            stopped.await();
            return 0;
        } finally {
            if (stopped.getCount() > 0) { // not stopped by the hook: an error on the way
                if (server != null) server.stop(0);
                replicator.close();
            }
            if (registry != null) registry.close();
        }
    }

    private InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try {
            if (colon <= 0) throw new NumberFormatException();
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            if (port < 0 || port > 65535) throw new NumberFormatException();
            return new InetSocketAddress(hostPort.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--http wants HOST:PORT, e.g. 127.0.0.1:9464, not "
                    + hostPort);
        }
    }

    private static String host(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** The two endpoints on the JDK's own HTTP server (no web framework for two GETs). */
    static HttpServer serve(InetSocketAddress address, ShardlineReplicator replicator, PrometheusMeterRegistry registry)
            throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        server.createContext("/health", x -> {
            ShardlineStatus status = replicator.status();
            boolean up = replicator.healthy();
            respond(x, up ? 200 : 503, "application/json", status.toJson());
        });
        server.createContext("/metrics", x -> respond(x, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext("/", x -> respond(x, 404, "text/plain; charset=utf-8", "try /health or /metrics\n"));
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "shardline-replicate-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return server;
    }

    private static void respond(HttpExchange x, int code, String type, String body) throws IOException {
        try (x) {
            if (!"GET".equals(x.getRequestMethod()) && !"HEAD".equals(x.getRequestMethod())) {
                x.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", type);
            boolean head = "HEAD".equals(x.getRequestMethod());
            x.sendResponseHeaders(code, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream o = x.getResponseBody()) {
                    o.write(bytes);
                }
            }
        }
    }
}
