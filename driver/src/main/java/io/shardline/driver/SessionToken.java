package io.shardline.driver;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place that owns the session token format: {@code shard:position} pairs separated by
 * commas, e.g. {@code s0:1234,s1:77}, one pair per shard with a commit to wait for. It carries no
 * data and no credentials; a shard this runtime does not know is ignored by the reader.
 */
final class SessionToken {

    private SessionToken() {
    }

    /** Parses a token into shard name -> position (the largest position wins for a repeated shard). */
    static Map<String, Long> parse(String token) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        if (token == null || token.isBlank()) return out;
        for (String part : token.split(",")) {
            int colon = part.lastIndexOf(':');
            if (colon <= 0) throw malformed(token, null);
            long position;
            try {
                position = Long.parseLong(part.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw malformed(token, e);
            }
            if (position < 0) throw malformed(token, null);
            out.merge(part.substring(0, colon).trim(), position, Math::max);
        }
        return out;
    }

    /** Formats shard name -> position; positions of 0 (no commit) are left out. */
    static String format(Map<String, Long> positions) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Long> e : positions.entrySet()) {
            if (e.getValue() <= 0) continue;
            if (b.length() > 0) b.append(',');
            b.append(e.getKey()).append(':').append(e.getValue());
        }
        return b.toString();
    }

    private static SQLException malformed(String token, Exception cause) {
        // the token is not secret, but it may be long: quote a bounded prefix
        String shown = token.length() > 80 ? token.substring(0, 80) + "..." : token;
        return new SQLException("malformed Shardline session token '" + shown + "' (expected shard:position,...)",
                "22023", cause);
    }
}
