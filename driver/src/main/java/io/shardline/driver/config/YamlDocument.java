package io.shardline.driver.config;

import io.shardline.driver.ShardlineConfigException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reading a YAML configuration file: the text composed into a node tree (snakeyaml-engine's
 * low-level compose API, so no Java object is ever constructed from a tag; aliases bounded,
 * recursive keys refused), and typed accessors over its nodes that resolve {@code ${NAME:default}}
 * placeholders and report every problem with its {@code file:line:column} and key path instead of
 * stopping at the first. What the keys mean is {@link TopologyValidator}'s business.
 *
 * <p>Secrets: values under a key containing {@code password} are never echoed, and every such
 * value (also found by a raw-text scan, in case the YAML does not even parse) is scrubbed from
 * every message before it leaves this class.
 */
final class YamlDocument {

    private static final Pattern PLACEHOLDER =
            Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.\\-]*)(?::([^}]*))?}");
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
    /** Raw-text scan for password values: a safety net so they can be scrubbed from any message. */
    private static final Pattern RAW_PASSWORD = Pattern.compile(
            "(?i)password[\"']?\\s*:[ \\t]*(?:\"([^\"\\n]*)\"|'([^'\\n]*)'|([^\\s,}#][^,}#\\n]*))");

    private final String source;
    private final Set<Problem> problems = new LinkedHashSet<>();
    private final Set<String> secrets = new HashSet<>();
    private Node root;

    private record Problem(int line, int column, String path, String message) {
    }

    /** A mapping entry: its key node (for locations) and value node. */
    record Entry(ScalarNode key, Node value) {
    }

    private YamlDocument(String source) {
        this.source = source;
    }

    /** The file's name as messages give it. */
    String source() {
        return source;
    }

    /**
     * Composes {@code yaml}; syntax errors, an empty file and duplicate keys are recorded as
     * problems. {@link #root()} is null when there is nothing to validate.
     */
    /** Bounds on what is parsed at all: a topology is a few KB; these stop hostile or broken input early. */
    static final int MAX_CHARS = 1 << 20;
    static final int MAX_LINE_CHARS = 10_000;
    static final int MAX_DEPTH = 32;

    static YamlDocument compose(String yaml, String source) {
        YamlDocument doc = new YamlDocument(source);
        if (doc.outOfBounds(yaml)) return doc;
        doc.collectRawSecrets(yaml);
        Optional<Node> root = Optional.empty();
        boolean syntaxError = false;
        try {
            LoadSettings settings = LoadSettings.builder()
                    .setLabel(source)
                    .setSchema(new CoreSchema())
                    .setAllowRecursiveKeys(false)
                    .setMaxAliasesForCollections(50)
                    .setUseMarks(true)
                    .build();
            root = new Compose(settings).composeString(yaml);
        } catch (MarkedYamlEngineException e) {
            syntaxError = true;
            Optional<Mark> mark = e.getProblemMark().isPresent() ? e.getProblemMark() : e.getContextMark();
            String what = (e.getContext() != null ? e.getContext() + ": " : "")
                    + (e.getProblem() != null ? e.getProblem() : "invalid YAML");
            doc.problems.add(new Problem(mark.map(m -> m.getLine() + 1).orElse(1),
                    mark.map(m -> m.getColumn() + 1).orElse(1), "(yaml)", "invalid YAML: " + what));
        } catch (YamlEngineException e) {
            syntaxError = true;
            doc.problems.add(new Problem(1, 1, "(yaml)", "invalid YAML: " + e.getMessage()));
        } catch (StackOverflowError e) {
            // nesting the parser cannot follow (flow collections are nested by brackets, not by indentation)
            syntaxError = true;
            doc.problems.add(new Problem(1, 1, "(yaml)", "invalid YAML: nested too deeply (a topology needs at most "
                    + MAX_DEPTH + " levels)"));
        }
        if (!syntaxError && root.isPresent()) {
            Mark deep = tooDeep(root.get());
            if (deep != null) {
                syntaxError = true;
                doc.problems.add(new Problem(deep.getLine() + 1, deep.getColumn() + 1, "(yaml)",
                        "nested more than " + MAX_DEPTH + " levels deep: not a topology"));
            }
        }
        if (!syntaxError) {
            if (root.isEmpty() || isNull(root.get())) {
                doc.problems.add(new Problem(1, 1, "(file)", "empty file: a topology needs dataSources and shards"));
            } else {
                doc.checkDuplicateKeys(root.get(), "", Collections.newSetFromMap(new IdentityHashMap<>()));
                doc.root = root.get();
            }
        }
        return doc;
    }

    /**
     * Records a problem and returns true when the text is larger than a topology can be (and
     * would take the parser minutes or all memory: a very long line is scanned in quadratic time).
     */
    private boolean outOfBounds(String yaml) {
        if (yaml.length() > MAX_CHARS) {
            problems.add(new Problem(1, 1, "(file)", "too large for a topology: " + yaml.length()
                    + " characters (at most " + MAX_CHARS + ")"));
            return true;
        }
        int line = 1;
        int start = 0;
        for (int i = 0; i <= yaml.length(); i++) {
            if (i == yaml.length() || yaml.charAt(i) == '\n') {
                if (i - start > MAX_LINE_CHARS) {
                    problems.add(new Problem(line, MAX_LINE_CHARS + 1, "(file)", "line " + line + " is " + (i - start)
                            + " characters long (at most " + MAX_LINE_CHARS + ")"));
                    return true;
                }
                line++;
                start = i + 1;
            }
        }
        return false;
    }

    /** The start of the first node nested deeper than {@link #MAX_DEPTH}, or null (walked without recursion). */
    private static Mark tooDeep(Node root) {
        record AtDepth(Node node, int depth) {
        }
        java.util.ArrayDeque<AtDepth> todo = new java.util.ArrayDeque<>();
        todo.push(new AtDepth(root, 1));
        while (!todo.isEmpty()) {
            AtDepth next = todo.pop();
            Node n = next.node();
            int depth = next.depth();
            if (depth > MAX_DEPTH) return n.getStartMark().orElse(null);
            if (n instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    todo.push(new AtDepth(t.getKeyNode(), depth + 1));
                    todo.push(new AtDepth(t.getValueNode(), depth + 1));
                }
            } else if (n instanceof SequenceNode q) {
                for (Node c : q.getValue()) todo.push(new AtDepth(c, depth + 1));
            }
        }
        return null;
    }

    /** The document's root node, or null when it did not parse or is empty. */
    Node root() {
        return root;
    }

    boolean hasProblems() {
        return !problems.isEmpty();
    }

    /** Throws every problem found, sorted by position and scrubbed of secrets; returns if there is none. */
    void throwIfProblems() throws ShardlineConfigException {
        if (!problems.isEmpty()) throw new ShardlineConfigException(format());
    }

    private List<String> format() {
        List<Problem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
        List<String> lines = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Problem p : sorted) {
            String line = scrub(source + ":" + p.line() + ":" + p.column() + ": " + p.path() + ": " + p.message());
            if (seen.add(line)) lines.add(line);
        }
        return lines;
    }

    private String scrub(String message) {
        String out = message;
        for (String secret : secrets) {
            if (secret.length() >= 4) out = out.replace(secret, "******");
        }
        return out;
    }

    private void collectRawSecrets(String yaml) {
        Matcher m = RAW_PASSWORD.matcher(yaml);
        while (m.find()) {
            for (int g = 1; g <= 3; g++) {
                if (m.group(g) != null) {
                    String v = m.group(g).trim();
                    // a placeholder is not the secret; its resolved value is collected in string()
                    if (!v.isEmpty() && !v.contains("${")) secrets.add(v);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------ node helpers

    /** Reports duplicate keys in every mapping of the tree (aliases are visited once). */
    private void checkDuplicateKeys(Node node, String path, Set<Node> visited) {
        if (!visited.add(node) || isSecret(path)) return; // never echo anything found under a password
        if (node instanceof MappingNode map) {
            Map<String, Node> seen = new HashMap<>();
            for (NodeTuple t : map.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
                String p = key == null ? path : join(path, key);
                if (key != null) {
                    Node first = seen.putIfAbsent(key, t.getKeyNode());
                    if (first != null) {
                        problemAt(t.getKeyNode(), p, "duplicate key (first defined at line "
                                + first.getStartMark().map(mk -> mk.getLine() + 1).orElse(0) + ")");
                    }
                }
                checkDuplicateKeys(t.getValueNode(), p, visited);
            }
        } else if (node instanceof SequenceNode seq) {
            int i = 0;
            for (Node item : seq.getValue()) {
                checkDuplicateKeys(item, path + "[" + i++ + "]", visited);
            }
        }
    }

    /**
     * Reads a mapping node as key -> entry, in document order (first occurrence wins for duplicate
     * keys, which {@link #checkDuplicateKeys} reports). Reports unknown keys when {@code allowed} is
     * given. Returns {@code null} (after reporting) when the node is not a mapping.
     */
    Map<String, Entry> mapping(Node node, String path, List<String> allowed) {
        if (!(node instanceof MappingNode map)) {
            wrongType(node, path, "a mapping");
            return null;
        }
        Map<String, Entry> result = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode keyNode) || isNull(t.getKeyNode())) {
                problemAt(t.getKeyNode(), path.isEmpty() ? "(top level)" : path, "keys must be plain names");
                continue;
            }
            String key = keyNode.getValue();
            if (Tag.MERGE.equals(keyNode.getTag()) || "<<".equals(key)) {
                problemAt(keyNode, join(path, key), "merge keys (<<) are not supported");
                continue;
            }
            if (allowed != null && !allowed.contains(key)) {
                problemAt(keyNode, join(path, key), "unknown key" + suggestion(key, allowed));
                continue;
            }
            result.putIfAbsent(key, new Entry(keyNode, t.getValueNode()));
        }
        return result;
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    /** A scalar's text with placeholders resolved; {@code null} if null, not a scalar, or unresolvable. */
    String string(Node node, String path) {
        if (isNull(node)) return null;
        if (!(node instanceof ScalarNode scalar)) {
            wrongType(node, path, "a single value");
            return null;
        }
        String raw = scalar.getValue();
        String value = resolve(scalar, raw, path);
        if (value != null && isSecret(path) && !value.isEmpty()) secrets.add(value);
        return value;
    }

    private String resolve(ScalarNode node, String raw, String path) {
        if (raw.indexOf("${") < 0) return raw;
        Matcher m = PLACEHOLDER.matcher(raw);
        StringBuilder out = new StringBuilder();
        boolean ok = true;
        while (m.find()) {
            String name = m.group(1);
            String value = System.getProperty(name);
            if (value == null) value = System.getenv(name);
            if (value == null) value = m.group(2);
            if (value == null) {
                int offset = node.getScalarStyle() == ScalarStyle.PLAIN ? m.start()
                        : node.getScalarStyle() == ScalarStyle.DOUBLE_QUOTED
                        || node.getScalarStyle() == ScalarStyle.SINGLE_QUOTED ? m.start() + 1 : 0;
                boolean singleLine = raw.indexOf('\n') < 0 && node.getStartMark().isPresent()
                        && node.getEndMark().isPresent()
                        && node.getStartMark().get().getLine() == node.getEndMark().get().getLine();
                problemAt(node, singleLine ? offset : 0, path, "${" + name + "} is not set (no system property or "
                        + "environment variable " + name + "; give a default with ${" + name + ":default})");
                ok = false;
                value = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return ok ? out.toString() : null;
    }

    Integer integer(Node node, String path, int min) {
        String v = string(node, path);
        if (v == null) {
            if (isNull(node)) problemAt(node, path, "value missing (an integer >= " + min + ")");
            return null;
        }
        int i;
        try {
            i = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            problemAt(node, path, "bad integer" + echo(path, v));
            return null;
        }
        if (i < min) {
            problemAt(node, path, "must be >= " + min + (isSecret(path) ? "" : ", was " + i));
            return null;
        }
        return i;
    }

    Boolean bool(Node node, String path) {
        String v = string(node, path);
        if (v == null) {
            if (isNull(node)) problemAt(node, path, "value missing (use true or false)");
            return null;
        }
        String t = v.trim();
        if (t.equalsIgnoreCase("true")) return Boolean.TRUE;
        if (t.equalsIgnoreCase("false")) return Boolean.FALSE;
        problemAt(node, path, "bad boolean" + echo(path, v) + " (use true or false)");
        return null;
    }

    Duration duration(Node node, String path) {
        String v = string(node, path);
        if (v == null) {
            if (isNull(node)) problemAt(node, path, "value missing (use e.g. 500ms, 5s, 2m)");
            return null;
        }
        Duration d = parseDuration(v);
        if (d == null) {
            problemAt(node, path, "bad duration" + echo(path, v) + " (use e.g. 500ms, 5s, 2m)");
        }
        return d;
    }

    String choice(Node node, String path, List<String> allowed) {
        String v = string(node, path);
        if (v == null) {
            if (isNull(node)) problemAt(node, path, "value missing (allowed: " + String.join(", ", allowed) + ")");
            return null;
        }
        String t = v.trim().toLowerCase(Locale.ROOT);
        if (allowed.contains(t)) return t;
        problemAt(node, path, "bad value" + echo(path, v) + " (allowed: " + String.join(", ", allowed) + ")");
        return null;
    }

    /**
     * Parses {@code 0}, {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d} or an ISO-8601
     * duration such as {@code PT5S}; {@code null} if it is none of those or negative.
     */
    static Duration parseDuration(String text) {
        if (text == null) return null;
        String t = text.trim();
        Matcher m = SIMPLE_DURATION.matcher(t);
        if (m.matches()) {
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                return null;
            }
            String unit = m.group(2);
            try {
                if (unit == null) return n == 0 ? Duration.ZERO : null;
                return switch (unit) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> null;
                };
            } catch (ArithmeticException e) {
                return null;
            }
        }
        if (t.length() > 1 && (t.charAt(0) == 'P' || t.charAt(0) == 'p')) {
            try {
                Duration d = Duration.parse(t);
                return d.isNegative() ? null : d;
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------------ reporting

    static boolean isSecret(String path) {
        int dot = path.lastIndexOf('.');
        String last = dot < 0 ? path : path.substring(dot + 1);
        return last.toLowerCase(Locale.ROOT).contains("password");
    }

    /** {@code " 'value'"}, or nothing when the value is a secret. */
    static String echo(String path, String value) {
        return isSecret(path) ? "" : " '" + value + "'";
    }

    void wrongType(Node node, String path, String expected) {
        String found;
        if (node instanceof MappingNode) found = "a mapping";
        else if (node instanceof SequenceNode) found = "a list";
        else if (isNull(node)) found = "nothing";
        else found = "a single value";
        problemAt(node, path.isEmpty() ? "(top level)" : path, "expected " + expected + ", found " + found);
    }

    void problemAt(Node node, String path, String message) {
        problemAt(node, 0, path, message);
    }

    void problemAt(Node node, int columnOffset, String path, String message) {
        Optional<Mark> mark = node == null ? Optional.empty() : node.getStartMark();
        int line = mark.map(m -> m.getLine() + 1).orElse(1);
        int column = mark.map(m -> m.getColumn() + 1).orElse(1) + columnOffset;
        problems.add(new Problem(line, column, path, message));
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** {@code " (did you mean 'x'?)"} for the closest candidate within edit distance 3, else nothing. */
    static String suggestion(String key, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String k = key.toLowerCase(Locale.ROOT);
        for (String c : candidates) {
            int d = editDistance(k, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        if (best == null || bestDistance > 3 || bestDistance >= key.length()) return "";
        return " (did you mean '" + best + "'?)";
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] tmp = prev;
            prev = cur;
            cur = tmp;
        }
        return prev[b.length()];
    }
}
