package io.shardline.spring.jpa;

import java.util.Optional;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@SpringBootApplication
public class JpaTestApp {

    /** Reads in read-only transactions: Shardline routes them to replicas. */
    @Service
    public static class Reader {
        private final CustomerRepository repository;

        public Reader(CustomerRepository repository) {
            this.repository = repository;
        }

        @Transactional(readOnly = true)
        public Optional<String> name(long id) {
            return repository.findById(id).map(Customer::getName);
        }

        @Transactional(readOnly = true)
        public long count() {
            return repository.count();
        }
    }
}
