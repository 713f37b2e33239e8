package io.shardline.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import javax.sql.DataSource;

/**
 * A diagnostic for the read hot path (a plain main, not JMH): raw HikariCP and Shardline over the
 * same primary + 2 replicas in one JVM, running the cached prepared point select of
 * {@link PrimaryReplicaBenchmark} in alternating blocks of {@code block} operations (a few
 * milliseconds each, the order flipped every pair). A drift of the machine's speed, which on a
 * shared 2-core machine is larger than the difference measured, then hits both sides of a pair
 * alike; the JIT state of the shared code (HikariCP, H2) is the same for both. Prints the median
 * and quartiles of Shardline's throughput over raw's per pair, after 15 s of warm-up.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.shardline.benchmarks.PairedPointSelect 60 2000</pre>
 */
public final class PairedPointSelect {

    static long sink;

    private PairedPointSelect() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int block = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        String p = PrimaryReplicaBenchmark.PRIMARY;
        List<String> replicas = PrimaryReplicaBenchmark.REPLICAS;
        Databases.createReadWrite(p, replicas.get(0), replicas.get(1));
        int pool = PrimaryReplicaBenchmark.POOL;
        HikariDataSource ra = Databases.pool(replicas.get(0), pool);
        HikariDataSource rb = Databases.pool(replicas.get(1), pool);
        DataSource sl = Databases.shardline(Databases.shardlineReadWriteYaml(p, replicas, pool), "paired");
        Connection ca = ra.getConnection();
        Connection cb = rb.getConnection();
        Connection cs = sl.getConnection();
        PreparedStatement[] raw = {ca.prepareStatement(Databases.POINT_SELECT), cb.prepareStatement(Databases.POINT_SELECT)};
        PreparedStatement shardline = cs.prepareStatement(Databases.POINT_SELECT);
        SplittableRandom random = new SplittableRandom(7);
        List<Double> ratios = new ArrayList<>();
        long rawNanos = 0;
        long shardlineNanos = 0;
        long start = System.nanoTime();
        long warm = start + 15_000_000_000L;
        long end = start + seconds * 1_000_000_000L;
        int turn = 0;
        boolean rawFirst = true;
        while (System.nanoTime() < end) {
            long r = 0;
            long s = 0;
            for (int k = 0; k < 2; k++) {
                boolean doRaw = (k == 0) == rawFirst;
                long t0 = System.nanoTime();
                for (int i = 0; i < block; i++) {
                    PreparedStatement ps;
                    if (doRaw) {
                        ps = raw[turn]; // alternating over the two replicas, as round-robin would
                        turn ^= 1;
                    } else {
                        ps = shardline;
                    }
                    ps.setLong(1, 1 + random.nextInt(Databases.ACCOUNTS));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            sink += rs.getLong(1);
                            sink += rs.getString(2).length();
                            sink += rs.getBigDecimal(3).scale();
                        }
                    }
                }
                long dt = System.nanoTime() - t0;
                if (doRaw) r = dt;
                else s = dt;
            }
            rawFirst = !rawFirst;
            if (System.nanoTime() < warm) continue;
            ratios.add((double) r / s);
            rawNanos += r;
            shardlineNanos += s;
        }
        Collections.sort(ratios);
        int n = ratios.size();
        long ops = (long) n * block;
        System.out.printf("%d pairs of %d-op blocks; Shardline/raw per pair: median %.3f, quartiles [%.3f, %.3f];"
                        + " overall raw %.0f ops/s, Shardline %.0f ops/s%n",
                n, block, ratios.get(n / 2), ratios.get(n / 4), ratios.get(3 * n / 4),
                ops * 1e9 / rawNanos, ops * 1e9 / shardlineNanos);
        System.exit(0);
    }
}
