package io.shardline.driver;

import java.sql.SQLException;
import java.util.List;

/**
 * Thrown when a Shardline topology cannot be loaded: the file is missing, is not valid YAML, or
 * describes an invalid topology.
 *
 * <p>Every problem found in the file is reported at once, never only the first. Each problem is one
 * line of the form {@code <file>:<line>:<column>: <key path>: <what is wrong>} (line and column are
 * 1-based), for example
 * {@code topology.yaml:14:1: replicaton: unknown key (did you mean 'replication'?)}. The message is
 * those lines joined by newlines. Passwords never appear in a problem.
 *
 * <p>The SQLState is {@code F0000} (configuration file error).
 */
public final class ShardlineConfigException extends SQLException {

    private static final long serialVersionUID = 1L;

    /** The SQLState of every configuration error. */
    public static final String SQL_STATE = "F0000";

    private final List<String> problems;

    /**
     * Creates an exception listing the given problems.
     *
     * @param problems one line per problem; must not be empty
     */
    public ShardlineConfigException(List<String> problems) {
        this(problems, null);
    }

    /**
     * Creates an exception listing the given problems, caused by {@code cause}.
     *
     * @param problems one line per problem; must not be empty
     * @param cause the underlying failure (e.g. an I/O error), or {@code null}
     */
    public ShardlineConfigException(List<String> problems, Throwable cause) {
        super(String.join("\n", problems), SQL_STATE, cause);
        if (problems.isEmpty()) throw new IllegalArgumentException("no problems");
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, one line each, in file order. */
    public List<String> problems() {
        return problems;
    }
}
