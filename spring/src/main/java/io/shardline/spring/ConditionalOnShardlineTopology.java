package io.shardline.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the environment names a Shardline topology: {@code shardline.topology} is set, or
 * {@code spring.datasource.url} is a {@code jdbc:shardline:} URL.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(ConditionalOnShardlineTopology.OnShardlineTopology.class)
public @interface ConditionalOnShardlineTopology {

    /** The condition behind the annotation. */
    class OnShardlineTopology extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            if (ShardlineUrl.isConfigured(context.getEnvironment())) {
                return ConditionOutcome.match("a Shardline topology is configured (" + ShardlineUrl.TOPOLOGY_PROPERTY
                        + " or a jdbc:shardline: " + ShardlineUrl.URL_PROPERTY + ")");
            }
            return ConditionOutcome.noMatch("neither " + ShardlineUrl.TOPOLOGY_PROPERTY + " nor a jdbc:shardline: "
                    + ShardlineUrl.URL_PROPERTY + " is set");
        }
    }
}
