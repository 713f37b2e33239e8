package io.shardline.routing.sql;

import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.Values;

/**
 * Splits a multi-row {@code INSERT ... VALUES} whose rows belong to different shards: the
 * statement each shard receives holds only its rows, with the parameters of those rows.
 */
public final class InsertRows {

    /**
     * Some of an INSERT's rows.
     *
     * @param sql        the INSERT with only the chosen VALUES rows
     * @param parameters for each {@code ?} of {@code sql}, in order, its 1-based position in the
     *                   original statement
     */
    public record Subset(String sql, int[] parameters) {
    }

    private InsertRows() {
    }

    /**
     * The INSERT restricted to {@code rows} (0-based VALUES row indexes, ascending).
     *
     * @throws IllegalStateException if the statement is not a plain INSERT ... VALUES
     */
    @SuppressWarnings("unchecked")
    public static Subset subset(StatementInfo info, int[] rows) {
        Insert ins;
        try {
            ins = (Insert) CCJSqlParserUtil.parse(info.sql());
        } catch (JSQLParserException | ClassCastException e) {
            throw new IllegalStateException("not a plain INSERT ... VALUES: " + info.sql(), e);
        }
        Values values = ins.getValues();
        List<ExpressionList<Expression>> all = values == null ? null : StatementAnalyzer.valueRows(values.getExpressions());
        if (all == null) throw new IllegalStateException("not a plain INSERT ... VALUES: " + info.sql());
        int[] firstParam = new int[all.size() + 1];
        firstParam[0] = 1;
        for (int r = 0; r < all.size(); r++) {
            firstParam[r + 1] = firstParam[r] + SqlLexer.lex(all.get(r).toString(), false).parameterCount();
        }
        ExpressionList<Expression> kept = new ExpressionList<>();
        List<Integer> params = new ArrayList<>();
        for (int r : rows) {
            ExpressionList<Expression> row = all.get(r);
            kept.add(row instanceof ParenthesedExpressionList<?> ? row : new ParenthesedExpressionList<>(row));
            for (int p = firstParam[r]; p < firstParam[r + 1]; p++) params.add(p);
        }
        // one row is written as VALUES (a, b), several as VALUES (a, b), (c, d)
        values.setExpressions(kept.size() == 1 ? (ExpressionList<Expression>) kept.get(0) : kept);
        int[] positions = new int[params.size()];
        for (int i = 0; i < positions.length; i++) positions[i] = params.get(i);
        return new Subset(ins.toString(), positions);
    }
}
