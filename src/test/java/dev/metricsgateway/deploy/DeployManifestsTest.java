package dev.metricsgateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.metricsgateway.auth.Role;
import dev.metricsgateway.auth.ServiceAccountStore;
import dev.metricsgateway.catalog.Catalog;
import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.catalog.CatalogSource;
import dev.metricsgateway.config.ConfigException;
import dev.metricsgateway.config.ConfigKey;
import dev.metricsgateway.config.ConfigLoader;
import dev.metricsgateway.config.GatewayConfig;
import dev.metricsgateway.testing.DeployedJvmOptions;
import dev.metricsgateway.testing.ExternalTool;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment files are executable too (STYLE.md item 12): everything under {@code deploy/}
 * is read the way Docker, Kubernetes, the Prometheus Operator and systemd would read it, and
 * checked against the real server: its OpenAPI paths and their security, its config keys and
 * environment variables ({@link ConfigLoader}), its catalog rules ({@link CatalogLoader}) and its
 * shutdown timings.
 *
 * <p>Docker and Kubernetes cannot run on the build machine, so nothing here builds the image or
 * applies the manifests; {@code systemd-analyze verify} runs when it is installed (required
 * under {@code CI=true}), and {@code kubectl kustomize} when kubectl happens to be on the PATH.
 */
class DeployManifestsTest {

    private static final Path DEPLOY = Path.of("deploy");
    private static final Path KUBERNETES = DEPLOY.resolve("kubernetes");
    private static final Path DOCKERFILE = DEPLOY.resolve("Dockerfile");
    private static final Path SYSTEMD_UNIT = DEPLOY.resolve("metrics-gateway.service");
    private static final Path SPEC_FILE = Path.of("openapi", "metrics-gateway.yaml");

    /** Manifests that are documented alternatives, deliberately left out of their kustomization. */
    private static final Set<Path> ALTERNATIVES = Set.of(KUBERNETES.resolve("prometheus-operator/scrapeconfig.yaml"));

    /** The role a scrape key holds; the scrape paths must be readable with it. */
    private static final String SCRAPE_ROLE = Role.METRICS_READER.wireName();

    private static final YAMLMapper YAML = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern GATEWAY_VARIABLE = Pattern.compile("METRICS_GATEWAY_[A-Z0-9_]*");

    // ---------------------------------------------------------------------------------------
    // Every file parses

    @TestFactory
    Stream<DynamicTest> everyYamlFileUnderDeployParses() {
        List<Path> files = yamlFiles(DEPLOY);
        assertThat(files).as("YAML files under deploy/").isNotEmpty();
        return files.stream().map(file -> DynamicTest.dynamicTest(file.toString(), () -> {
            List<JsonNode> documents = documents(file);
            assertThat(documents).as(file + ": documents").isNotEmpty();
            for (JsonNode document : documents) {
                assertThat(document.isObject()).as(file + ": every document is a mapping").isTrue();
                if (!document.path("kind").asText().equals("Kustomization")) {
                    assertThat(document.path("apiVersion").asText()).as(file + ": apiVersion").isNotBlank();
                    assertThat(document.path("kind").asText()).as(file + ": kind").isNotBlank();
                    assertThat(document.at("/metadata/name").asText()).as(file + ": metadata.name").isNotBlank();
                }
            }
        }));
    }

    @Test
    void everyKustomizationListsExactlyTheManifestsBesideIt() {
        List<Path> kustomizations = yamlFiles(KUBERNETES).stream()
                .filter(file -> file.getFileName().toString().equals("kustomization.yaml"))
                .toList();
        assertThat(kustomizations).as("kustomization.yaml files").isNotEmpty();
        for (Path kustomization : kustomizations) {
            Path directory = kustomization.getParent();
            JsonNode root = single(documents(kustomization));
            assertThat(root.path("kind").asText()).isEqualTo("Kustomization");
            Set<Path> listed = new TreeSet<>();
            root.path("resources").forEach(resource -> listed.add(directory.resolve(resource.asText()).normalize()));
            listed.forEach(resource -> assertThat(resource).as(kustomization + " lists it").exists());
            Set<Path> beside;
            try (Stream<Path> entries = Files.list(directory)) {
                beside = entries.filter(DeployManifestsTest::isYaml)
                        .filter(file -> !file.equals(kustomization))
                        .filter(file -> !ALTERNATIVES.contains(file))
                        .collect(Collectors.toCollection(TreeSet::new));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            assertThat(listed).as(kustomization + ": resources").isEqualTo(beside);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Paths: the real server's, with the right security

    @Test
    void probesUseHealthPathsOfTheSpecThatNeedNoKey() {
        JsonNode container = gatewayContainer();
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).as("liveness must not fail while draining").isEqualTo("/healthz");
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).as("readiness turns 503 on SIGTERM").isEqualTo("/readyz");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            JsonNode httpGet = container.path(probe).path("httpGet");
            assertThat(httpGet.path("scheme").asText("HTTP")).as(probe + " scheme").isEqualTo("HTTP");
            assertThat(httpGet.has("httpHeaders")).as(probe + " sends no key").isFalse();
            assertPathNeedsNoKey(httpGet.path("path").asText(), "deployment.yaml " + probe);
        }
        assertPathNeedsNoKey(dockerHealthCheckPath(), "Dockerfile HEALTHCHECK");
    }

