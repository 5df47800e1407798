/**
 * Service accounts and their API keys: the roles, key generation and hashing, the file-backed
 * {@link dev.metricsgateway.auth.ServiceAccountStore} shared by the CLI and the server, the
 * server's in-memory {@link dev.metricsgateway.auth.ServiceAccountRegistry}, and the Vert.x
 * {@link io.vertx.ext.auth.authentication.AuthenticationProvider} that turns a {@code Tecton-key}
 * into a {@link io.vertx.ext.auth.User}.
 *
 * <p>Only SHA-256 hashes of keys are ever stored; plaintext keys exist in memory just long enough
 * to be shown once (CLI, HTTP create answer, bootstrap) or hashed (authentication). No type here
 * prints a key or a hash in {@code toString}, a log line or an exception message.
 */
package dev.metricsgateway.auth;
