package io.shardline.routing.shard;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The {@code range} strategy: ordered boundaries {@code b[0] < b[1] < ... < b[n-2]} (the table
 * rule's {@code boundaries:}, exactly {@code shardCount - 1} of them) split the key space; shard
 * {@code i} holds the keys in {@code [b[i-1], b[i])}: shard 0 everything below {@code b[0]}, the
 * last shard everything from {@code b[n-2]} on.
 *
 * <p>When every boundary is an integer (decimal digits with an optional sign), keys compare
 * numerically: integer keys (and strings of digits) are required. Otherwise keys compare as strings
 * by {@link String#compareTo} (UTF-16 code unit order; for ASCII that is byte order, which is what
 * binary collations do): string keys as they are, UUID keys (objects or strings in UUID form) by
 * their lower-case 8-4-4-4-12 text. With integer boundaries a UUID or non-numeric string key is also
 * compared as text against the boundaries' text.
 */
public final class RangeStrategy implements ShardStrategy {

    private final List<String> boundaries;
    private final long[] longBounds; // when every boundary fits a long
    private final BigInteger[] bigBounds; // when numeric but some do not fit a long
    private final String[] textBounds;
    private final boolean numeric;

    /**
     * @param boundaries the boundaries, strictly increasing, {@code shardCount - 1} of them
     * @param shardCount the number of shards
     * @throws IllegalArgumentException when the boundaries are not strictly increasing or their
     *                                  number does not match
     */
    public RangeStrategy(List<String> boundaries, int shardCount) {
        if (boundaries == null) boundaries = List.of();
        if (boundaries.size() != shardCount - 1) {
            throw new IllegalArgumentException("range strategy needs " + (shardCount - 1) + " boundaries for "
                    + shardCount + " shards, got " + boundaries.size());
        }
        this.boundaries = List.copyOf(boundaries);
        boolean num = true;
        for (String b : boundaries) {
            if (b == null) throw new IllegalArgumentException("range boundary cannot be null");
            if (!INTEGER_TEXT.matcher(b.trim()).matches()) num = false;
        }
        this.numeric = num;
        int n = boundaries.size();
        textBounds = new String[n];
        for (int i = 0; i < n; i++) {
            String b = boundaries.get(i);
            textBounds[i] = UUID_TEXT.matcher(b).matches() ? b.toLowerCase(Locale.ROOT) : b;
        }
        if (num) {
            bigBounds = new BigInteger[n];
            boolean fits = true;
            for (int i = 0; i < n; i++) {
                String t = boundaries.get(i).trim();
                bigBounds[i] = new BigInteger(t.startsWith("+") ? t.substring(1) : t);
                if (bigBounds[i].bitLength() >= 64) fits = false;
                if (i > 0 && bigBounds[i].compareTo(bigBounds[i - 1]) <= 0) {
                    throw new IllegalArgumentException("range boundaries must be strictly increasing: "
                            + boundaries.get(i - 1) + " then " + boundaries.get(i));
                }
            }
            if (fits) {
                longBounds = new long[n];
                for (int i = 0; i < n; i++) longBounds[i] = bigBounds[i].longValue();
            } else {
                longBounds = null;
            }
        } else {
            bigBounds = null;
            longBounds = null;
            for (int i = 1; i < n; i++) {
                if (textBounds[i].compareTo(textBounds[i - 1]) <= 0) {
                    throw new IllegalArgumentException("range boundaries must be strictly increasing: "
                            + boundaries.get(i - 1) + " then " + boundaries.get(i));
                }
            }
        }
    }

    /** @return the boundaries, as configured */
    public List<String> boundaries() {
        return boundaries;
    }

    @Override
    public int shardOf(Object key, int shardCount) {
        if (shardCount != textBounds.length + 1) {
            throw new IllegalArgumentException("range strategy has " + textBounds.length + " boundaries for "
                    + (textBounds.length + 1) + " shards, asked for " + shardCount);
        }
        if (key == null) throw new IllegalArgumentException("a shard key cannot be null");
        Number n = key instanceof UUID ? null : ShardStrategy.integerOf(key);
        if (numeric && n != null) {
            if (n instanceof Long l && longBounds != null) {
                long v = l;
                int lo = 0;
                int hi = longBounds.length; // count of boundaries <= v
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    if (longBounds[mid] <= v) lo = mid + 1;
                    else hi = mid;
                }
                return lo;
            }
            BigInteger v = n instanceof BigInteger b ? b : BigInteger.valueOf(n.longValue());
            int c = 0;
            while (c < bigBounds.length && bigBounds[c].compareTo(v) <= 0) c++;
            return c;
        }
        String text;
        if (key instanceof UUID u) {
            text = u.toString();
        } else if (key instanceof CharSequence || key instanceof Character) {
            text = key.toString();
            if (text.length() == 36 && UUID_TEXT.matcher(text).matches()) text = text.toLowerCase(Locale.ROOT);
        } else if (n != null) {
            throw new IllegalArgumentException("the range boundaries " + boundaries + " are not integers; an integer key "
                    + ShardStrategy.describe(key) + " cannot be placed (use string boundaries with string keys)");
        } else {
            throw new IllegalArgumentException("the range shard strategy needs an integer, string or UUID key, got "
                    + ShardStrategy.describe(key));
        }
        int lo = 0;
        int hi = textBounds.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (textBounds[mid].compareTo(text) <= 0) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /** Validates boundaries as the YAML loader does; returns the problems (empty when valid). */
    public static List<String> validate(List<String> boundaries, int shardCount) {
        List<String> problems = new ArrayList<>();
        try {
            new RangeStrategy(boundaries, shardCount);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    @Override
    public String toString() {
        return "range" + boundaries;
    }
}
