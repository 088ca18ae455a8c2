package org.veil.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.veil.TempTree;

/**
 * The Helm chart, linted and rendered by Helm itself (helm-java), every object parsed into
 * fabric8's typed model with no field it does not know, and what must hold in production
 * asserted, for several value combinations; and k8s/, which must be what the chart renders.
 */
class HelmChartTest {
    static final Path CHART = Path.of("helm", "veil");
    static final Path K8S = Path.of("k8s");

    @Test
    void theChartLintsClean() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void defaults() throws Exception {
        List<HasMetadata> objects = render(Map.of());
        assertProductionRules(objects);
        assertThat(kinds(objects)).contains("Deployment", "Service", "Ingress", "HorizontalPodAutoscaler",
                "PodDisruptionBudget", "NetworkPolicy", "ServiceAccount");
        Deployment veil = only(objects, Deployment.class);
        assertThat(veil.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        assertThat(env(veil, "VEIL_STORAGE_BACKEND")).isEqualTo("s3");
        // Each pod migrates in its init container, then starts without migrating.
        assertThat(env(veil, "QUARKUS_FLYWAY_MIGRATE_AT_START")).isEqualTo("false");
        assertThat(veil.getSpec().getTemplate().getSpec().getInitContainers()).singleElement()
                .satisfies(c -> assertThat(c.getEnv()).contains(new EnvVar("QUARKUS_INIT_AND_EXIT", "true", null),
                        new EnvVar("QUARKUS_FLYWAY_MIGRATE_AT_START", "true", null)));
        // Every replica drains for shutdownTimeoutSeconds, and gets 15 s more from Kubernetes.
        assertThat(env(veil, "VEIL_SHUTDOWN_TIMEOUT")).isEqualTo("60s");
        // A pool per replica small enough that 6 replicas and one surging stay within PostgreSQL's 100.
        assertThat(env(veil, "QUARKUS_DATASOURCE_JDBC_MAX_SIZE")).isEqualTo("12");
        assertThat(veil.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(75L);
        // Behind the ingress, its forwarding headers are believed, and only from the pod network (BehindProxyTest).
        assertThat(env(veil, "QUARKUS_HTTP_PROXY_PROXY_ADDRESS_FORWARDING")).isEqualTo("true");
        assertThat(env(veil, "QUARKUS_HTTP_PROXY_ALLOW_X_FORWARDED")).isEqualTo("true");
        assertThat(env(veil, "QUARKUS_HTTP_PROXY_ENABLE_FORWARDED_HOST")).isEqualTo("true");
        assertThat(env(veil, "QUARKUS_HTTP_PROXY_TRUSTED_PROXIES")).isEqualTo("10.0.0.0/8");
        Ingress ingress = only(objects, Ingress.class);
        // TLS by default, with the certificate in the veil-tls Secret.
        assertThat(ingress.getSpec().getTls()).singleElement().satisfies(t -> assertThat(t.getSecretName()).isEqualTo("veil-tls"));
        assertThat(ingress.getMetadata().getAnnotations()).containsEntry("nginx.ingress.kubernetes.io/proxy-body-size", "0");
        NetworkPolicy policy = only(objects, NetworkPolicy.class);
        assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(policy.getSpec().getEgress()).hasSize(4); // DNS, PostgreSQL, S3, Keycloak
        // No chart Secret by default: the database and de-identification Secrets exist beforehand.
        assertThat(ofKind(objects, Secret.class)).isEmpty();
        assertThat(objects.stream().filter(o -> o instanceof ServiceMonitor)).isEmpty();
    }

    @Test
    void s3WithStaticKeysAndAnEndpoint() throws Exception {
        List<HasMetadata> objects = render(Map.of("storage.s3.endpoint", "https://minio.hospital.example",
                "storage.s3.existingSecret", "veil-s3", "storage.s3.pathStyle", "true", "storage.s3.prefix", "veil/"));
        assertProductionRules(objects);
        Deployment veil = only(objects, Deployment.class);
        assertThat(env(veil, "VEIL_STORAGE_S3_ENDPOINT")).isEqualTo("https://minio.hospital.example");
        assertThat(env(veil, "VEIL_STORAGE_S3_SECRET_ACCESS_KEY_FILE")).isEqualTo("/var/run/secrets/veil/s3-secret-access-key");
        assertThat(veil.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> assertThat(v.getProjected()).isNotNull()
                .satisfies(p -> assertThat(p.getSources()).anySatisfy(s -> assertThat(s.getSecret().getName()).isEqualTo("veil-s3"))));
    }

    @Test
    void ohifOnItsOwnHost() throws Exception {
        List<HasMetadata> objects = render(Map.of("ohif.enabled", "true", "ohif.host", "viewer.hospital.example",
                "imagePullSecrets[0].name", "registry-pull"));
        assertProductionRules(objects);
        List<Deployment> deployments = ofKind(objects, Deployment.class);
        assertThat(deployments).hasSize(2);
        Deployment veil = deployments.stream().filter(d -> d.getMetadata().getName().equals("veil")).findFirst().orElseThrow();
        Deployment ohif = named(deployments, "veil-ohif");
        // Both carry the release's name and instance labels: Veil's Service, budget, policy and
        // Deployment must still select Veil's pods only, and OHIF's only OHIF's.
        Map<String, String> veilPod = veil.getSpec().getTemplate().getMetadata().getLabels();
        Map<String, String> ohifPod = ohif.getSpec().getTemplate().getMetadata().getLabels();
        List<LabelSelector> veilSelectors = List.of(selector(named(ofKind(objects, Service.class), "veil")), veil.getSpec().getSelector(),
                only(objects, PodDisruptionBudget.class).getSpec().getSelector(),
                named(ofKind(objects, NetworkPolicy.class), "veil").getSpec().getPodSelector());
        List<LabelSelector> ohifSelectors = List.of(selector(named(ofKind(objects, Service.class), "veil-ohif")), ohif.getSpec().getSelector(),
                named(ofKind(objects, NetworkPolicy.class), "veil-ohif").getSpec().getPodSelector());
        for (LabelSelector s : veilSelectors) {
            assertThat(selects(s, veilPod)).as("Veil's %s, Veil's pods", s).isTrue();
            assertThat(selects(s, ohifPod)).as("Veil's %s, OHIF's pods", s).isFalse();
        }
        for (LabelSelector s : ohifSelectors) {
            assertThat(selects(s, ohifPod)).as("OHIF's %s, OHIF's pods", s).isTrue();
            assertThat(selects(s, veilPod)).as("OHIF's %s, Veil's pods", s).isFalse();
        }
        assertThat(ohif.getSpec().getTemplate().getSpec().getImagePullSecrets()).extracting(LocalObjectReference::getName)
                .containsExactly("registry-pull");
        assertThat(env(veil, "QUARKUS_HTTP_CORS_ENABLED")).isEqualTo("true");
        assertThat(env(veil, "QUARKUS_HTTP_CORS_ORIGINS")).isEqualTo("https://viewer.hospital.example");
        assertThat(ofKind(objects, Ingress.class)).hasSize(2);
        String appConfig = objects.stream().filter(o -> o instanceof io.fabric8.kubernetes.api.model.ConfigMap)
                .map(o -> ((io.fabric8.kubernetes.api.model.ConfigMap) o).getData().get("app-config.js")).findFirst().orElseThrow();
        assertThat(appConfig).contains("qidoRoot: 'https://veil.example.org/dicomweb'").contains("scope: 'openid purpose:consultation'")
                .contains("window.__filename")
                .as("tokens in the page's memory, not in sessionStorage, as Veil's own viewer keeps them").contains("userStore: (function ()");
    }

    @Test
    void ingressWithTlsMonitoringAndTheRealm() throws Exception {
        List<HasMetadata> objects = render(Map.of("ingress.tls.enabled", "true", "ingress.tls.secretName", "veil-cert",
                "serviceMonitor.enabled", "true", "keycloakRealm.enabled", "true", "demo", "true", "migration.mode", "job"));
        assertProductionRules(objects);
        Ingress ingress = only(objects, Ingress.class);
        assertThat(ingress.getSpec().getTls()).singleElement().satisfies(t -> {
            assertThat(t.getSecretName()).isEqualTo("veil-cert");
            assertThat(t.getHosts()).containsExactly("veil.example.org");
        });
        ServiceMonitor monitor = only(objects, ServiceMonitor.class);
        assertThat(monitor.getSpec().getEndpoints()).singleElement().satisfies(e -> assertThat(e.getPath()).isEqualTo("/q/metrics"));
        // Prometheus may reach the management port; nothing else new.
        assertThat(only(objects, NetworkPolicy.class).getSpec().getIngress()).hasSize(2);
        String realm = objects.stream().filter(o -> o instanceof io.fabric8.kubernetes.api.model.ConfigMap)
                .map(o -> ((io.fabric8.kubernetes.api.model.ConfigMap) o).getData().get("veil-realm.json")).findFirst().orElseThrow();
        assertThat(realm).isEqualTo(Files.readString(CHART.resolve("files/veil-realm.json")).stripTrailing());
        // With a migration job (a Helm hook, so not in the rendered manifest) pods do not migrate.
        Deployment veil = only(objects, Deployment.class);
        assertThat(veil.getSpec().getTemplate().getSpec().getInitContainers()).isNullOrEmpty();
        assertThat(env(veil, "QUARKUS_FLYWAY_MIGRATE_AT_START")).isEqualTo("false");
    }

    @Test
    void oneReplicaOnAVolumeWithTheChartsOwnSecret() throws Exception {
        List<HasMetadata> objects = render(Map.of("storage.backend", "file", "replicaCount", "1", "autoscaling.enabled", "false",
                "database.existingSecret", "", "database.password", "db-pass", "deid.existingSecret", "",
                "deid.secret", "a-de-identification-secret-of-40-chars!!", "audit.existingSecret", "",
                "audit.secret", "an-audit-chain-secret-of-some-40-chars!!"));
        assertProductionRules(objects);
        Deployment veil = only(objects, Deployment.class);
        assertThat(veil.getSpec().getReplicas()).isEqualTo(1);
        assertThat(veil.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        // No budget over the only pod: it would block every node drain.
        assertThat(kinds(objects)).contains("PersistentVolumeClaim").doesNotContain("HorizontalPodAutoscaler", "PodDisruptionBudget");
        Secret secret = only(objects, Secret.class);
        assertThat(secret.getData()).containsOnlyKeys("password", "deid-secret", "audit-secret");
    }

    @Test
    void noBudgetWhereOnePodMayBeAllThereIs() throws Exception {
        for (Map<String, String> values : List.of(Map.of("replicaCount", "1", "autoscaling.enabled", "false"),
                Map.of("autoscaling.minReplicas", "1"))) {
            List<HasMetadata> objects = render(values);
            assertProductionRules(objects);
            assertThat(kinds(objects)).as(values.toString()).doesNotContain("PodDisruptionBudget");
        }
        assertThat(kinds(render(Map.of("replicaCount", "3", "autoscaling.enabled", "false")))).contains("PodDisruptionBudget");
    }

    @Test
    void theMigrationJobNeedsNothingTheReleaseCreates() throws Exception {
        List<HasMetadata> objects = renderWithHooks(Map.of("migration.mode", "job", "imagePullSecrets[0].name", "registry-pull"));
        assertProductionRules(objects);
        Job job = only(objects, Job.class);
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        // The chart's ServiceAccount is no hook: at pre-install it does not exist yet.
        assertThat(pod.getServiceAccountName()).isEqualTo("default").isNotEqualTo(only(objects, ServiceAccount.class).getMetadata().getName());
        assertThat(pod.getImagePullSecrets()).extracting(LocalObjectReference::getName).containsExactly("registry-pull");
        // Its pod is under Veil's network policy (it reaches PostgreSQL), never behind Veil's Service.
        Map<String, String> labels = job.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(selects(only(objects, NetworkPolicy.class).getSpec().getPodSelector(), labels)).isTrue();
        assertThat(selects(selector(only(objects, Service.class)), labels)).isFalse();
        assertThat(selects(only(objects, Deployment.class).getSpec().getSelector(), labels)).isFalse();
    }

    @Test
    void siteEgressRulesAreAppended() throws Exception {
        Path values = Files.createTempFile("veil-values", ".yaml");
        List<HasMetadata> objects;
        try {
            Files.writeString(values, """
                    networkPolicy:
                      extraEgress:
                        - to: [{ipBlock: {cidr: 192.0.2.10/32}}]
                          ports: [{port: 514, protocol: TCP}]
                    """);
            objects = KubernetesObjects.parse(renderText(values, Map.of()));
        } finally {
            Files.delete(values);
        }
        assertProductionRules(objects);
        List<NetworkPolicyEgressRule> egress = only(objects, NetworkPolicy.class).getSpec().getEgress();
        assertThat(egress).hasSize(5); // DNS, PostgreSQL, S3, Keycloak, then the site's syslog
        assertThat(egress.get(4).getTo()).singleElement().satisfies(to -> assertThat(to.getIpBlock().getCidr()).isEqualTo("192.0.2.10/32"));
        assertThat(egress.get(4).getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort().getIntVal()).isEqualTo(514);
            assertThat(p.getProtocol()).isEqualTo("TCP");
        });
    }

    @Test
    void theSchemaRefusesWhatCannotWork() {
        assertThatThrownBy(() -> render(Map.of("storage.backend", "file", "replicaCount", "3", "autoscaling.enabled", "false")))
                .hasMessageContaining("/replicaCount");
        assertThatThrownBy(() -> render(Map.of("storage.backend", "file", "replicaCount", "1")))
                .hasMessageContaining("/autoscaling/enabled");
        assertThatThrownBy(() -> render(Map.of("image.tag", "latest"))).hasMessageContaining("/image/tag");
        assertThatThrownBy(() -> render(Map.of("migration.mode", "sometimes"))).hasMessageContaining("/migration/mode");
        assertThatThrownBy(() -> render(Map.of("deid.existingSecret", "", "deid.secret", "short"))).hasMessageContaining("/deid");
        assertThatThrownBy(() -> render(Map.of("audit.existingSecret", "", "audit.secret", "short"))).hasMessageContaining("/audit");
        assertThatThrownBy(() -> render(Map.of("database.existingSecret", ""))).hasMessageContaining("/database");
        // A number would reach the pod as a float (2.147483648e+10): env values are quoted strings.
        assertThatThrownBy(() -> render(Map.of("env.VEIL_STORAGE_S3_CACHE_MAX_BYTES", "21474836480"))).hasMessageContaining("/env");
        // The demo realm (password = user name, password grants, no TLS) only when asked for as a demo.
        assertThatThrownBy(() -> render(Map.of("keycloakRealm.enabled", "true"))).hasMessageContaining("demo");
    }

    @Test
    void k8sBaseIsWhatTheChartRenders() throws Exception {
        String rendered = renderText(K8S.resolve("values.yaml"), Map.of());
        Path base = K8S.resolve("base/veil.yaml");
        if (Boolean.getBoolean("veil.k8s.write")) {
            Files.writeString(base, "# Rendered from helm/veil with k8s/values.yaml by `make k8s`; do not edit.\n" + rendered);
        }
        assertThat(Files.readString(base)).as("k8s/base/veil.yaml is stale: run make k8s").endsWith(rendered);
        assertProductionRules(KubernetesObjects.parse(rendered));
    }

    @Test
    void everyFileInK8sParsesIntoTheTypedModel() throws Exception {
        List<Path> files;
        try (Stream<Path> all = Files.walk(K8S)) {
            files = all.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        int objects = 0;
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.equals("values.yaml")) {
                continue; // chart values, not an object
            }
            if (name.equals("kustomization.yaml")) {
                // What it names must exist beside it.
                for (String line : Files.readAllLines(file)) {
                    String entry = line.strip();
                    if (entry.startsWith("- ") && (entry.endsWith(".yaml") || entry.startsWith("- ../"))) {
                        assertThat(file.getParent().resolve(entry.substring(2).replace("path: ", "")).normalize()).exists();
                    }
                }
                continue;
            }
            objects += KubernetesObjects.parse(Files.readString(file)).size();
        }
        assertThat(objects).isGreaterThan(5);
    }

