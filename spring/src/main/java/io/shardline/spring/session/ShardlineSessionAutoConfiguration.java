package io.shardline.spring.session;

import io.shardline.driver.ShardlineDataSource;
import io.shardline.spring.ConditionalOnShardlineTopology;
import io.shardline.spring.ShardlineDataSourceAutoConfiguration;
import io.shardline.spring.ShardlineProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.client.RestClientCustomizer;
import org.springframework.boot.web.client.RestTemplateCustomizer;
import org.springframework.boot.web.reactive.function.client.WebClientCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Read-your-writes across requests and services: the servlet filter
 * ({@code shardline.session.enabled}) and the outgoing-call interceptors added to Boot's
 * RestClient, RestTemplate and WebClient builders ({@code shardline.session.propagate}), both on
 * the header {@code shardline.session.header}. Active when the application runs Shardline (a
 * topology is configured, or there is a ShardlineDataSource bean).
 */
@AutoConfiguration(after = ShardlineDataSourceAutoConfiguration.class)
@Conditional(ShardlineSessionAutoConfiguration.OnShardline.class)
@EnableConfigurationProperties(ShardlineProperties.class)
public class ShardlineSessionAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SessionTokenContext shardlineSessionTokenContext() {
        return SessionScopes.context();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass({OncePerRequestFilter.class, jakarta.servlet.Filter.class, FilterRegistrationBean.class})
    @ConditionalOnBooleanProperty(name = "shardline.session.enabled", matchIfMissing = true)
    static class ServletFilter {

        @Bean
        @ConditionalOnMissingBean(name = "shardlineSessionFilter")
        FilterRegistrationBean<ShardlineSessionFilter> shardlineSessionFilter(ShardlineProperties properties) {
            FilterRegistrationBean<ShardlineSessionFilter> r =
                    new FilterRegistrationBean<>(new ShardlineSessionFilter(properties.getSession().getHeader()));
            r.setName("shardlineSessionFilter");
            r.setOrder(properties.getSession().getFilterOrder());
            r.addUrlPatterns("/*");
            return r;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ClientHttpRequestInterceptor.class)
    @ConditionalOnBooleanProperty(name = "shardline.session.propagate", matchIfMissing = true)
    static class BlockingClients {

        @Bean
        @ConditionalOnMissingBean
        ShardlineSessionClientInterceptor shardlineSessionClientInterceptor(ShardlineProperties properties,
                SessionTokenContext context) {
            return new ShardlineSessionClientInterceptor(properties.getSession().getHeader(), context);
        }

        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(RestClient.class)
        static class RestClients {
            @Bean
            RestClientCustomizer shardlineSessionRestClientCustomizer(ShardlineSessionClientInterceptor interceptor) {
                return builder -> builder.requestInterceptor(interceptor);
            }
        }

        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(RestTemplate.class)
        static class RestTemplates {
            @Bean
            RestTemplateCustomizer shardlineSessionRestTemplateCustomizer(ShardlineSessionClientInterceptor interceptor) {
                return restTemplate -> restTemplate.getInterceptors().add(interceptor);
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(WebClient.class)
    @ConditionalOnBooleanProperty(name = "shardline.session.propagate", matchIfMissing = true)
    static class ReactiveClients {

        @Bean
        WebClientCustomizer shardlineSessionWebClientCustomizer(ShardlineProperties properties, SessionTokenContext context) {
            ShardlineSessionExchangeFilter filter = new ShardlineSessionExchangeFilter(properties.getSession().getHeader(), context);
            return builder -> builder.filter(filter);
        }
    }

    /** A topology is configured, or the application made a ShardlineDataSource bean itself. */
    static class OnShardline extends AnyNestedCondition {
        OnShardline() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnShardlineTopology
        static class TopologyConfigured {
        }

        @ConditionalOnBean(ShardlineDataSource.class)
        static class ShardlineDataSourceBean {
        }
    }
}
