/**
 * Read-your-writes session tokens over HTTP: the servlet filter that runs each request in a
 * {@code ShardlineSession} scope and returns its token, and the RestClient/RestTemplate/WebClient
 * interceptors that send the current token to the services a request calls. Uses the driver's
 * public API only.
 */
package io.shardline.spring.session;
