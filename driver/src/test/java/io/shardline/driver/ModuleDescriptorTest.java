package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.replication.ReplicationListener;
import io.shardline.routing.Topology;
import java.io.UncheckedIOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module layout is the API contract: only API packages are exported to everyone, internal
 * packages only to Shardline's own modules, no package lives in two modules, the API packages hold
 * no public type that is not API, and the three modules resolve as a module graph with their real
 * dependencies (so {@code module-info.java} is not just decoration for class-path users).
 */
class ModuleDescriptorTest {

    private static final Map<String, Set<String>> API_PACKAGES = Map.of(
            "io.shardline.routing", Set.of("io.shardline.routing"),
            "io.shardline.replication", Set.of("io.shardline.replication"),
            "io.shardline.driver", Set.of("io.shardline.driver", "io.shardline.driver.metrics"));

    /** Every public top-level type of the exported packages. A new one must be added here on purpose. */
    static final Set<String> API_TYPES = Set.of(
            "io.shardline.routing.Topology",
            "io.shardline.replication.ReplicationListener",
            "io.shardline.replication.ReplicaState",
            "io.shardline.replication.Verification",
            "io.shardline.replication.Resync",
            "io.shardline.driver.ShardlineDriver",
            "io.shardline.driver.ShardlineDataSource",
            "io.shardline.driver.ShardlineReplicator",
            "io.shardline.driver.ShardlineSession",
            "io.shardline.driver.ShardlineStatus",
            "io.shardline.driver.NodeStatus",
            "io.shardline.driver.ShardlineConfigException",
            "io.shardline.driver.metrics.ShardlineMeterBinder");

    private static Path location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final List<Path> MODULES = List.of(
            location(Topology.class), location(ReplicationListener.class), location(ShardlineDriver.class));

    private static Map<String, ModuleDescriptor> descriptors() {
        Map<String, ModuleDescriptor> out = new HashMap<>();
        for (ModuleReference ref : ModuleFinder.of(MODULES.toArray(Path[]::new)).findAll()) {
            out.put(ref.descriptor().name(), ref.descriptor());
        }
        return out;
    }

    @Test
    void onlyApiPackagesAreExportedToEveryone() {
        Map<String, ModuleDescriptor> modules = descriptors();
        assertThat(modules.keySet()).containsExactlyInAnyOrderElementsOf(API_PACKAGES.keySet());
        for (ModuleDescriptor d : modules.values()) {
            Set<String> unqualified = d.exports().stream().filter(e -> !e.isQualified())
                    .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
            assertThat(unqualified).as(d.name() + " exports to everyone").isEqualTo(API_PACKAGES.get(d.name()));
            for (ModuleDescriptor.Exports e : d.exports()) {
                if (!e.isQualified()) continue;
                assertThat(e.targets()).as(d.name() + " exports " + e.source() + " only to")
                        .allMatch(t -> t.startsWith("io.shardline.") || t.equals("java.management")
                                // H2 instantiates the capture trigger class it is told to call
                                || t.equals("com.h2database"));
            }
            assertThat(d.opens()).as(d.name() + " opens nothing to reflection").isEmpty();
        }
    }

    @Test
    void noPackageLivesInTwoModules() {
        Map<String, String> owner = new HashMap<>();
        for (ModuleDescriptor d : descriptors().values()) {
            for (String p : d.packages()) {
                String before = owner.put(p, d.name());
                assertThat(before).as("package " + p + " in " + d.name() + " and " + before).isNull();
            }
        }
    }

    @Test
    void exportedPackagesHoldOnlyApiTypes() throws Exception {
        Set<String> publicTypes = new TreeSet<>();
        for (Path location : MODULES) {
            // a reactor module is a classes directory or, once packaged, a jar
            try (FileSystem jar = Files.isDirectory(location) ? null : FileSystems.newFileSystem(location)) {
                Path root = jar == null ? location : jar.getPath("/");
                for (Set<String> packages : API_PACKAGES.values()) {
                    for (String p : packages) {
                        Path dir = root.resolve(p.replace('.', '/'));
                        if (!Files.isDirectory(dir)) continue;
                        try (Stream<Path> files = Files.list(dir)) {
                            for (Path f : (Iterable<Path>) files::iterator) {
                                String n = f.getFileName().toString();
                                if (!n.endsWith(".class") || n.contains("$") || n.equals("package-info.class")) continue;
                                Class<?> c = Class.forName(p + "." + n.substring(0, n.length() - 6), false,
                                        getClass().getClassLoader());
                                if (Modifier.isPublic(c.getModifiers())) publicTypes.add(c.getName());
                            }
                        }
                    }
                }
            }
        }
        assertThat(publicTypes).containsExactlyInAnyOrderElementsOf(API_TYPES);
    }

    @Test
    void theModulesResolveWithTheirRealDependencies() {
        // the runtime dependencies as modules, found on this test's class path by their file names
        List<Path> path = new ArrayList<>(MODULES);
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            String file = Path.of(entry).getFileName().toString();
            if (file.startsWith("HikariCP-") || file.startsWith("snakeyaml-engine-") || file.startsWith("slf4j-api-")) {
                path.add(Path.of(entry));
            }
        }
        Configuration config;
        try {
            config = Configuration.resolve(ModuleFinder.of(path.toArray(Path[]::new)),
                    List.of(java.lang.ModuleLayer.boot().configuration()), ModuleFinder.of(), Set.of("io.shardline.driver"));
        } catch (UncheckedIOException e) {
            throw new AssertionError(e);
        }
        Set<String> resolved = config.modules().stream().map(ResolvedModule::name).collect(Collectors.toSet());
        assertThat(resolved).contains("io.shardline.driver", "io.shardline.replication", "io.shardline.routing",
                "com.zaxxer.hikari", "org.snakeyaml.engine.v2", "org.slf4j");
        // the SQL parser is carried relocated inside the routing jar, never required as a module of its own
        assertThat(resolved).doesNotContain("net.sf.jsqlparser");
        ModuleDescriptor driver = config.findModule("io.shardline.driver").orElseThrow().reference().descriptor();
        assertThat(driver.provides()).anyMatch(p -> p.service().equals("java.sql.Driver")
                && p.providers().equals(List.of(ShardlineDriver.class.getName())));
    }
}
