package io.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoCommandTest {

    /** --rows 200: 20 customers + 1 committed in a transaction; 200 + 2 orders, minus customer 1's 10. */
    private static final int CUSTOMERS = 21;
    private static final int ORDERS = 192;

    @Test
    void demoConvergesAndReplicasServeReads() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ShardlineCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("demo", "--rows", "200");

        String text = out.toString();
        assertThat(exit).as("exit code; stdout:%n%s%nstderr:%n%s", text, err).isZero();
        assertThat(text).contains("dataSources:", "jdbc:h2:mem:demo_p", "jdbc:shardline:file:",
                "Result: every replica is identical to the primary.");

        Matcher primary = convergenceLine("primary", "-").matcher(text);
        assertThat(primary.find()).as("primary convergence line in:%n%s", text).isTrue();
        String checksums = primary.group(4);
        long position = Long.parseLong(primary.group(1));
        assertThat(position).isPositive();
        for (String replica : new String[] {"replica-a", "replica-b"}) {
            Matcher m = convergenceLine(replica, "yes").matcher(text);
            assertThat(m.find()).as("%s identical to the primary in:%n%s", replica, text).isTrue();
            assertThat(Long.parseLong(m.group(1))).as("%s watermark", replica).isEqualTo(position);
            assertThat(Integer.parseInt(m.group(2))).as("%s customers", replica).isEqualTo(CUSTOMERS);
            assertThat(Integer.parseInt(m.group(3))).as("%s orders", replica).isEqualTo(ORDERS);
            assertThat(m.group(4)).as("%s checksums", replica).isEqualTo(checksums);

            Matcher s = Pattern.compile("(?m)^\\s*" + replica + "\\s+replica\\s+HEALTHY\\s+\\d+\\s+0\\s+(\\d+)\\s+\\d+\\s*$")
                    .matcher(text);
            assertThat(s.find()).as("%s status line in:%n%s", replica, text).isTrue();
            assertThat(Long.parseLong(s.group(1))).as("reads served by %s", replica).isPositive();
        }
        assertThat(text).doesNotContainPattern("(?m)\\s+no\\s*$");
    }

    @Test
    void runsTwiceInOneJvm() {
        // the in-memory databases are dropped at the end, so a second run starts from scratch
        assertThat(new CommandLine(new ShardlineCli()).setOut(new PrintWriter(new StringWriter()))
                .execute("demo", "--rows", "50")).isZero();
        assertThat(new CommandLine(new ShardlineCli()).setOut(new PrintWriter(new StringWriter()))
                .execute("demo", "--rows", "50")).isZero();
    }

    /** NODE ROLE POSITION CUSTOMERS ORDERS CHECKSUMS(2) IDENTICAL. */
    private static Pattern convergenceLine(String node, String identical) {
        String role = node.equals("primary") ? "primary" : "replica";
        return Pattern.compile("(?m)^\\s*" + node + "\\s+" + role + "\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+"
                + "([0-9a-f]{8} [0-9a-f]{8})\\s+" + Pattern.quote(identical) + "\\s*$");
    }
}
