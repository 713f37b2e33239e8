-- spring.sql.init over Shardline (default location: every test context with an embedded topology runs it,
-- hence idempotent); DDL reaches every node
CREATE TABLE IF NOT EXISTS greeting (id INT PRIMARY KEY, text VARCHAR(100) NOT NULL);
