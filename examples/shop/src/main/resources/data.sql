-- run by spring.sql.init when the topology is embedded (after Hibernate created the tables: see
-- spring.jpa.defer-datasource-initialization in application.properties); written through Shardline: on every node
INSERT INTO product (name, price, stock) VALUES ('Espresso beans 1kg', 18.50, 100), ('Moka pot', 34.00, 20);
