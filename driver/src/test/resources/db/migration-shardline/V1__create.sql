CREATE TABLE fw_author (
    id INT NOT NULL PRIMARY KEY,
    name VARCHAR(100) NOT NULL
);

CREATE TABLE fw_book (
    id INT NOT NULL PRIMARY KEY,
    author_id INT NOT NULL,
    title VARCHAR(200) NOT NULL,
    price DECIMAL(10,2),
    CONSTRAINT fk_fw_book_author FOREIGN KEY (author_id) REFERENCES fw_author (id)
);
