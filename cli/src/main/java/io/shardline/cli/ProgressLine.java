package io.shardline.cli;

import java.io.PrintWriter;

/**
 * Progress of a long operation (verify, resync), one per command run. Attached to a terminal it is
 * one line redrawn in place with a bar ({@code [#######.............]  35% orders 3/5: ...}), at
 * most ten times a second, ended by a newline when a table is done; otherwise (a log file, a pipe,
 * CI) it is a plain line per finished table and at most one every two seconds in between, so that
 * logs stay readable.
 */
final class ProgressLine {

    private static final int WIDTH = 24;

    private final PrintWriter out;
    private final boolean terminal;
    private final long intervalNanos;
    private long last = System.nanoTime();
    private int drawn;

    ProgressLine(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
        this.intervalNanos = terminal ? 100_000_000L : 2_000_000_000L;
    }

    /** For the process's standard output: a bar when it is a terminal. */
    static ProgressLine forStdout(PrintWriter out) {
        return new ProgressLine(out, System.console() != null);
    }

    /**
     * Shows {@code text}; {@code done} of {@code total} (total &lt;= 0: unknown) fills the bar.
     *
     * @param finished the table is done: always shown, and on a terminal the line is kept
     */
    synchronized void update(String text, long done, long total, boolean finished) {
        long now = System.nanoTime();
        if (!finished && now - last < intervalNanos) return;
        last = now;
        if (!terminal) {
            out.println("  " + text);
            out.flush();
            return;
        }
        StringBuilder line = new StringBuilder("\r");
        if (total > 0) {
            int pct = (int) Math.min(100, finished ? 100 : done * 100 / total);
            int filled = pct * WIDTH / 100;
            line.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ")
                    .append(String.format("%3d%% ", pct));
        }
        line.append(text);
        int length = line.length();
        if (length - 1 < drawn) line.append(" ".repeat(drawn - (length - 1))); // clear what the last draw left
        drawn = finished ? 0 : length - 1;
        out.print(line);
        if (finished) out.println();
        out.flush();
    }
}
