package org.veil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.veil.dicom.ForeignLibrary;

/**
 * The native executable's build initialises classes at build time unless application.properties
 * names them (Quarkus's default), and a class whose static fields hold a random generator, a
 * PixelMed object (PixelMed starts at run time) or a library handle then breaks the build, or
 * worse, bakes one seed into every copy. `make test` does
 * not build the executable, and three such changes once broke it unnoticed (docs/deployment.md,
 * "Native executable"): this holds the code to the list without building.
 */
class NativeImageInitialisationTest {
    private static final JavaClasses VEIL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.veil");

    /** What --initialize-at-run-time names in quarkus.native.additional-build-args. */
    static List<String> initialisedAtRunTime() throws Exception {
        String properties = Files.readString(Path.of("src/main/resources/application.properties"));
        Matcher args = Pattern.compile("(?m)^quarkus\\.native\\.additional-build-args=.*--initialize-at-run-time=(.*?)(,--.*)?$")
                .matcher(properties);
        assertThat(args.find()).as("the native build arguments").isTrue();
        return Arrays.asList(args.group(1).split("\\\\\\\\,"));
    }

    /** As GraalVM matches: the class itself or its package; a nested class is not covered by its outer class. */
    private static boolean atRunTime(JavaClass c, List<String> names) {
        String name = c.getName();
        return names.stream().anyMatch(n -> name.equals(n) || name.startsWith(n + "."));
    }

    @Test
    void theListNamesClassesThatExist() throws Exception {
        List<String> names = initialisedAtRunTime();
        assertThat(names).contains("com.pixelmed", "org.veil.dicom.CharLs", "org.veil.deid.Tesseract",
                "org.veil.dicomweb.HttpBoundary");
        for (String n : names.stream().filter(n -> n.startsWith("org.veil.")).toList()) {
            assertThat(VEIL.contain(n)).as(n).isTrue();
        }
    }

    @Test
    void staticRandomGeneratorsAndThreadsLiveOnlyInClassesStartedAtRunTime() throws Exception {
        List<String> names = initialisedAtRunTime();
        assertThat(staticStateOutside(names)).isEmpty();
        // The rule finds what it is for: without HttpBoundary on the list, its generator shows.
        assertThat(staticStateOutside(names.stream().filter(n -> !n.endsWith("HttpBoundary")).toList()))
                .containsExactly("org.veil.dicomweb.HttpBoundary.RANDOM");
    }

    private static List<String> staticStateOutside(List<String> names) {
        List<String> offending = new ArrayList<>();
        for (JavaClass c : VEIL) {
            for (JavaField f : c.getFields()) {
                JavaClass type = f.getRawType();
                boolean stateful = type.isAssignableTo(java.util.Random.class) || type.isAssignableTo(java.util.SplittableRandom.class)
                        || type.isAssignableTo(Thread.class) || type.isAssignableTo(java.util.concurrent.ExecutorService.class)
                        || type.getPackageName().startsWith("com.pixelmed");
                if (f.getModifiers().contains(JavaModifier.STATIC) && stateful && !atRunTime(c, names)) {
                    offending.add(f.getFullName());
                }
            }
        }
        return offending;
    }

    @Test
    void librariesAreBoundOnlyByClassesStartedAtRunTime() throws Exception {
        List<String> names = initialisedAtRunTime();
        List<JavaClass> binders = VEIL.stream()
                .filter(c -> c.getMethodCallsFromSelf().stream().anyMatch(call -> call.getTargetOwner().isEquivalentTo(ForeignLibrary.class)
                        && call.getName().equals("bind")))
                .toList();
        assertThat(binders).extracting(JavaClass::getName)
                .containsExactlyInAnyOrder("org.veil.dicom.CharLs$Api", "org.veil.deid.Tesseract$Api");
        // The binders are nested classes, not on the list themselves: each method of theirs that
        // binds may be called only from the static initialiser of a class on the list.
        for (JavaClass binder : binders) {
            List<JavaMethod> binding = binder.getMethods().stream()
                    .filter(m -> m.getMethodCallsFromSelf().stream().anyMatch(call -> call.getName().equals("bind")
                            && call.getTargetOwner().isEquivalentTo(ForeignLibrary.class)))
                    .toList();
            assertThat(binding).as(binder.getName()).isNotEmpty();
            binding.forEach(m -> assertCalledOnlyFromRunTimeInitialisers(m, names));
        }
    }

    /** Each caller is the static initialiser of a class on the list, or a method of the same class called so in turn. */
    private static void assertCalledOnlyFromRunTimeInitialisers(JavaMethod method, List<String> names) {
        assertThat(method.getCallsOfSelf()).as("callers of " + method.getFullName()).isNotEmpty();
        for (var call : method.getCallsOfSelf()) {
            if (call.getOrigin() instanceof JavaMethod caller && caller.getOwner().equals(method.getOwner())) {
                assertCalledOnlyFromRunTimeInitialisers(caller, names);
            } else {
                assertThat(call.getOrigin().getName()).as(call.getDescription()).isEqualTo("<clinit>");
                assertThat(atRunTime(call.getOriginOwner(), names)).as(call.getDescription()).isTrue();
            }
        }
    }
}
