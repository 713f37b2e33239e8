package io.shardline.benchmarks;

/**
 * Exit status 0 if Shardline runs the 2-shard workloads of {@link TwoShardBenchmark} and gives
 * the right answers (the same check the benchmark makes before timing), else 1 with the reason
 * on standard output. {@code run.sh} uses it to decide whether Shardline is a contender in the
 * 2-shard benchmarks or is reported as not yet supported: never a faked number.
 */
public final class ShardingProbe {

    private ShardingProbe() {}

    public static void main(String[] args) {
        TwoShardBenchmark b = new TwoShardBenchmark();
        b.contender = "shardline";
        TwoShardBenchmark.Session s = new TwoShardBenchmark.Session();
        int status = 0;
        try {
            b.start();
            s.open(b);
            System.out.println("supported");
        } catch (Throwable e) {
            String m = String.valueOf(e.getMessage()).replace('\n', ' ');
            System.out.println("not yet supported: " + e.getClass().getSimpleName() + ": "
                    + (m.length() > 300 ? m.substring(0, 300) + "..." : m));
            status = 1;
        } finally {
            s.close();
            b.stop();
        }
        System.exit(status);
    }
}
