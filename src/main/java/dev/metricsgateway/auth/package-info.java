/**
 * Service accounts and their API keys: the roles, key generation and hashing, the file-backed
 * {@link dev.metricsgateway.auth.ServiceAccountStore} shared by the CLI and the server, the
 * server's in-memory {@link dev.metricsgateway.auth.ServiceAccountRegistry}, the Vert.x
 * {@link io.vertx.ext.auth.authentication.AuthenticationProvider} that turns a {@code Tecton-key}
 * into a {@link io.vertx.ext.auth.User}, and the {@link dev.metricsgateway.auth.AuthFailureThrottle}
 * that slows down anyone guessing keys.
 *
 * <p>An account holds one or two keys ({@link dev.metricsgateway.auth.AccountKey}), each with a
 * public id and an optional expiry: two while a key is rotated with overlap, until the old one is
 * revoked. Expiry is judged by the registry's clock on every request.
 *
 * <p>Only SHA-256 hashes of keys are ever stored; plaintext keys exist in memory just long enough
 * to be shown once (CLI, HTTP create and rotate answers, bootstrap) or hashed (authentication).
 * No type here prints a key or a hash in {@code toString}, a log line or an exception message.
 */
package dev.metricsgateway.auth;
