package io.shardline.driver.config;

import io.shardline.driver.ShardlineConfigException;
import io.shardline.routing.Topology;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a topology comes from: what follows {@code jdbc:shardline:} in a JDBC URL
 * ({@code classpath:}, {@code file:}, a path), a file, a stream or text. Reading the YAML is
 * {@link YamlDocument}'s job, its meaning {@link TopologyValidator}'s; every problem of the file is
 * thrown together in one {@link ShardlineConfigException}, each with its {@code file:line:column}.
 *
 * <p>{@code ${NAME}} and {@code ${NAME:default}} in any scalar value are replaced by the Java system
 * property {@code NAME}, else the environment variable {@code NAME}, else the default. Values under
 * a {@code password} key are never echoed in a message.
 */
public final class TopologyLoader {

    private TopologyLoader() {
    }

    // ------------------------------------------------------------------------------------ entry points

    /**
     * Loads a topology from what follows {@code jdbc:shardline:} in a JDBC URL:
     * {@code classpath:<resource>}, {@code file:<path>} or a plain {@code <path>}.
     *
     * @param cl class loader for {@code classpath:} resources; {@code null} for the thread's context loader
     */
    public static Topology load(String spec, ClassLoader cl) throws ShardlineConfigException {
        if (spec == null || spec.isBlank()) {
            throw new ShardlineConfigException(List.of(
                    "no topology given (use jdbc:shardline:classpath:<resource>, jdbc:shardline:file:<path> or jdbc:shardline:<path>)"));
        }
        if (spec.startsWith("classpath:")) {
            String resource = spec.substring("classpath:".length());
            String lookup = resource.startsWith("/") ? resource.substring(1) : resource;
            ClassLoader loader = cl != null ? cl : Thread.currentThread().getContextClassLoader();
            if (loader == null) loader = TopologyLoader.class.getClassLoader();
            InputStream in = loader.getResourceAsStream(lookup);
            if (in == null) {
                throw new ShardlineConfigException(List.of(resource + ": topology resource not found on the classpath"));
            }
            try (in) {
                return load(in, resource);
            } catch (IOException e) {
                throw new ShardlineConfigException(List.of(resource + ": cannot read: " + e.getMessage()), e);
            }
        }
        Path path;
        try {
            if (spec.startsWith("file://")) {
                path = Path.of(URI.create(spec));
            } else if (spec.startsWith("file:")) {
                path = Path.of(spec.substring("file:".length()));
            } else {
                path = Path.of(spec);
            }
        } catch (RuntimeException e) {
            throw new ShardlineConfigException(List.of(spec + ": not a valid path: " + e.getMessage()), e);
        }
        return load(path);
    }

    /** Loads a topology file; messages name it by {@code path.toString()}. */
    public static Topology load(Path path) throws ShardlineConfigException {
        String name = path.toString();
        byte[] bytes;
        try {
            long size = Files.size(path);
            if (size > 4L * YamlDocument.MAX_CHARS) { // UTF-8: at most 4 bytes a character
                throw new ShardlineConfigException(List.of(name + ":1:1: (file): too large for a topology: " + size
                        + " bytes (at most " + YamlDocument.MAX_CHARS + " characters)"));
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ShardlineConfigException(List.of(name + ": topology file not found"), e);
        } catch (IOException e) {
            throw new ShardlineConfigException(List.of(name + ": cannot read topology file: " + e), e);
        }
        return parse(decode(bytes), name);
    }

    /**
     * Loads a topology from a stream (UTF-8, optional BOM). The stream is read fully, not closed.
     *
     * @param sourceName names the source in messages, e.g. {@code topology.yaml}
     */
    public static Topology load(InputStream in, String sourceName) throws ShardlineConfigException {
        try {
            byte[] bytes = in.readNBytes(4 * YamlDocument.MAX_CHARS + 1);
            if (bytes.length > 4 * YamlDocument.MAX_CHARS) {
                throw new ShardlineConfigException(List.of(sourceName + ":1:1: (file): too large for a topology (more than "
                        + 4 * YamlDocument.MAX_CHARS + " bytes)"));
            }
            return parse(decode(bytes), sourceName);
        } catch (IOException e) {
            throw new ShardlineConfigException(List.of(sourceName + ": cannot read: " + e.getMessage()), e);
        }
    }

    /** Parses and validates YAML text. */
    public static Topology parse(String yaml, String sourceName) throws ShardlineConfigException {
        YamlDocument doc = YamlDocument.compose(yaml, sourceName);
        Topology topology = doc.root() == null ? null : new TopologyValidator(doc).build(doc.root());
        doc.throwIfProblems();
        if (topology == null) throw new IllegalStateException("no topology and no problem reported"); // a bug
        return topology;
    }

    private static String decode(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }
}
