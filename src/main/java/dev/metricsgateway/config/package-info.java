/**
 * The gateway's one configuration record, read once at start-up from defaults, a YAML file,
 * environment variables and command-line flags (later sources win), validated with errors that
 * name the key and where its value came from.
 */
package dev.metricsgateway.config;
