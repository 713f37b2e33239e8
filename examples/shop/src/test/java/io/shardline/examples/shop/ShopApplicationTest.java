package io.shardline.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.driver.ShardlineDataSource;
import io.shardline.replication.Verification;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * The shop over HTTP, on the topology its profile names (in CI: embedded H2, 1 primary + 2
 * replicas; with -Pexample-mariadb / -Pexample-postgres: the local server).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ShopApplicationTest {

    @LocalServerPort
    int port;
    @Autowired
    ShardlineDataSource shardline;

    RestClient http;

    @BeforeEach
    void client() {
        http = RestClient.builder().baseUrl("http://127.0.0.1:" + port)
                .defaultStatusHandler(HttpStatusCode::isError, (req, res) -> { }) // the tests look at error statuses themselves
                .build();
    }

    @Test
    void registerOrderAndReadBackOverHttp() {
        ResponseEntity<Map<String, Object>> customer = post("/customers", Map.of("name", "Ada", "email", "ada-" + System.nanoTime() + "@example.com"));
        assertThat(customer.getStatusCode().value()).isEqualTo(201);
        long customerId = ((Number) customer.getBody().get("id")).longValue();

        ResponseEntity<Map<String, Object>> product = post("/products", Map.of("name", "Grinder", "price", new BigDecimal("89.90"), "stock", 5));
        long productId = ((Number) product.getBody().get("id")).longValue();

        ResponseEntity<Map<String, Object>> order = post("/orders", Map.of("customerId", customerId, "productId", productId, "quantity", 2));
        assertThat(order.getStatusCode().value()).isEqualTo(201);
        assertThat(new BigDecimal(order.getBody().get("total").toString())).isEqualByComparingTo("179.80");
        // every response carries the read-your-writes token
        assertThat(order.getHeaders().getFirst("Shardline-Session")).matches("main:\\d+");

        // read right after the writes (read-only transactions, replicas when they have caught up): never stale
        assertThat(get("/customers/" + customerId).getBody()).containsEntry("name", "Ada");
        assertThat(get("/products/" + productId).getBody()).containsEntry("stock", 3);
        List<Map<String, Object>> orders = http.get().uri("/customers/{id}/orders", customerId).retrieve()
                .body(new ParameterizedTypeReference<>() { });
        assertThat(orders).hasSize(1).first().satisfies(o -> assertThat(o).containsEntry("quantity", 2));

        // taking more than the stock is refused and changes nothing
        assertThat(post("/orders", Map.of("customerId", customerId, "productId", productId, "quantity", 4)).getStatusCode().value()).isEqualTo(409);
        assertThat(get("/products/" + productId).getBody()).containsEntry("stock", 3);
        assertThat(get("/customers/999999").getStatusCode().value()).isEqualTo(404);
    }

    @Test
    void theProductsOfDataSqlAreThere() {
        List<Map<String, Object>> products = http.get().uri("/products").retrieve().body(new ParameterizedTypeReference<>() { });
        if (isEmbedded()) {
            assertThat(products).extracting(p -> p.get("name")).contains("Espresso beans 1kg", "Moka pot");
        }
    }

    @Test
    void theReplicasConvergeAndVerifyFindsNoDifference() throws Exception {
        for (int i = 0; i < 20; i++) {
            post("/customers", Map.of("name", "c" + i, "email", "c" + i + "-" + System.nanoTime() + "@example.com"));
        }
        assertThat(shardline.awaitReplication(Duration.ofSeconds(20))).isTrue();
        Verification.Report report = shardline.verify();
        assertThat(report.consistent()).as(report.format()).isTrue();
        assertThat(report.replicas()).hasSize(2);
    }

    @Test
    void healthShowsEveryNode() {
        ResponseEntity<Map<String, Object>> health = get("/actuator/health");
        assertThat(health.getStatusCode().value()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        Map<String, Object> shardlineHealth = (Map<String, Object>) ((Map<String, Object>) health.getBody().get("components")).get("shardline");
        assertThat(shardlineHealth).containsEntry("status", "UP");
        @SuppressWarnings("unchecked")
        Map<String, Object> nodes = (Map<String, Object>) ((Map<String, Object>) shardlineHealth.get("details")).get("nodes");
        assertThat(nodes).containsOnlyKeys("primary", "replica-a", "replica-b");
    }

    private boolean isEmbedded() {
        return shardline.topology().dataSources().values().stream().allMatch(d -> d.url().startsWith("jdbc:h2:mem:"));
    }

    private ResponseEntity<Map<String, Object>> post(String path, Map<String, Object> body) {
        return http.post().uri(path).body(body).retrieve().toEntity(new ParameterizedTypeReference<>() { });
    }

    private ResponseEntity<Map<String, Object>> get(String path) {
        return http.get().uri(path).retrieve().toEntity(new ParameterizedTypeReference<>() { });
    }
}
