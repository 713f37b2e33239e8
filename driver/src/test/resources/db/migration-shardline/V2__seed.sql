INSERT INTO fw_author (id, name) VALUES (1, 'Ursula K. Le Guin');
INSERT INTO fw_author (id, name) VALUES (2, 'Stanislaw Lem');
INSERT INTO fw_author (id, name) VALUES (3, 'Octavia E. Butler');

INSERT INTO fw_book (id, author_id, title, price) VALUES (10, 1, 'The Dispossessed', 12.50);
INSERT INTO fw_book (id, author_id, title, price) VALUES (11, 1, 'The Left Hand of Darkness', 11.00);
INSERT INTO fw_book (id, author_id, title, price) VALUES (20, 2, 'Solaris', 9.99);
INSERT INTO fw_book (id, author_id, title, price) VALUES (30, 3, 'Kindred', 14.25), (31, 3, 'Parable of the Sower', 13.75);
