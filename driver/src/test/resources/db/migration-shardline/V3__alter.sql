ALTER TABLE fw_book ADD COLUMN published_year INT;

UPDATE fw_book SET published_year = 1974 WHERE id = 10;
UPDATE fw_book SET published_year = 1969 WHERE id = 11;
UPDATE fw_book SET published_year = 1961 WHERE id = 20;
UPDATE fw_book SET published_year = 1979 WHERE id = 30;
UPDATE fw_book SET published_year = 1993 WHERE id = 31;
