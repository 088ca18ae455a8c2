package org.veil;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/architecture.md, held by the build: no cycle between Veil's packages, the
 * decision core, the de-identification engine and the DICOM toolkit boundary free of CDI, JDBC,
 * JAX-RS and transactions, PixelMed only behind {@code dicom}. Checked twice, by ArchUnit over the
 * compiled classes and by the JDK's own {@code jdeps}, so that a rule ArchUnit cannot see (a
 * dependency through a constant, say) still shows.
 */
class LayeringTest {
    private static final JavaClasses VEIL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.veil");

    /** What a plain-Java package must not touch: CDI, JDBC and the pool, JAX-RS, JTA, the HTTP server. */
    private static final String[] FRAMEWORKS = {"jakarta.enterprise..", "jakarta.inject..", "java.sql..", "javax.sql..",
        "io.agroal..", "jakarta.ws.rs..", "org.jboss.resteasy..", "jakarta.transaction..", "io.vertx..", "io.quarkus.arc.."};

    @Test
    void packagesFormNoCycle() {
        slices().matching("org.veil.(*)..").should().beFreeOfCycles().check(VEIL);
    }

    @Test
    void theDecisionCoreTheEngineAndTheToolkitBoundaryArePlainJava() {
        noClasses().that().resideInAnyPackage("org.veil.policy..", "org.veil.deid..", "org.veil.dicom..")
                .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS)
                .check(VEIL);
    }

    @Test
    void theDecisionCoreDependsOnNothingButJava() {
        classes().that().resideInAPackage("org.veil.policy..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.veil.policy..")
                .check(VEIL);
    }

    @Test
    void theEngineSeesDicomOnlyThroughTheToolkitBoundary() {
        classes().that().resideInAPackage("org.veil.deid..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax.crypto..", "com.fasterxml.jackson..", "com.github.benmanes.caffeine..",
                        "org.veil.deid..", "org.veil.dicom..")
                .check(VEIL);
    }

    @Test
    void pixelMedStaysInsideDicom() {
        noClasses().that().resideOutsideOfPackage("org.veil.dicom..")
                .should().dependOnClassesThat().resideInAnyPackage("com.pixelmed..")
                .check(VEIL);
    }

    @Test
    void hapiFhirStaysInsideFhirAndNothingCallsFhir() {
        // FHIR is one more way in to the registry and one more way out of the trail, nothing more.
        noClasses().that().resideOutsideOfPackage("org.veil.fhir..")
                .should().dependOnClassesThat().resideInAnyPackage("ca.uhn.fhir..", "org.hl7.fhir..", "org.veil.fhir..")
                .check(VEIL);
    }

    @Test
    void theRegistryAndTheAuditTrailDoNotCallTheDerivativeSide() {
        // Consent and share changes are events (consent.ConsentChange) that derivatives observes.
        noClasses().that().resideInAnyPackage("org.veil.consent..", "org.veil.audit..", "org.veil.policy..",
                        "org.veil.security..", "org.veil.index..")
                .should().dependOnClassesThat().resideInAnyPackage("org.veil.derivatives..", "org.veil.dicomweb..")
                .check(VEIL);
    }

    @Test
    void jdepsSeesNoCycleBetweenVeilPackages() {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path classes = Path.of("target", "classes");
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:package", "-filter:none",
                "-e", "org\\.veil(\\..*)?", classes.toString());
        assertThat(status).as(err.toString()).isZero();
        Map<String, Set<String>> edges = new TreeMap<>();
        Matcher m = Pattern.compile("^\\s+(org\\.veil[\\w.]*)\\s+->\\s+(org\\.veil[\\w.]*)\\s", Pattern.MULTILINE)
                .matcher(out.toString());
        while (m.find()) {
            String from = m.group(1);
            String to = m.group(2);
            edges.computeIfAbsent(from, k -> new TreeSet<>());
            if (!from.equals(to)) {
                edges.get(from).add(to);
            }
        }
        assertThat(edges).as("jdeps found Veil's packages").containsKeys("org.veil.dicom", "org.veil.dicomweb", "org.veil.policy");
        assertThat(stronglyConnected(edges)).as("packages that depend on each other, jdeps:\n" + out)
                .allSatisfy(component -> assertThat(component).hasSize(1));
    }

    @Test
    void theCycleFinderFindsACycle() {
        Map<String, Set<String>> edges = new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a")));
        assertThat(stronglyConnected(edges)).contains(Set.of("a", "b", "c"), Set.of("d"));
    }

    /** Tarjan's strongly connected components: a component of more than one package is a cycle. */
    private static List<Set<String>> stronglyConnected(Map<String, Set<String>> edges) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> components = new ArrayList<>();
        int[] next = {0};
        for (String v : edges.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, edges, index, low, stack, onStack, components, next);
            }
        }
        return components;
    }

    private static void connect(String v, Map<String, Set<String>> edges, Map<String, Integer> index, Map<String, Integer> low,
                                Deque<String> stack, Set<String> onStack, List<Set<String>> components, int[] next) {
        index.put(v, next[0]);
        low.put(v, next[0]);
        next[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : edges.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, edges, index, low, stack, onStack, components, next);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            components.add(component);
        }
    }
}
