package io.shardline.spring.services;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.data.jpa.JpaRepositoriesAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The called service: reads notes (on replicas when they are fresh enough) and writes some. */
@SpringBootConfiguration
@EnableAutoConfiguration(exclude = {HibernateJpaAutoConfiguration.class, JpaRepositoriesAutoConfiguration.class})
@Import(ServiceB.Notes.class)
public class ServiceB {

    @RestController
    public static class Notes {
        private final JdbcTemplate jdbc;

        public Notes(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        /** The note's body, or "missing" (an auto-commit read: a replica unless read-your-writes needs the primary). */
        @GetMapping("/notes/{id}")
        public String read(@PathVariable long id) {
            return jdbc.queryForList("SELECT body FROM note WHERE id = ?", String.class, id).stream().findFirst().orElse("missing");
        }

        @PostMapping("/notes/{id}")
        public ResponseEntity<String> write(@PathVariable long id, @RequestParam String body) {
            jdbc.update("INSERT INTO note (id, body) VALUES (?, ?)", id, body);
            return ResponseEntity.ok("written");
        }
    }
}