    @Test
    void scrapeConfigurationsUseScrapePathsOfTheSpecWithAMetricsReaderKey() {
        JsonNode serviceMonitor = single(manifests("ServiceMonitor"));
        assertThat(serviceMonitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        List<JsonNode> scrapes = new ArrayList<>();
        serviceMonitor.at("/spec/endpoints").forEach(scrapes::add);
        assertThat(scrapes).as("ServiceMonitor endpoints").isNotEmpty();
        assertThat(scrapes).extracting(endpoint -> endpoint.path("path").asText()).contains("/api/v1/observability/metrics");
        for (JsonNode endpoint : scrapes) {
            assertThat(endpoint.path("interval").asText()).isEqualTo("30s");
            assertScrapePath(endpoint.path("path").asText(), "ServiceMonitor");
            assertTectonKeyAuthorization(endpoint.path("authorization"), "ServiceMonitor " + endpoint.path("path").asText());
        }
        for (JsonNode scrapeConfig : manifests("ScrapeConfig")) {
            assertThat(scrapeConfig.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1alpha1");
            assertThat(scrapeConfig.at("/spec/scrapeInterval").asText()).isEqualTo("30s");
            assertScrapePath(scrapeConfig.at("/spec/metricsPath").asText(), "ScrapeConfig");
            assertTectonKeyAuthorization(scrapeConfig.at("/spec/authorization"), "ScrapeConfig");
        }
    }

    // ---------------------------------------------------------------------------------------
    // Ports, labels and names agree

    @Test
    void portsAgreeWithTheConfiguredPort() {
        int port = podConfig().port();
        JsonNode container = gatewayContainer();
        JsonNode http = single(list(container.path("ports")).stream().filter(p -> p.path("name").asText().equals("http")).toList());
        assertThat(http.path("containerPort").asInt()).as("containerPort http = the gateway's port").isEqualTo(port);
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat(containerPort(container, container.path(probe).at("/httpGet/port"))).as(probe + " port").isEqualTo(port);
        }

        JsonNode service = single(manifests("Service"));
        assertThat(service.at("/spec/type").asText("ClusterIP")).isEqualTo("ClusterIP");
        JsonNode servicePort = single(list(service.at("/spec/ports")));
        assertThat(servicePort.path("name").asText()).isEqualTo("http");
        assertThat(containerPort(container, servicePort.path("targetPort"))).as("Service targetPort").isEqualTo(port);

        for (JsonNode endpoint : list(single(manifests("ServiceMonitor")).at("/spec/endpoints"))) {
            assertThat(endpoint.path("port").asText()).as("ServiceMonitor port names the Service port").isEqualTo(servicePort.path("name").asText());
        }
        String serviceName = service.at("/metadata/name").asText();
        for (JsonNode scrapeConfig : manifests("ScrapeConfig")) {
            for (JsonNode target : list(scrapeConfig.at("/spec/staticConfigs/0/targets"))) {
                String hostAndPort = target.asText();
                assertThat(hostAndPort).as("ScrapeConfig target").startsWith(serviceName + ".");
                assertThat(Integer.parseInt(hostAndPort.substring(hostAndPort.lastIndexOf(':') + 1))).as("ScrapeConfig target port")
                        .isEqualTo(servicePort.path("port").asInt());
            }
        }

        GatewayConfig image = imageConfig();
        assertThat(Integer.parseInt(dockerfile().only("EXPOSE"))).as("Dockerfile EXPOSE").isEqualTo(image.port()).isEqualTo(port);
        Matcher healthPort = Pattern.compile("\\$\\{METRICS_GATEWAY_PORT:-(\\d+)}").matcher(dockerfile().only("HEALTHCHECK"));
        assertThat(healthPort.find()).as("HEALTHCHECK follows METRICS_GATEWAY_PORT, defaulting to the image's port").isTrue();
        assertThat(Integer.parseInt(healthPort.group(1))).isEqualTo(image.port());
    }

    @Test
    void selectorsMatchTheLabelsTheySelect() {
        JsonNode deployment = single(manifests("Deployment"));
        JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
        assertContains(podLabels, deployment.at("/spec/selector/matchLabels"), "Deployment selector");
        JsonNode service = single(manifests("Service"));
        assertContains(podLabels, service.at("/spec/selector"), "Service selector");
        for (JsonNode serviceMonitor : manifests("ServiceMonitor")) {
            assertContains(service.at("/metadata/labels"), serviceMonitor.at("/spec/selector/matchLabels"), "ServiceMonitor selector");
        }
    }

    @Test
    void everyGatewayEnvironmentVariableIsARealOne() {
        Set<String> known = new TreeSet<>();
        for (ConfigKey key : ConfigKey.values()) {
            known.add(key.environmentVariable());
        }
        known.add(ConfigLoader.BOOTSTRAP_KEY_ENV);
        known.add(ConfigLoader.CONFIG_FILE_ENV);

        List<Path> files = new ArrayList<>(yamlFiles(DEPLOY));
        files.add(DOCKERFILE);
        files.add(SYSTEMD_UNIT);
        Set<String> used = new TreeSet<>();
        for (Path file : files) {
            Matcher matcher = GATEWAY_VARIABLE.matcher(read(file));
            while (matcher.find()) {
                used.add(matcher.group());
                assertThat(known).as(file + " uses " + matcher.group()).contains(matcher.group());
            }
        }
        assertThat(used).as("variables the files use").contains(ConfigKey.HOST.environmentVariable(),
                ConfigLoader.CONFIG_FILE_ENV, ConfigLoader.BOOTSTRAP_KEY_ENV);
    }

    // ---------------------------------------------------------------------------------------
    // The config and the catalog load with the gateway's own loaders

    @Test
    void theConfigMapsGatewayYamlLoadsWithTheRealConfigLoader() {
        JsonNode container = gatewayContainer();
        Map<String, String> env = podEnvironment();
        String configFile = env.get(ConfigLoader.CONFIG_FILE_ENV);
        assertThat(configFile).as(ConfigLoader.CONFIG_FILE_ENV + " in the Deployment").isNotBlank();
        assertThat(configMapKeyAt(container, configFile)).as(configFile + " is mounted from the ConfigMap").isEqualTo("gateway.yaml");

        GatewayConfig config = podConfig();
        assertThat(config.host()).as("a container listens on every interface").isEqualTo("0.0.0.0");
        assertThat(mountedVolume(container, config.dataDir().toString()).has("persistentVolumeClaim"))
                .as("data_dir " + config.dataDir() + " is the PersistentVolumeClaim").isTrue();
        assertThat(mountAt(container, config.dataDir().toString()).path("mountPath").asText()).isEqualTo(config.dataDir().toString());
        String claim = mountedVolume(container, config.dataDir().toString()).at("/persistentVolumeClaim/claimName").asText();
        assertThat(manifests("PersistentVolumeClaim")).extracting(pvc -> pvc.at("/metadata/name").asText()).contains(claim);
        assertThat(config.catalog()).as("catalog").isNotNull();
        assertThat(configMapKeyAt(container, config.catalog().toString())).as(config.catalog() + " is mounted from the ConfigMap").isEqualTo("catalog.yaml");

        // Environment variables beat the file: nothing the file sets may be silently overridden.
        JsonNode fileValues = parseYaml(configMapData("gateway.yaml"));
        for (Map.Entry<String, JsonNode> entry : fileValues.properties()) {
            ConfigKey key = configKey(entry.getKey());
            String fromEnv = env.get(key.environmentVariable());
            if (fromEnv != null) {
                assertThat(fromEnv).as(key.environmentVariable() + " (image or Deployment) overrides gateway.yaml's " + entry.getKey())
                        .isEqualTo(entry.getValue().asText());
            }
        }
        // The file alone is valid too (e.g. copied for systemd).
        loadConfig(configMapData("gateway.yaml"), Map.of());
    }

    @Test
    void theConfigMapsUserCatalogLoadsOnTopOfTheDefaultCatalog() {
        String yaml = configMapData("catalog.yaml");
        Catalog catalog = CatalogLoader.load(List.of(CatalogLoader.defaultSource(), new CatalogSource("configmap.yaml#catalog.yaml", yaml)));
        Set<String> declared = new TreeSet<>();
        parseYaml(yaml).path("metrics").fieldNames().forEachRemaining(declared::add);
        assertThat(declared).as("metrics of the example catalog").isNotEmpty();
        assertThat(catalog.metrics()).containsKeys(declared.toArray(String[]::new));
        assertThat(catalog.metrics()).as("the default metrics stay").containsKeys(CatalogLoader.loadDefault().metrics().keySet().toArray(String[]::new));
    }

    @Test
    void serviceLinksAreOffBecauseTheServiceNameCollidesWithTheGatewaysVariables() {
        JsonNode service = single(manifests("Service"));
        String prefix = service.at("/metadata/name").asText().toUpperCase(Locale.ROOT).replace('-', '_');
        int port = service.at("/spec/ports/0/port").asInt();
        // What the kubelet would add for this Service with service links on.
        Map<String, String> links = Map.of(
                prefix + "_SERVICE_HOST", "10.0.0.10",
                prefix + "_SERVICE_PORT", String.valueOf(port),
                prefix + "_PORT", "tcp://10.0.0.10:" + port);
        assertThatThrownBy(() -> loadConfig(configMapData("gateway.yaml"), links))
                .as("with service links the gateway would not start")
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(ConfigKey.PORT.environmentVariable());
        assertThat(single(manifests("Deployment")).at("/spec/template/spec/enableServiceLinks").isBoolean()).isTrue();
        assertThat(single(manifests("Deployment")).at("/spec/template/spec/enableServiceLinks").asBoolean()).isFalse();
    }

    // ---------------------------------------------------------------------------------------
    // The image

    @Test
    void theImageRunsAsTheDeploymentsUser() {
        Dockerfile dockerfile = dockerfile();
        String[] user = dockerfile.only("USER").split(":");
        assertThat(user[0]).as("USER is numeric, so Kubernetes' runAsNonRoot can check it").matches("\\d+");
        long uid = Long.parseLong(user[0]);
        long gid = Long.parseLong(user.length > 1 ? user[1] : user[0]);
        String run = String.join("\n", dockerfile.all("RUN"));
        assertThat(allNumbers(run, "--uid")).as("useradd --uid").containsOnly(uid).isNotEmpty();
        assertThat(allNumbers(run, "--gid")).as("groupadd/useradd --gid").containsOnly(gid).isNotEmpty();

        JsonNode pod = single(manifests("Deployment")).at("/spec/template/spec");
        JsonNode container = gatewayContainer();
        assertThat(pod.at("/securityContext/runAsUser").asLong()).isEqualTo(uid);
        assertThat(pod.at("/securityContext/runAsGroup").asLong()).isEqualTo(gid);
        assertThat(pod.at("/securityContext/fsGroup").asLong()).as("fsGroup makes the volume writable").isEqualTo(gid);
        assertThat(container.at("/securityContext/runAsUser").asLong(uid)).isEqualTo(uid);
        assertThat(container.at("/securityContext/runAsGroup").asLong(gid)).isEqualTo(gid);
    }

    @Test
    void theImageAndTheSystemdUnitStartTheJvmWithTheDeployedOptions() {
        List<String> image = List.of(dockerfile().environment().get("JDK_JAVA_OPTIONS").split("\\s+"));
        Matcher execStart = Pattern.compile("(?m)^ExecStart=(.*)$").matcher(read(SYSTEMD_UNIT));
        assertThat(execStart.find()).as("ExecStart").isTrue();
        List<String> unit = List.of(execStart.group(1).split("\\s+"));
        assertThat(image).as("the image's JDK_JAVA_OPTIONS").containsAll(DeployedJvmOptions.OPTIONS);
        assertThat(unit.subList(0, unit.indexOf("-jar"))).as("the unit's JVM options").containsAll(DeployedJvmOptions.OPTIONS);
        assertThat(read(Path.of("README.md"))).as("the README's JVM options").contains(String.join(" ", DeployedJvmOptions.OPTIONS));
    }

    @Test
    void theImageIsTheFatJarOnATemurin17JreReadyForContainers() {
        Dockerfile dockerfile = dockerfile();
        assertThat(dockerfile.only("FROM")).isEqualTo("eclipse-temurin:17-jre");
        String[] copy = dockerfile.only("COPY").split("\\s+");
        assertThat(copy).hasSize(2);
        assertThat(copy[0]).isEqualTo("target/metrics-gateway.jar");
        List<String> entrypoint = jsonArray(dockerfile.only("ENTRYPOINT"), "ENTRYPOINT (exec form)");
        assertThat(entrypoint).containsExactly("java", "-jar", copy[1]);
        assertThat(jsonArray(dockerfile.only("CMD"), "CMD (exec form)")).containsExactly("serve");
        assertThat(dockerfile.only("STOPSIGNAL")).isEqualTo("SIGTERM");

        GatewayConfig image = imageConfig();
        assertThat(image.host()).isEqualTo("0.0.0.0");
        assertThat(jsonArray(dockerfile.only("VOLUME"), "VOLUME")).containsExactly(image.dataDir().toString());
        assertThat(dockerfile.only("WORKDIR")).isEqualTo(image.dataDir().toString());
        assertThat(dockerfile.environment().get("JDK_JAVA_OPTIONS")).contains("-XX:MaxRAMPercentage=").contains("-XX:+ExitOnOutOfMemoryError");
        assertThat(dockerfile.only("HEALTHCHECK")).contains("CMD [");
        assertThat(jsonArray(dockerfile.only("HEALTHCHECK").substring(dockerfile.only("HEALTHCHECK").indexOf("CMD") + 3), "HEALTHCHECK CMD"))
                .isNotEmpty();

        // The Deployment's volumes are where the image expects them.
        JsonNode container = gatewayContainer();
        assertThat(mountedVolume(container, image.dataDir().toString()).has("persistentVolumeClaim")).isTrue();
        assertThat(list(container.path("args"))).extracting(JsonNode::asText).as("args: the image's CMD, no flag overrides").containsExactly("serve");
    }

    // ---------------------------------------------------------------------------------------
    // The pod is locked down, and shuts down within its grace period

    @Test
    void thePodIsASingleLockedDownReplica() {
        JsonNode deployment = single(manifests("Deployment"));
        assertThat(deployment.at("/spec/replicas").asInt()).as("aggregation state is in memory").isEqualTo(1);
        assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("Recreate");
        JsonNode pod = deployment.at("/spec/template/spec");
        assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");

        JsonNode container = gatewayContainer();
        JsonNode security = container.path("securityContext");
        assertThat(security.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(security.path("allowPrivilegeEscalation").isBoolean()).isTrue();
        assertThat(security.path("allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(list(security.at("/capabilities/drop"))).extracting(JsonNode::asText).containsExactly("ALL");
        assertThat(security.path("capabilities").has("add")).isFalse();
        assertThat(security.at("/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
        assertThat(security.path("privileged").asBoolean(false)).isFalse();
        // A read-only root needs a writable /tmp (JVM perf data, Vert.x file cache).
        assertThat(mountedVolume(container, "/tmp").has("emptyDir")).as("/tmp is an emptyDir").isTrue();
        assertThat(mountAt(container, "/tmp").path("mountPath").asText()).isEqualTo("/tmp");
        assertThat(mountAt(container, "/etc/metrics-gateway/gateway.yaml").path("readOnly").asBoolean()).as("config mounted read-only").isTrue();

        for (String kind : List.of("requests", "limits")) {
            assertThat(container.at("/resources/" + kind + "/cpu").asText()).as("resources." + kind + ".cpu").isNotBlank();
            assertThat(container.at("/resources/" + kind + "/memory").asText()).as("resources." + kind + ".memory").isNotBlank();
        }
        assertThat(container.path("image").asText()).isNotBlank();
    }

    @Test
    void shutdownFitsInEveryGracePeriod() {
        GatewayConfig pod = podConfig();
        long podShutdown = pod.shutdownDrainSeconds() + pod.shutdownTimeoutSeconds();
        assertThat(single(manifests("Deployment")).at("/spec/template/spec/terminationGracePeriodSeconds").asLong())
                .as("terminationGracePeriodSeconds > shutdown_drain_seconds + shutdown_timeout_seconds")
                .isGreaterThan(podShutdown);

        GatewayConfig unit = unitConfig();
        Matcher timeoutStop = Pattern.compile("(?m)^TimeoutStopSec=(\\d+)s?$").matcher(read(SYSTEMD_UNIT));
        assertThat(timeoutStop.find()).as("TimeoutStopSec in the unit").isTrue();
        assertThat(Long.parseLong(timeoutStop.group(1))).as("TimeoutStopSec > drain + timeout")
                .isGreaterThan(unit.shutdownDrainSeconds() + unit.shutdownTimeoutSeconds());

        GatewayConfig image = imageConfig();
        Matcher stopTimeout = Pattern.compile("--stop-timeout (\\d+)").matcher(read(DOCKERFILE));
        assertThat(stopTimeout.find()).as("the Dockerfile's docker run example sets --stop-timeout").isTrue();
        assertThat(Long.parseLong(stopTimeout.group(1))).isGreaterThan(image.shutdownDrainSeconds() + image.shutdownTimeoutSeconds());
    }

    @Test
    void secretsReferencedByTheManifestsExist() {
        JsonNode bootstrap = gatewayContainer().path("env").findParent("secretKeyRef");
        assertThat(bootstrap).as("the bootstrap key comes from a Secret").isNotNull();
        assertThat(secretValue(bootstrap.at("/secretKeyRef/name").asText(), bootstrap.at("/secretKeyRef/key").asText())).isPresent();
        for (JsonNode authorization : scrapeAuthorizations()) {
            assertThat(secretValue(authorization.at("/credentials/name").asText(), authorization.at("/credentials/key").asText()))
                    .as("Secret " + authorization.at("/credentials/name").asText()).isPresent();
        }
    }

    @Test
    void theBootstrapKeyPlaceholderCanNeverBecomeAWorkingAdminKey(@TempDir Path dataDir) {
        JsonNode reference = gatewayContainer().path("env").findParent("secretKeyRef").path("secretKeyRef");
        String placeholder = secretValue(reference.path("name").asText(), reference.path("key").asText()).orElseThrow();
        ServiceAccountStore store = new ServiceAccountStore(dataDir);
        assertThatThrownBy(() -> store.createWithKey("admin", "bootstrap", EnumSet.of(Role.ADMIN), placeholder))
                .as("the gateway refuses the unedited placeholder as METRICS_GATEWAY_BOOTSTRAP_KEY")
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(read(KUBERNETES.resolve("secret-bootstrap-key.yaml"))).as("says how to make a key").contains("openssl rand -hex 32");
    }

    // ---------------------------------------------------------------------------------------
    // External validators

    /**
     * {@code systemd-analyze verify} must print nothing about the unit, except what only says that
     * this machine is not the target: {@code /usr/bin/java} or the {@code metrics-gateway} user
     * missing. Everything else it says about the unit (unknown keys, bad values) fails the test.
     */
    @Test
    void theSystemdUnitPassesSystemdAnalyzeVerify() throws IOException {
        Optional<Path> systemdAnalyze = onPath("systemd-analyze");
        ExternalTool.require(systemdAnalyze.isPresent(), "systemd-analyze", "apt-get install -y systemd");
        ExternalTool.Result result = ExternalTool.run(
                List.of(systemdAnalyze.orElseThrow().toString(), "verify", SYSTEMD_UNIT.toAbsolutePath().toString()), new byte[0]);
        String unitName = SYSTEMD_UNIT.getFileName().toString();
        // Matched against what follows the unit's name (and line number), never against the
        // path, which could itself contain "user".
        List<Pattern> environmentOnly = List.of(
                Pattern.compile("^Command /usr/bin/java is not executable: No such file or directory$"),
                Pattern.compile("(?i)\\b(user|group)\\b.*\\bmetrics-gateway\\b.*(not found|no such|does not exist|unknown|failed to resolve)"),
                Pattern.compile("(?i)(failed to resolve|unknown) (user|group)\\b.*\\bmetrics-gateway\\b"));
        List<String> tolerated = new ArrayList<>();
        List<String> complaints = new ArrayList<>();
        for (String line : (result.stdout() + "\n" + result.stderr()).split("\n")) {
            if (!line.contains(unitName)) {
                continue;
            }
            String message = line.substring(line.indexOf(unitName) + unitName.length()).replaceFirst("^(:\\d+)?:", "").strip();
            if (environmentOnly.stream().anyMatch(pattern -> pattern.matcher(message).find())) {
                tolerated.add(line);
            } else {
                complaints.add(line);
            }
        }
        if (!tolerated.isEmpty()) {
            System.err.println("systemd-analyze verify: tolerated, this machine is not the target: " + tolerated);
        }
        assertThat(complaints).as("systemd-analyze verify about " + unitName + "\n" + result.stderr()).isEmpty();
        if (result.exitCode() != 0) {
            assertThat(tolerated).as("systemd-analyze verify exited " + result.exitCode() + " without a tolerated reason:\n"
                    + result.stdout() + result.stderr()).isNotEmpty();
        }
    }

    /** Optional: {@code kubectl kustomize} renders both kustomizations (skipped without kubectl). */
    @Test
    void kustomizeRendersBothKustomizationsWhenKubectlIsAvailable() throws IOException {
        Optional<Path> kubectl = onPath("kubectl")
                .filter(path -> runs(List.of(path.toString(), "version", "--client")));
        if (kubectl.isEmpty()) {
            System.err.println("kubectl is not on the PATH (or does not run): kustomize rendering not checked (optional)");
        }
        Assumptions.assumeTrue(kubectl.isPresent(), "kubectl is not on the PATH (optional check)");
        Map<Path, Set<String>> expectedKinds = Map.of(
                KUBERNETES, Set.of("ConfigMap", "Secret", "PersistentVolumeClaim", "Deployment", "Service"),
                KUBERNETES.resolve("prometheus-operator"), Set.of("Secret", "ServiceMonitor"));
        for (Map.Entry<Path, Set<String>> entry : expectedKinds.entrySet()) {
            ExternalTool.Result result = ExternalTool.run(List.of(kubectl.orElseThrow().toString(), "kustomize", entry.getKey().toString()), new byte[0]);
            assertThat(result.exitCode()).as("kubectl kustomize " + entry.getKey() + ": " + result.stderr()).isZero();
            Set<String> kinds = new TreeSet<>();
            for (JsonNode document : documents(result.stdout(), entry.getKey().toString())) {
                kinds.add(document.path("kind").asText());
            }
            assertThat(kinds).as("kinds rendered from " + entry.getKey()).isEqualTo(entry.getValue());
        }
    }

    // ---------------------------------------------------------------------------------------
    // The cluster (deploy/kubernetes-cluster): a StatefulSet whose member list names its pods

    private static final Path KUBERNETES_CLUSTER = DEPLOY.resolve("kubernetes-cluster");

    private static List<JsonNode> clusterManifests(String kind) {
        return yamlFiles(KUBERNETES_CLUSTER).stream()
                .flatMap(file -> documents(file).stream())
                .filter(document -> document.path("kind").asText().equals(kind))
                .toList();
    }

    private static JsonNode clusterContainer() {
        return single(list(single(clusterManifests("StatefulSet")).at("/spec/template/spec/containers")));
    }

    /** A member's config as its pod would load it: the ConfigMap's file, the image's and the pod's variables. */
    private static GatewayConfig clusterMemberConfig(int ordinal, String podIp) {
        JsonNode statefulSet = single(clusterManifests("StatefulSet"));
        Map<String, String> env = new HashMap<>(dockerfile().environment());
        for (JsonNode variable : list(clusterContainer().path("env"))) {
            String name = variable.path("name").asText();
            if (variable.has("value")) {
                env.put(name, variable.path("value").asText());
            } else if (variable.at("/valueFrom/fieldRef/fieldPath").asText().equals("status.podIP")) {
                env.put(name, podIp);
            } else if (variable.at("/valueFrom/fieldRef/fieldPath").asText().equals("metadata.name")) {
                env.put(name, statefulSet.at("/metadata/name").asText() + "-" + ordinal);
            } else {
                JsonNode reference = variable.at("/valueFrom/secretKeyRef");
                env.put(name, secretValue(reference.path("name").asText(), reference.path("key").asText())
                        .orElseGet(() -> fail(name + ": no Secret " + reference + " in " + KUBERNETES)));
            }
        }
        JsonNode configMap = single(clusterManifests("ConfigMap"));
        String configFile = env.get(ConfigLoader.CONFIG_FILE_ENV);
        assertThat(configFile).as(ConfigLoader.CONFIG_FILE_ENV).endsWith("/" + "gateway.yaml");
        JsonNode mount = list(clusterContainer().path("volumeMounts")).stream()
                .filter(m -> configFile.startsWith(m.path("mountPath").asText() + "/")).findFirst()
                .orElseGet(() -> fail(configFile + " is not mounted"));
        JsonNode volume = list(statefulSet.at("/spec/template/spec/volumes")).stream()
                .filter(v -> v.path("name").asText().equals(mount.path("name").asText())).findFirst()
                .orElseGet(() -> fail("no volume " + mount.path("name").asText()));
        assertThat(volume.at("/configMap/name").asText()).isEqualTo(configMap.at("/metadata/name").asText());
        return loadConfig(configMap.at("/data/gateway.yaml").asText(), env);
    }

    @Test
    void theClusterKustomizationListsExactlyTheManifestsBesideIt() {
        JsonNode root = single(documents(KUBERNETES_CLUSTER.resolve("kustomization.yaml")));
        Set<Path> listed = new TreeSet<>();
        root.path("resources").forEach(resource -> listed.add(KUBERNETES_CLUSTER.resolve(resource.asText()).normalize()));
        Set<Path> beside = yamlFiles(KUBERNETES_CLUSTER).stream()
                .filter(file -> !file.getFileName().toString().equals("kustomization.yaml"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(listed).isEqualTo(beside);
    }

    @Test
    void theClusterMemberListNamesEveryPodOfTheStatefulSetThroughItsHeadlessService() {
        JsonNode statefulSet = single(clusterManifests("StatefulSet"));
        int replicas = statefulSet.at("/spec/replicas").asInt();
        assertThat(replicas).as("a cluster that survives one member's loss").isGreaterThanOrEqualTo(3);
        JsonNode headless = clusterManifests("Service").stream()
                .filter(service -> service.at("/metadata/name").asText().equals(statefulSet.at("/spec/serviceName").asText()))
                .findFirst().orElseGet(() -> fail("no Service named by the StatefulSet's serviceName"));
        assertThat(headless.at("/spec/clusterIP").asText()).as("the members' Service is headless").isEqualTo("None");
        assertThat(headless.at("/spec/publishNotReadyAddresses").asBoolean()).as("members find each other before ready").isTrue();

        GatewayConfig member = clusterMemberConfig(1, "10.1.2.3");
        assertThat(member.cluster().enabled()).isTrue();
        List<String> expected = new ArrayList<>();
        for (int ordinal = 0; ordinal < replicas; ordinal++) {
            expected.add(statefulSet.at("/metadata/name").asText() + "-" + ordinal + "." + headless.at("/metadata/name").asText()
                    + ":" + member.cluster().port());
        }
        assertThat(member.cluster().members()).containsExactlyElementsOf(expected);
        assertThat(member.cluster().host()).as("cluster_host is the pod's IP").isEqualTo("10.1.2.3");
        assertThat(member.cluster().memberName()).as("a member's name is its pod's, stable across restarts")
                .isEqualTo(statefulSet.at("/metadata/name").asText() + "-1");
        assertThat(member.cluster().multicast()).isFalse();
        assertThat(clusterMemberConfig(2, "10.1.2.4").cluster().memberName()).isNotEqualTo(member.cluster().memberName());
    }

    @Test
    void theClusterPortsAgreeAcrossConfigContainerAndServices() {
        GatewayConfig member = clusterMemberConfig(0, "10.1.2.3");
        JsonNode container = clusterContainer();
        Map<String, Integer> expected = Map.of("http", member.port(), "hazelcast", member.cluster().port(), "eventbus", member.cluster().busPort());
        expected.forEach((name, port) -> assertThat(containerPort(container, JSON.getNodeFactory().textNode(name)))
                .as("containerPort " + name).isEqualTo(port));
        for (JsonNode service : clusterManifests("Service")) {
            for (JsonNode servicePort : list(service.at("/spec/ports"))) {
                assertThat(containerPort(container, servicePort.path("targetPort")))
                        .as(service.at("/metadata/name").asText() + " port " + servicePort.path("name").asText())
                        .isEqualTo(expected.get(servicePort.path("name").asText()));
            }
            assertContains(single(clusterManifests("StatefulSet")).at("/spec/template/metadata/labels"), service.at("/spec/selector"),
                    service.at("/metadata/name").asText() + " selector");
        }
        assertThat(member.host()).isEqualTo("0.0.0.0");
        assertThat(single(clusterManifests("StatefulSet")).at("/spec/template/spec/enableServiceLinks").asBoolean(true)).isFalse();
    }

    @Test
    void everyClusterMemberHasItsOwnDataVolumeAndShutsDownWithinItsGracePeriod() {
        JsonNode statefulSet = single(clusterManifests("StatefulSet"));
        GatewayConfig member = clusterMemberConfig(0, "10.1.2.3");
        JsonNode dataMount = list(clusterContainer().path("volumeMounts")).stream()
                .filter(mount -> mount.path("mountPath").asText().equals(member.dataDir().toString())).findFirst()
                .orElseGet(() -> fail("data_dir " + member.dataDir() + " is not mounted"));
        assertThat(list(statefulSet.at("/spec/volumeClaimTemplates")))
                .extracting(template -> template.at("/metadata/name").asText()).contains(dataMount.path("name").asText());
        assertThat(statefulSet.at("/spec/template/spec/terminationGracePeriodSeconds").asLong())
                .isGreaterThan(member.shutdownDrainSeconds() + member.shutdownTimeoutSeconds());
        assertThat(member.cluster().scrapeTimeoutMillis()).as("within Prometheus' default scrape_timeout").isLessThan(10_000);
    }

    // =======================================================================================
    // Reading the files

    private static List<Path> yamlFiles(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(DeployManifestsTest::isYaml).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isYaml(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<JsonNode> documents(Path file) {
        return documents(read(file), file.toString());
    }

    /** The non-empty documents of a multi-document YAML text. */
    private static List<JsonNode> documents(String yaml, String name) {
        try (JsonParser parser = YAML.getFactory().createParser(yaml)) {
            List<JsonNode> documents = new ArrayList<>();
            for (JsonNode document : YAML.readValues(parser, JsonNode.class).readAll()) {
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    documents.add(document);
                }
            }
            return documents;
        } catch (IOException e) {
            return fail(name + ": not valid YAML: " + e.getMessage());
        }
    }

    private static JsonNode parseYaml(String yaml) {
        return single(documents(yaml, "embedded YAML"));
    }

    /** Every Kubernetes object under deploy/kubernetes of this kind. */
    private static List<JsonNode> manifests(String kind) {
        return yamlFiles(KUBERNETES).stream()
                .flatMap(file -> documents(file).stream())
                .filter(document -> document.path("kind").asText().equals(kind))
                .toList();
    }

    private static <T> T single(List<T> items) {
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    private static List<String> jsonArray(String text, String what) {
        try {
            JsonNode array = JSON.readTree(text.strip());
            assertThat(array.isArray()).as(what + " is a JSON array").isTrue();
            List<String> items = new ArrayList<>();
            array.forEach(item -> items.add(item.asText()));
            return items;
        } catch (IOException e) {
            return fail(what + ": not a JSON array: " + text);
        }
    }

    private static List<Long> allNumbers(String text, String option) {
        List<Long> numbers = new ArrayList<>();
        Matcher matcher = Pattern.compile(Pattern.quote(option) + "[ =](\\d+)").matcher(text);
        while (matcher.find()) {
            numbers.add(Long.parseLong(matcher.group(1)));
        }
        return numbers;
    }

    private static void assertContains(JsonNode labels, JsonNode selector, String what) {
        assertThat(selector.isObject() && !selector.isEmpty()).as(what + " is set").isTrue();
        for (Map.Entry<String, JsonNode> entry : selector.properties()) {
            assertThat(labels.path(entry.getKey()).asText(null)).as(what + " " + entry.getKey()).isEqualTo(entry.getValue().asText());
        }
    }

    private static boolean runs(List<String> command) {
        try {
            return ExternalTool.run(command, new byte[0]).exitCode() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<Path> onPath(String command) {
        for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(directory, command);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------------------------------
    // The OpenAPI spec

    private static JsonNode specGet(String path) {
        JsonNode spec = single(documents(SPEC_FILE));
        JsonNode operation = spec.path("paths").path(path).path("get");
        assertThat(operation.isObject()).as("GET " + path + " is in " + SPEC_FILE).isTrue();
        return operation;
    }

    private static void assertPathNeedsNoKey(String path, String where) {
        JsonNode security = specGet(path).get("security");
        assertThat(security).as(where + ": GET " + path + " declares its security").isNotNull();
        assertThat(security.isArray() && security.isEmpty()).as(where + ": GET " + path + " needs no key (security: [])").isTrue();
    }

    private static void assertScrapePath(String path, String where) {
        JsonNode security = specGet(path).path("security");
        List<String> roles = new ArrayList<>();
        security.forEach(requirement -> requirement.path("TectonKey").forEach(role -> roles.add(role.asText())));
        assertThat(roles).as(where + ": GET " + path + " is readable with a " + SCRAPE_ROLE + " key").contains(SCRAPE_ROLE);
    }

    private static void assertTectonKeyAuthorization(JsonNode authorization, String where) {
        assertThat(authorization.path("type").asText()).as(where + ": authorization.type").isEqualToIgnoringCase("Tecton-key");
        assertThat(authorization.at("/credentials/name").asText()).as(where + ": credentials.name").isNotBlank();
        assertThat(authorization.at("/credentials/key").asText()).as(where + ": credentials.key").isNotBlank();
    }

    // ---------------------------------------------------------------------------------------
    // The Deployment and what it mounts

    private static JsonNode gatewayContainer() {
        return single(list(single(manifests("Deployment")).at("/spec/template/spec/containers")));
    }

    /** The number of a container port given by name or number. */
    private static int containerPort(JsonNode container, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        return list(container.path("ports")).stream()
                .filter(p -> p.path("name").asText().equals(port.asText()))
                .map(p -> p.path("containerPort").asInt())
                .findFirst()
                .orElseGet(() -> fail("no container port named " + port));
    }

    /** The volume mount that holds {@code path}, the longest mountPath that contains it. */
    private static JsonNode mountAt(JsonNode container, String path) {
        Path target = Path.of(path);
        return list(container.path("volumeMounts")).stream()
                .filter(mount -> target.startsWith(Path.of(mount.path("mountPath").asText())))
                .max((a, b) -> Integer.compare(a.path("mountPath").asText().length(), b.path("mountPath").asText().length()))
                .orElseGet(() -> fail(path + " is on no volume mount (and the root filesystem is read-only)"));
    }

    private static JsonNode mountedVolume(JsonNode container, String path) {
        String name = mountAt(container, path).path("name").asText();
        return list(single(manifests("Deployment")).at("/spec/template/spec/volumes")).stream()
                .filter(volume -> volume.path("name").asText().equals(name))
                .findFirst()
                .orElseGet(() -> fail("no volume named " + name));
    }

    /** The ConfigMap key mounted at {@code path}, after checking that the ConfigMap has it. */
    private static String configMapKeyAt(JsonNode container, String path) {
        JsonNode mount = mountAt(container, path);
        assertThat(mount.has("subPath")).isFalse();
        JsonNode volume = mountedVolume(container, path);
        assertThat(volume.has("configMap")).as(path + " is on a ConfigMap volume").isTrue();
        String relative = Path.of(mount.path("mountPath").asText()).relativize(Path.of(path)).toString();
        String key = relative;
        for (JsonNode item : list(volume.at("/configMap/items"))) {
            if (item.path("path").asText().equals(relative)) {
                key = item.path("key").asText();
            }
        }
        String name = volume.at("/configMap/name").asText();
        JsonNode configMap = single(manifests("ConfigMap").stream().filter(c -> c.at("/metadata/name").asText().equals(name)).toList());
        assertThat(configMap.path("data").has(key)).as("ConfigMap " + name + " has " + key).isTrue();
        return key;
    }

    private static String configMapData(String key) {
        JsonNode value = single(manifests("ConfigMap")).path("data").path(key);
        assertThat(value.isTextual()).as("ConfigMap data " + key).isTrue();
        return value.asText();
    }

    private static Optional<String> secretValue(String name, String key) {
        for (JsonNode secret : manifests("Secret")) {
            if (secret.at("/metadata/name").asText().equals(name)) {
                if (secret.path("stringData").has(key)) {
                    return Optional.of(secret.path("stringData").path(key).asText());
                }
                if (secret.path("data").has(key)) {
                    return Optional.of(new String(Base64.getDecoder().decode(secret.path("data").path(key).asText()), StandardCharsets.UTF_8));
                }
            }
        }
        return Optional.empty();
    }

    private static List<JsonNode> scrapeAuthorizations() {
        List<JsonNode> authorizations = new ArrayList<>();
        manifests("ServiceMonitor").forEach(monitor -> monitor.at("/spec/endpoints").forEach(endpoint -> authorizations.add(endpoint.path("authorization"))));
        manifests("ScrapeConfig").forEach(scrapeConfig -> authorizations.add(scrapeConfig.at("/spec/authorization")));
        return authorizations;
    }

    // ---------------------------------------------------------------------------------------
    // Effective configurations, as the gateway would compute them

    /** The pod's environment: the image's ENV, then the Deployment's env (which wins). */
    private static Map<String, String> podEnvironment() {
        Map<String, String> env = new HashMap<>(dockerfile().environment());
        for (JsonNode variable : list(gatewayContainer().path("env"))) {
            String name = variable.path("name").asText();
            if (variable.has("value")) {
                env.put(name, variable.path("value").asText());
            } else {
                JsonNode reference = variable.at("/valueFrom/secretKeyRef");
                env.put(name, secretValue(reference.path("name").asText(), reference.path("key").asText())
                        .orElseGet(() -> fail(name + ": no Secret " + reference)));
            }
        }
        return env;
    }

    /** The config the pod's gateway runs with: the ConfigMap's gateway.yaml under the pod's environment. */
    private static GatewayConfig podConfig() {
        return loadConfig(configMapData("gateway.yaml"), podEnvironment());
    }

    /** The config of a plain {@code docker run} of the image: its ENV, no config file. */
    private static GatewayConfig imageConfig() {
        Map<String, String> env = dockerfile().environment();
        return ConfigLoader.load(null, env::get, Map.of());
    }

    /** The unit's config: its Environment= lines; the config file it names is the operator's, not shipped. */
    private static GatewayConfig unitConfig() {
        Map<String, String> env = new HashMap<>();
        Matcher matcher = Pattern.compile("(?m)^Environment=(.*)$").matcher(read(SYSTEMD_UNIT));
        while (matcher.find()) {
            for (String assignment : words(matcher.group(1))) {
                int equals = assignment.indexOf('=');
                env.put(assignment.substring(0, equals), assignment.substring(equals + 1));
            }
        }
        assertThat(env).containsKey(ConfigLoader.CONFIG_FILE_ENV);
        env.remove(ConfigLoader.CONFIG_FILE_ENV);
        return ConfigLoader.load(null, env::get, Map.of());
    }

    private static GatewayConfig loadConfig(String gatewayYaml, Map<String, String> env) {
        try {
            Path file = Files.createTempFile("gateway", ".yaml");
            try {
                Files.writeString(file, gatewayYaml);
                return ConfigLoader.load(file, env::get, Map.of());
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ConfigKey configKey(String yamlKey) {
        for (ConfigKey key : ConfigKey.values()) {
            if (key.yamlKey().equals(yamlKey)) {
                return key;
            }
        }
        return fail("gateway.yaml: unknown key " + yamlKey);
    }

    // ---------------------------------------------------------------------------------------
    // The Dockerfile, read as Docker reads it (continuations joined, comment lines dropped)

    private static Dockerfile dockerfile() {
        return Dockerfile.parse(read(DOCKERFILE));
    }

    private record Instruction(String keyword, String arguments) {
    }

    private record Dockerfile(List<Instruction> instructions) {

        static Dockerfile parse(String text) {
            List<Instruction> instructions = new ArrayList<>();
            StringBuilder current = null;
            for (String raw : text.split("\n")) {
                String line = raw.strip();
                if (line.startsWith("#") || (current == null && line.isEmpty())) {
                    continue;
                }
                boolean continues = line.endsWith("\\");
                String part = continues ? line.substring(0, line.length() - 1).strip() : line;
                current = current == null ? new StringBuilder(part) : current.append(' ').append(part);
                if (!continues) {
                    String instruction = current.toString().strip();
                    int space = instruction.indexOf(' ');
                    instructions.add(new Instruction(instruction.substring(0, space).toUpperCase(Locale.ROOT), instruction.substring(space + 1).strip()));
                    current = null;
                }
            }
            assertThat(current).as("Dockerfile ends inside a continuation").isNull();
            return new Dockerfile(instructions);
        }

        List<String> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
        }

        String only(String keyword) {
            List<String> all = all(keyword);
            assertThat(all).as("Dockerfile " + keyword + " instructions").hasSize(1);
            return all.get(0);
        }

        /** Every ENV variable, in the {@code ENV KEY=value ...} form. */
        Map<String, String> environment() {
            Map<String, String> env = new LinkedHashMap<>();
            for (String arguments : all("ENV")) {
                for (String assignment : words(arguments)) {
                    int equals = assignment.indexOf('=');
                    assertThat(equals).as("ENV " + assignment + " uses the KEY=value form").isPositive();
                    env.put(assignment.substring(0, equals), assignment.substring(equals + 1));
                }
            }
            return env;
        }
    }

    /** Splits on blanks outside double quotes and drops the quotes, as Docker's ENV and systemd's Environment= do. */
    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (any) {
                    words.add(word.toString());
                    word.setLength(0);
                    any = false;
                }
            } else {
                word.append(c);
                any = true;
            }
        }
        if (any) {
            words.add(word.toString());
        }
        assertThat(quoted).as("unbalanced quotes in " + text).isFalse();
        return words;
    }

    private static String dockerHealthCheckPath() {
        Matcher matcher = Pattern.compile("http://127\\.0\\.0\\.1:[^/]+(/[A-Za-z0-9/_.-]*)").matcher(dockerfile().only("HEALTHCHECK"));
        assertThat(matcher.find()).as("HEALTHCHECK requests a path on 127.0.0.1").isTrue();
        return matcher.group(1);
    }
}
