package io.shardline.spring.services;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.data.jpa.JpaRepositoriesAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/** The calling service: writes a note, then asks service B to read it back. */
@SpringBootConfiguration
@EnableAutoConfiguration(exclude = {HibernateJpaAutoConfiguration.class, JpaRepositoriesAutoConfiguration.class})
@Import(ServiceA.Notes.class)
public class ServiceA {

    @RestController
    public static class Notes {
        private final JdbcTemplate jdbc;
        /** Built from Boot's RestClient.Builder: the starter added the session interceptor. */
        private final RestClient serviceB;
        /** Built by hand, without the interceptor: what an application without propagation does. */
        private final RestClient serviceBWithoutToken;
        /** Built from Boot's WebClient.Builder: the starter added the session filter. */
        private final WebClient serviceBReactive;

        public Notes(JdbcTemplate jdbc, RestClient.Builder restClients, WebClient.Builder webClients,
                     @Value("${serviceB.url}") String serviceBUrl) {
            this.jdbc = jdbc;
            this.serviceB = restClients.baseUrl(serviceBUrl).build();
            this.serviceBWithoutToken = RestClient.builder().baseUrl(serviceBUrl).build();
            this.serviceBReactive = webClients.baseUrl(serviceBUrl).build();
        }

        /** Writes the note, then returns what service B reads for it. */
        @PostMapping("/notes/{id}")
        public String writeThenAskB(@PathVariable long id, @RequestParam String body, @RequestParam String via) {
            jdbc.update("INSERT INTO note (id, body) VALUES (?, ?)", id, body);
            return switch (via) {
                case "restclient" -> serviceB.get().uri("/notes/{id}", id).retrieve().body(String.class);
                case "webclient" -> serviceBReactive.get().uri("/notes/{id}", id).retrieve().bodyToMono(String.class).block();
                case "none" -> serviceBWithoutToken.get().uri("/notes/{id}", id).retrieve().body(String.class);
                case "local" -> "written";
                default -> throw new IllegalArgumentException(via);
            };
        }

        /** Reads the note here, in service A. */
        @GetMapping("/notes/{id}")
        public String read(@PathVariable long id) {
            return jdbc.queryForList("SELECT body FROM note WHERE id = ?", String.class, id).stream().findFirst().orElse("missing");
        }

        /** Asks service B to write the note (A itself commits nothing). */
        @PostMapping("/relay/{id}")
        public String relay(@PathVariable long id, @RequestParam String body) {
            return serviceB.post().uri(u -> u.path("/notes/{id}").queryParam("body", body).build(id)).retrieve().body(String.class);
        }

        /** Writes the note, then streams a body larger than the response buffer (the response commits early). */
        @PostMapping("/streamed/{id}")
        public void writeThenStream(@PathVariable long id, @RequestParam String body, HttpServletResponse response) throws IOException {
            jdbc.update("INSERT INTO note (id, body) VALUES (?, ?)", id, body);
            response.setContentType("text/plain");
            OutputStream out = response.getOutputStream();
            byte[] chunk = "0123456789abcdef".repeat(64).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 64; i++) out.write(chunk); // 64 KiB
            out.flush();
        }
    }
}
