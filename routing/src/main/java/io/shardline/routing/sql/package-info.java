/**
 * SQL analysis: what a statement text is (read, primary read, write, DDL, session, transaction),
 * which tables it touches, its parameters and hints, decided conservatively (anything not
 * provably a read is a write) and cached once per distinct text. JSqlParser does the parsing, a
 * small lexer covers the dialect statements it does not know. {@link io.shardline.routing.sql.DdlTranslation}
 * translates DDL for a replica of another engine, by a token walk over that lexer. Uses only the
 * JDK and JSqlParser.
 */
package io.shardline.routing.sql;
