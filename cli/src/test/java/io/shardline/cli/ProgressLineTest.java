package io.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The progress of verify and resync: a bar redrawn in place on a terminal, plain lines elsewhere. */
class ProgressLineTest {

    @Test
    void onATerminalOneLineIsRedrawnWithABarAndKeptWhenTheTableIsDone() throws Exception {
        StringWriter s = new StringWriter();
        ProgressLine line = new ProgressLine(new PrintWriter(s), true);
        Thread.sleep(120);
        line.update("orders 1/2: 500/1000 rows", 500, 1000, false);
        line.update("orders 1/2: 600/1000 rows", 600, 1000, false); // within 100 ms: not drawn
        line.update("orders 1/2: 1000/1000 rows done", 1000, 1000, true);
        String out = s.toString();
        assertThat(out).startsWith("\r[" + "#".repeat(12) + ".".repeat(12) + "]  50% orders 1/2: 500/1000 rows");
        assertThat(out).doesNotContain("600/1000");
        assertThat(out).contains("\r[" + "#".repeat(24) + "] 100% orders 1/2: 1000/1000 rows done");
        assertThat(out).endsWith(System.lineSeparator());
        assertThat(out.split("\n", -1)).hasSize(2); // one line, ended once
    }

    @Test
    void elsewhereItPrintsFinishedTablesAndAtMostALineEveryTwoSeconds() {
        StringWriter s = new StringWriter();
        ProgressLine line = new ProgressLine(new PrintWriter(s), false);
        line.update("orders 1/2: 500/1000 rows", 500, 1000, false); // just started: not yet
        line.update("orders 1/2: 1000/1000 rows done", 1000, 1000, true);
        line.update("item 2/2: 0/10 rows done", 0, 10, true);
        assertThat(s.toString()).isEqualTo("  orders 1/2: 1000/1000 rows done" + System.lineSeparator()
                + "  item 2/2: 0/10 rows done" + System.lineSeparator());
        assertThat(s.toString()).doesNotContain("\r").doesNotContain("#");
    }
}
