package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages' dependency rules, as each package's {@code package-info.java} states them, checked
 * over the production sources of every module: modules depend one way
 * ({@code routing <- replication <- driver <- cli, spring, benchmarks}), the driver's sub-packages never
 * reach back into its JDBC core (only the API's public value types), and the applications of the
 * driver (CLI, Spring Boot starter, benchmarks) use its API only. A reference is an import or a fully qualified name.
 */
class LayeringTest {

    private static final String API = "io.shardline.driver:API";

    /** Package -> the Shardline packages it may use besides itself ("*" = anything). */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("io.shardline.routing", Set.of()),
            Map.entry("io.shardline.routing.sql", Set.of()),
            Map.entry("io.shardline.routing.shard", Set.of("io.shardline.routing", "io.shardline.routing.sql")),
            Map.entry("io.shardline.routing.read", Set.of()),
            Map.entry("io.shardline.replication", Set.of()),
            Map.entry("io.shardline.replication.log", Set.of("io.shardline.routing.sql")),
            Map.entry("io.shardline.replication.apply", Set.of("io.shardline.replication", "io.shardline.replication.log",
                    "io.shardline.routing.sql")),
            Map.entry("io.shardline.replication.consistency", Set.of("io.shardline.replication",
                    "io.shardline.replication.log", "io.shardline.replication.apply", "io.shardline.routing.sql")),
            Map.entry("io.shardline.driver", Set.of("*")),
            Map.entry("io.shardline.driver.merge", Set.of("io.shardline.routing.shard", "io.shardline.replication.log")),
            Map.entry("io.shardline.driver.config", Set.of("io.shardline.routing", "io.shardline.routing.shard", API)),
            Map.entry("io.shardline.driver.jmx", Set.of(API)),
            Map.entry("io.shardline.driver.metrics", Set.of(API)),
            Map.entry("io.shardline.driver.flyway", Set.of(API)),
            Map.entry("io.shardline.driver.liquibase", Set.of(API)),
            Map.entry("io.shardline.driver.internal", Set.of()),
            Map.entry("io.shardline.cli", Set.of(API, "io.shardline.replication", "io.shardline.routing")),
            Map.entry("io.shardline.benchmarks", Set.of(API, "io.shardline.driver.internal", "io.shardline.replication",
                    "io.shardline.routing")),
            Map.entry("io.shardline.spring", Set.of(API, "io.shardline.routing")),
            Map.entry("io.shardline.spring.actuate", Set.of(API, "io.shardline.driver.metrics", "io.shardline.spring")),
            Map.entry("io.shardline.spring.session", Set.of(API, "io.shardline.spring")));

    /** The public types of {@code io.shardline.driver} (the list ModuleDescriptorTest pins): what sub-packages and applications may use. */
    private static final Set<String> API_TYPES = ModuleDescriptorTest.API_TYPES.stream()
            .filter(t -> t.startsWith("io.shardline.driver.") && t.lastIndexOf('.') == "io.shardline.driver".length())
            .map(t -> t.substring("io.shardline.driver.".length()))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
    private static final Pattern REFERENCE = Pattern.compile("\\b(io\\.shardline(?:\\.[a-z]\\w*)+)\\.([A-Z]\\w*)");

    @Test
    void everyPackageUsesOnlyWhatItsRulesAllow() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent(); // tests run in the module's directory
        List<String> violations = new ArrayList<>();
        Set<String> seenPackages = new TreeSet<>();
        for (String module : List.of("routing", "replication", "driver", "cli", "benchmarks", "spring")) {
            Path sources = root.resolve(module).resolve("src/main/java");
            assertThat(sources).as("sources of " + module).isDirectory();
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                    String name = f.getFileName().toString();
                    if (name.equals("module-info.java")) continue;
                    String text = withoutComments(Files.readString(f));
                    Matcher pm = PACKAGE.matcher(text);
                    assertThat(pm.find()).as("package of " + f).isTrue();
                    String pkg = pm.group(1);
                    seenPackages.add(pkg);
                    Set<String> allowed = ALLOWED.get(pkg);
                    if (allowed == null) {
                        violations.add(pkg + ": a package without rules (add it to LayeringTest and a package-info.java)");
                        continue;
                    }
                    Matcher m = REFERENCE.matcher(text);
                    while (m.find()) {
                        String target = m.group(1);
                        String type = m.group(2);
                        if (target.equals(pkg) || allowed.contains("*") || allowed.contains(target)) continue;
                        if (target.equals("io.shardline.driver") && API_TYPES.contains(type) && allowed.contains(API)) continue;
                        violations.add(root.relativize(f) + ": " + pkg + " uses " + target + "." + type);
                    }
                }
            }
        }
        assertThat(seenPackages).as("the rules cover the packages that exist").containsAll(ALLOWED.keySet());
        assertThat(violations).isEmpty();
    }

    /** Javadoc may mention anything; only code counts. */
    private static String withoutComments(String java) {
        return java.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)//.*$", " ");
    }
}
