package io.shardline.spring.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.driver.ShardlineDataSource;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

/**
 * Two services, each with its own Shardline runtime (service-a.yaml, service-b.yaml) over the same
 * physical databases, as two deployments would be. Service A writes, then calls service B, which
 * reads. The replicas' appliers are paused in both runtimes during each test, so a read that does
 * not know about A's commit is served stale by a replica every time: B can only answer right if
 * A's token reached it.
 */
class SessionPropagationTest {

    static final String HEADER = "Shardline-Session";
    static final String[] REPLICAS = {"svc-replica-a", "svc-replica-b"};
    static final AtomicLong IDS = new AtomicLong(1000);

    static ConfigurableApplicationContext serviceA;
    static ConfigurableApplicationContext serviceB;
    static ShardlineDataSource runtimeA;
    static ShardlineDataSource runtimeB;
    static RestClient a;
    static RestClient b;

    @BeforeAll
    static void startBothServices() throws Exception {
        serviceB = new SpringApplicationBuilder(ServiceB.class).properties(
                "spring.datasource.url=jdbc:shardline:classpath:service-b.yaml", "server.port=0",
                "server.address=127.0.0.1", "spring.sql.init.mode=never").run();
        String bUrl = "http://127.0.0.1:" + serviceB.getEnvironment().getProperty("local.server.port");
        serviceA = new SpringApplicationBuilder(ServiceA.class).properties(
                "spring.datasource.url=jdbc:shardline:classpath:service-a.yaml", "server.port=0",
                "server.address=127.0.0.1", "spring.sql.init.mode=never", "serviceB.url=" + bUrl).run();
        String aUrl = "http://127.0.0.1:" + serviceA.getEnvironment().getProperty("local.server.port");
        runtimeA = serviceA.getBean(ShardlineDataSource.class);
        runtimeB = serviceB.getBean(ShardlineDataSource.class);
        assertThat(runtimeA).isNotSameAs(runtimeB);
        new JdbcTemplate(runtimeA).execute("CREATE TABLE IF NOT EXISTS note (id BIGINT PRIMARY KEY, body VARCHAR(100))");
        awaitBothCaughtUp();
        // plain HTTP clients of the test: no interceptor
        a = RestClient.builder().baseUrl(aUrl).build();
        b = RestClient.builder().baseUrl(bUrl).build();
    }

    @AfterAll
    static void stop() {
        if (serviceA != null) serviceA.close();
        if (serviceB != null) serviceB.close();
    }

    @BeforeEach
    void pauseReplicasInBothRuntimes() {
        for (String r : REPLICAS) {
            runtimeA.pauseReplica(r);
            runtimeB.pauseReplica(r);
        }
    }

    @AfterEach
    void unpauseAndConverge() throws Exception {
        for (String r : REPLICAS) {
            runtimeA.unpauseReplica(r);
            runtimeB.unpauseReplica(r);
        }
        awaitBothCaughtUp();
    }

    static void awaitBothCaughtUp() throws InterruptedException {
        assertThat(runtimeA.awaitReplication(Duration.ofSeconds(10))).isTrue();
        assertThat(runtimeB.awaitReplication(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void serviceBNeverReadsStaleWhenServiceAsRestClientCarriesTheToken() {
        for (int i = 0; i < 100; i++) {
            long id = IDS.incrementAndGet();
            assertThat(callA(id, "restclient")).as("B's read of note " + id).isEqualTo("n" + id);
        }
    }

    @Test
    void serviceBNeverReadsStaleWhenServiceAsWebClientCarriesTheToken() {
        for (int i = 0; i < 30; i++) {
            long id = IDS.incrementAndGet();
            assertThat(callA(id, "webclient")).as("B's read of note " + id).isEqualTo("n" + id);
        }
    }

    /** The control: the same calls with a client that does not carry the token read stale replicas. */
    @Test
    void withoutTheTokenServiceBReadsAStaleReplica() {
        int stale = 0;
        for (int i = 0; i < 20; i++) {
            long id = IDS.incrementAndGet();
            if (callA(id, "none").equals("missing")) stale++;
        }
        assertThat(stale).as("stale reads without propagation").isEqualTo(20);
    }

    @Test
    void aClientThatSendsTheHeaderBackReadsItsWritesOnAnyService() {
        long id = IDS.incrementAndGet();
        ResponseEntity<String> written = a.post().uri("/notes/{id}?body=n{id}&via=local", id, id).retrieve().toEntity(String.class);
        String token = written.getHeaders().getFirst(HEADER);
        assertThat(token).matches("main:\\d+");
        assertThat(b.get().uri("/notes/{id}", id).header(HEADER, token).retrieve().body(String.class)).isEqualTo("n" + id);
        // the header is returned even when the request made no commit of its own (the caller's commits)
        ResponseEntity<String> read = b.get().uri("/notes/{id}", id).header(HEADER, token).retrieve().toEntity(String.class);
        assertThat(read.getHeaders().getFirst(HEADER)).isEqualTo(token);
        // without it: stale
        assertThat(b.get().uri("/notes/{id}", id).retrieve().body(String.class)).isEqualTo("missing");
    }

    @Test
    void theResponseCarriesTheTokenEvenWhenItsBodyCommitsTheResponseEarly() {
        long id = IDS.incrementAndGet();
        ResponseEntity<byte[]> r = a.post().uri("/streamed/{id}?body=n{id}", id, id).retrieve().toEntity(byte[].class);
        assertThat(r.getBody()).hasSize(64 * 1024);
        String token = r.getHeaders().getFirst(HEADER);
        assertThat(token).matches("main:\\d+");
        assertThat(b.get().uri("/notes/{id}", id).header(HEADER, token).retrieve().body(String.class)).isEqualTo("n" + id);
    }

    @Test
    void theTokenACalledServiceReturnsIsMergedIntoTheCallersToken() {
        long id = IDS.incrementAndGet();
        // A commits nothing itself: B writes; A's response token must name B's commit
        ResponseEntity<String> r = a.post().uri("/relay/{id}?body=n{id}", id, id).retrieve().toEntity(String.class);
        assertThat(r.getBody()).isEqualTo("written");
        String token = r.getHeaders().getFirst(HEADER);
        assertThat(token).matches("main:\\d+");
        // A's own runtime did not make that commit: only the token makes A's read fresh
        assertThat(a.get().uri("/notes/{id}", id).header(HEADER, token).retrieve().body(String.class)).isEqualTo("n" + id);
        assertThat(a.get().uri("/notes/{id}", id).retrieve().body(String.class)).isEqualTo("missing");
    }

    @Test
    void aMalformedTokenIsABadRequest() {
        try {
            b.get().uri("/notes/1").header(HEADER, "not a token").retrieve().toBodilessEntity();
            throw new AssertionError("expected 400");
        } catch (HttpClientErrorException e) {
            assertThat(e.getStatusCode().value()).isEqualTo(400);
        }
    }

    private static String callA(long id, String via) {
        return a.post().uri("/notes/{id}?body=n{id}&via={via}", id, id, via).retrieve().body(String.class);
    }
}
