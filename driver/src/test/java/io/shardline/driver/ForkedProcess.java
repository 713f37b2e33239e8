package io.shardline.driver;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A process the tests start (a JVM of the application, the built CLI jar) and the lines it
 * printed, read as they come so that a test can wait for one. The test fixture of every test that
 * runs real processes.
 */
public final class ForkedProcess {

    /** The process. */
    public final Process process;
    private final List<String> lines = new ArrayList<>();
    private boolean ended;

    private ForkedProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::read, "forked-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command} with standard error merged into its output. */
    public static ForkedProcess start(List<String> command) throws IOException {
        return new ForkedProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /** Starts {@code mainClass} in a small JVM of its own, on this JVM's class path. */
    public static ForkedProcess java(String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return start(cmd);
    }

    /** The {@code java} launcher of this JVM. */
    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = in.readLine()) != null; ) {
                synchronized (this) {
                    lines.add(l);
                    notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process was killed
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /** Waits for a line matching {@code p}; fails with the output if the process ends or time runs out. */
    public synchronized String await(Predicate<String> p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int from = 0;
        while (true) {
            for (; from < lines.size(); from++) {
                if (p.test(lines.get(from))) return lines.get(from);
            }
            long left = deadline - System.nanoTime();
            if (ended || left <= 0) {
                throw new AssertionError((ended ? "the process ended" : "timed out") + " without the expected line; output:\n"
                        + String.join("\n", lines));
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Waits until the process has ended and its output is read in full; fails after {@code timeout}. */
    public ForkedProcess finished(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the process did not end within " + timeout + "; output:\n" + output());
        }
        synchronized (this) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!ended && System.nanoTime() - deadline < 0) wait(100);
        }
        return this;
    }

    /** The last {@code PROGRESS n} line's {@code n}, or 0. */
    public synchronized long lastProgress() {
        long last = 0;
        for (String l : lines) if (l.startsWith("PROGRESS ")) last = Long.parseLong(l.substring(9));
        return last;
    }

    /** Everything printed so far. */
    public synchronized String output() {
        return String.join("\n", lines) + "\n";
    }

    /** Kills the process (SIGKILL) if it still runs, and waits for it. */
    public void kill() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
