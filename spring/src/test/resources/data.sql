DELETE FROM greeting;
INSERT INTO greeting (id, text) VALUES (1, 'hello'), (2, 'bonjour');
