/**
 * Crash-safe files of the data directory ({@link dev.metricsgateway.files.AtomicFiles}): one
 * place for the temporary file, fsync, atomic rename and directory fsync that the
 * service-account store and the checkpoint rely on. Plain {@code java.nio.file}; it knows nothing
 * of what the files hold.
 */
package dev.metricsgateway.files;
