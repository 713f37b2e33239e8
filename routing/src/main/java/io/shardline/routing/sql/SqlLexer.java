package io.shardline.routing.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small, dialect-tolerant SQL tokenizer. It knows enough about string literals, quoted
 * identifiers and comments to find JDBC {@code ?} parameters, words, hint comments and qualified
 * names correctly; it does not try to understand the grammar.
 */
final class SqlLexer {

    enum Type { WORD, QUOTED, STRING, NUMBER, PARAM, VARIABLE, SYMBOL }

    /** A token: {@code text} is the exact source text (with quotes for QUOTED and STRING). */
    record Token(Type type, int start, int end, String text) {
        /** Upper-cased text for WORD tokens, the raw text otherwise. */
        String upper() {
            return type == Type.WORD ? text.toUpperCase(Locale.ROOT) : text;
        }

        /** For WORD and QUOTED: the identifier without quotes; otherwise the text. */
        String identifier() {
            if (type != Type.QUOTED) return text;
            char q = text.charAt(0);
            char close = q == '[' ? ']' : q;
            String inner = text.substring(1, Math.max(1, text.length() - 1));
            return inner.replace("" + close + close, "" + close);
        }

        boolean isWord(String upperWord) {
            return type == Type.WORD && text.equalsIgnoreCase(upperWord);
        }

        boolean isSymbol(char c) {
            return type == Type.SYMBOL && text.length() == 1 && text.charAt(0) == c;
        }

        boolean isIdentifier() {
            return type == Type.WORD || type == Type.QUOTED;
        }
    }

    final List<Token> tokens = new ArrayList<>();
    final List<String> comments = new ArrayList<>();

    private SqlLexer() {
    }

    /**
     * Tokenizes {@code sql}.
     *
     * @param backslashEscapes whether a backslash escapes the next character inside '...' strings
     *                         (MySQL/MariaDB default); {@code E'...'} strings always use them
     */
    static SqlLexer lex(String sql, boolean backslashEscapes) {
        SqlLexer lx = new SqlLexer();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int e = sql.indexOf('\n', i);
                if (e < 0) e = n;
                lx.comments.add(sql.substring(i + 2, e));
                i = e;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int e = sql.indexOf("*/", i + 2);
                int end = e < 0 ? n : e + 2;
                lx.comments.add(sql.substring(i + 2, e < 0 ? n : e));
                i = end;
            } else if (c == '\'') {
                boolean esc = backslashEscapes || (i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i < 2 || !isWordChar(sql.charAt(i - 2))));
                int e = scanQuoted(sql, i, '\'', esc);
                lx.add(Type.STRING, sql, i, e);
                i = e;
            } else if (c == '"' || c == '`') {
                int e = scanQuoted(sql, i, c, false);
                lx.add(Type.QUOTED, sql, i, e);
                i = e;
            } else if (c == '$' && (i == 0 || !isWordChar(sql.charAt(i - 1)))) {
                int e = scanDollar(sql, i);
                if (e > 0) {
                    lx.add(Type.STRING, sql, i, e);
                    i = e;
                } else {
                    lx.add(Type.SYMBOL, sql, i, i + 1);
                    i++;
                }
            } else if (c == '?') {
                lx.add(Type.PARAM, sql, i, i + 1);
                i++;
            } else if (c == '@') {
                int e = i + 1;
                while (e < n && (sql.charAt(e) == '@' || isWordChar(sql.charAt(e)) || sql.charAt(e) == '.')) e++;
                lx.add(Type.VARIABLE, sql, i, e);
                i = e;
            } else if (Character.isLetter(c) || c == '_') {
                int e = i + 1;
                while (e < n && isWordChar(sql.charAt(e))) e++;
                lx.add(Type.WORD, sql, i, e);
                i = e;
            } else if (Character.isDigit(c)) {
                int e = i + 1;
                while (e < n && (Character.isLetterOrDigit(sql.charAt(e)) || sql.charAt(e) == '.' || sql.charAt(e) == '_')) e++;
                lx.add(Type.NUMBER, sql, i, e);
                i = e;
            } else {
                lx.add(Type.SYMBOL, sql, i, i + 1);
                i++;
            }
        }
        return lx;
    }

    private void add(Type type, String sql, int start, int end) {
        tokens.add(new Token(type, start, end, sql.substring(start, end)));
    }

    static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '#';
    }

    /** Returns the index just past the closing quote (or the end of the text when unterminated). */
    private static int scanQuoted(String sql, int start, char quote, boolean backslash) {
        int n = sql.length();
        int i = start + 1;
        while (i < n) {
            char c = sql.charAt(i);
            if (backslash && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    /** PostgreSQL dollar quoting {@code $tag$...$tag$}; returns -1 when this is not one. */
    private static int scanDollar(String sql, int start) {
        int n = sql.length();
        int i = start + 1;
        while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
            if (i == start + 1 && Character.isDigit(sql.charAt(i))) return -1; // $1 positional parameter
            i++;
        }
        if (i >= n || sql.charAt(i) != '$') return -1;
        String tag = sql.substring(start, i + 1);
        int e = sql.indexOf(tag, i + 1);
        return e < 0 ? n : e + tag.length();
    }

    int parameterCount() {
        int count = 0;
        for (Token t : tokens) {
            if (t.type == Type.PARAM) count++;
        }
        return count;
    }

    Token at(int index) {
        return index >= 0 && index < tokens.size() ? tokens.get(index) : null;
    }

    /** Index of the first WORD token after any leading '(' / '{' symbols, or -1. */
    int firstKeywordIndex() {
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.type == Type.WORD) return i;
            if (!(t.isSymbol('(') || t.isSymbol('{'))) return -1;
        }
        return -1;
    }

    boolean containsWord(String upperWord) {
        for (Token t : tokens) {
            if (t.isWord(upperWord)) return true;
        }
        return false;
    }

    /** Whether tokens follow a top-level ';' (more than one statement in the text). */
    boolean hasMultipleStatements() {
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).isSymbol(';')) {
                for (int j = i + 1; j < tokens.size(); j++) {
                    if (!tokens.get(j).isSymbol(';')) return true;
                }
                return false;
            }
        }
        return false;
    }
}
