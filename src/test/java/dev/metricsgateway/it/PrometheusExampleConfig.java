package dev.metricsgateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code examples/prometheus/prometheus.yml}, the config users copy, and test configs derived from
 * it: the tests scrape with the example's own job (path, authorization scheme, timestamp handling),
 * changing only what must change on a test machine (name, target, key file, interval).
 *
 * <p>Stateless; every method reads the file anew.
 */
final class PrometheusExampleConfig {

    static final Path DIRECTORY = Path.of("examples", "prometheus");
    static final Path CONFIG = DIRECTORY.resolve("prometheus.yml");
    static final Path RULES = DIRECTORY.resolve("rules.yml");
    /** The example's job name. */
    static final String JOB = "metrics-gateway";

    private static final YAMLMapper YAML = new YAMLMapper();

    private PrometheusExampleConfig() {
    }

    /** The example config as a tree. */
    static ObjectNode example() {
        try {
            return (ObjectNode) YAML.readTree(CONFIG.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The example's scrape job for the gateway. */
    static ObjectNode exampleJob() {
        for (JsonNode job : example().path("scrape_configs")) {
            if (JOB.equals(job.path("job_name").asText())) {
                return (ObjectNode) job;
            }
        }
        throw new AssertionError(CONFIG + " has no job " + JOB);
    }

    /**
     * The example's job renamed {@code name}, scraping {@code target} every second with the key
     * in {@code keyFile}; everything else as the example has it.
     */
    static ObjectNode job(String name, String target, Path keyFile) {
        ObjectNode job = exampleJob().deepCopy();
        job.put("job_name", name);
        job.put("scrape_interval", "1s");
        ((ObjectNode) job.get("authorization")).put("credentials_file", keyFile.toAbsolutePath().toString());
        ArrayNode staticConfigs = job.putArray("static_configs");
        staticConfigs.addObject().putArray("targets").add(target);
        return job;
    }

    /**
     * The example config (its {@code global} settings, and its rule files made absolute so the
     * config can live anywhere) with {@code jobs} as its scrape configs.
     */
    static String config(List<ObjectNode> jobs) {
        ObjectNode config = example();
        List<String> ruleFiles = new ArrayList<>();
        config.path("rule_files").forEach(file -> ruleFiles.add(DIRECTORY.resolve(file.asText()).toAbsolutePath().toString()));
        ArrayNode absoluteRuleFiles = config.putArray("rule_files");
        ruleFiles.forEach(absoluteRuleFiles::add);
        ArrayNode scrapeConfigs = config.putArray("scrape_configs");
        jobs.forEach(scrapeConfigs::add);
        return write(config);
    }

    static String write(JsonNode config) {
        try {
            return YAML.writeValueAsString(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