    /** What must hold in every rendering. */
    private static void assertProductionRules(List<HasMetadata> objects) {
        assertThat(objects).isNotEmpty();
        assertThat(kinds(objects)).contains("NetworkPolicy");
        for (HasMetadata o : objects) {
            PodSpec pod = o instanceof Deployment d ? d.getSpec().getTemplate().getSpec()
                    : o instanceof Job j ? j.getSpec().getTemplate().getSpec() : null;
            if (pod == null) {
                continue;
            }
            String what = o.getKind() + " " + o.getMetadata().getName();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(what).isTrue();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).as(what).isEqualTo("RuntimeDefault");
            assertThat(pod.getAutomountServiceAccountToken()).as(what).isFalse();
            List<Container> containers = new ArrayList<>(pod.getContainers());
            containers.addAll(pod.getInitContainers());
            for (Container c : containers) {
                String in = what + " / " + c.getName();
                assertThat(c.getImage()).as(in).matches(".+:[^:/]+").doesNotEndWith(":latest");
                assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).as(in).isTrue();
                assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(in).isFalse();
                assertThat(c.getSecurityContext().getCapabilities().getDrop()).as(in).containsExactly("ALL");
                assertThat(c.getResources().getRequests()).as(in).containsKeys("cpu", "memory");
                assertThat(c.getResources().getLimits()).as(in).containsKey("memory");
                for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
                    // Secrets only as files: no secret-looking variable carries a value.
                    if (e.getName().matches(".*(PASSWORD|SECRET|ACCESS_KEY|CREDENTIAL).*")) {
                        assertThat(e.getName()).as(in).endsWith("_FILE");
                        assertThat(e.getValue()).as(in).startsWith("/var/run/secrets/");
                    }
                    assertThat(e.getValueFrom() == null || e.getValueFrom().getSecretKeyRef() == null).as(in + " " + e.getName()).isTrue();
                }
            }
            for (Container c : pod.getContainers()) {
                String in = what + " / " + c.getName();
                if (o instanceof Deployment) {
                    assertThat(c.getStartupProbe()).as(in).isNotNull();
                    assertThat(c.getLivenessProbe()).as(in).isNotNull();
                    assertThat(c.getReadinessProbe()).as(in).isNotNull();
                }
            }
        }
        for (Service s : ofKind(objects, Service.class)) {
            assertThat(s.getSpec().getType()).isIn(null, "ClusterIP");
        }
        for (ServiceAccount sa : ofKind(objects, ServiceAccount.class)) {
            assertThat(sa.getAutomountServiceAccountToken()).isFalse();
        }
        for (HorizontalPodAutoscaler hpa : ofKind(objects, HorizontalPodAutoscaler.class)) {
            // A budget wherever two pods always run (over a single pod it would block node drains).
            if (hpa.getSpec().getMinReplicas() > 1) {
                assertThat(ofKind(objects, PodDisruptionBudget.class)).isNotEmpty();
            }
        }
    }

    static List<HasMetadata> render(Map<String, String> values) throws Exception {
        return KubernetesObjects.parse(renderText(null, values));
    }

    static String renderText(Path valuesFile, Map<String, String> values) {
        var template = new Helm(CHART).template().withName("veil");
        if (valuesFile != null) {
            template = template.withValuesFile(valuesFile);
        }
        for (Map.Entry<String, String> v : values.entrySet()) {
            template = template.set(v.getKey(), v.getValue());
        }
        return template.call();
    }

    /**
     * Rendered from a copy of the chart without its hook annotations: Helm leaves hooks (the
     * migration Job) out of a rendered manifest, and renders them as ordinary objects without.
     */
    static List<HasMetadata> renderWithHooks(Map<String, String> values) throws Exception {
        Path copy = Files.createTempDirectory("veil-chart");
        try {
            try (Stream<Path> files = Files.walk(CHART)) {
                for (Path from : files.toList()) {
                    Path to = copy.resolve(CHART.relativize(from).toString());
                    if (Files.isDirectory(from)) {
                        Files.createDirectories(to);
                    } else if (from.getParent().endsWith("templates")) {
                        Files.writeString(to, Files.readString(from).replaceAll("(?m)^[ \\t]*helm\\.sh/hook[a-z-]*:.*\\R", ""));
                    } else {
                        Files.copy(from, to);
                    }
                }
            }
            var template = new Helm(copy).template().withName("veil");
            for (Map.Entry<String, String> v : values.entrySet()) {
                template = template.set(v.getKey(), v.getValue());
            }
            return KubernetesObjects.parse(template.call());
        } finally {
            TempTree.delete(copy);
        }
    }

    private static List<String> kinds(List<HasMetadata> objects) {
        return objects.stream().map(HasMetadata::getKind).toList();
    }

    private static <T> List<T> ofKind(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T> T only(List<HasMetadata> objects, Class<T> type) {
        List<T> found = ofKind(objects, type);
        assertThat(found).as(type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    private static <T extends HasMetadata> T named(List<T> objects, String name) {
        return objects.stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }

    private static LabelSelector selector(Service service) {
        return new LabelSelectorBuilder().withMatchLabels(service.getSpec().getSelector()).build();
    }

    /** Whether a selector takes a pod with these labels, as Kubernetes reads matchLabels and matchExpressions. */
    private static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector.getMatchLabels() != null && !labels.entrySet().containsAll(selector.getMatchLabels().entrySet())) {
            return false;
        }
        for (LabelSelectorRequirement r : selector.getMatchExpressions() == null ? List.<LabelSelectorRequirement>of()
                : selector.getMatchExpressions()) {
            String value = labels.get(r.getKey());
            boolean holds = switch (r.getOperator()) {
                case "In" -> value != null && r.getValues().contains(value);
                case "NotIn" -> value == null || !r.getValues().contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new AssertionError("selector operator " + r.getOperator());
            };
            if (!holds) {
                return false;
            }
        }
        return true;
    }

    private static String env(Deployment d, String name) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream().filter(e -> e.getName().equals(name))
                .map(EnvVar::getValue).findFirst().orElse(null);
    }
}
