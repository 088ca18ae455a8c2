package org.veil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The container images run what the build and the tests run: the JVM image the same Java release
 * as the pom compiles for (and as this test runs on), and both images the native libraries Veil
 * calls through the foreign-function API, so that an image cannot silently withhold every image
 * with text (no Tesseract) or refuse JPEG-LS (no CharLS).
 */
class ContainerImageTest {
    private static final Path DOCKER = Path.of("src/main/docker");

    @Test
    void theJvmImageRunsTheReleaseThePomCompilesFor() throws Exception {
        Matcher release = Pattern.compile("<maven\\.compiler\\.release>(\\d+)</maven\\.compiler\\.release>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(release.find()).isTrue();
        int target = Integer.parseInt(release.group(1));
        String jvm = Files.readString(DOCKER.resolve("Dockerfile.jvm"));
        Matcher runtime = Pattern.compile("(?m)^FROM eclipse-temurin:(\\d+)-jre AS jre$").matcher(jvm);
        assertThat(runtime.find()).as("the JRE stage").isTrue();
        assertThat(Integer.parseInt(runtime.group(1))).isEqualTo(target).isEqualTo(Runtime.version().feature());
        assertThat(jvm).contains("COPY --from=jre /opt/java/openjdk /opt/java/openjdk")
                .doesNotContain("openjdk-21").doesNotContain("openjdk-17");
    }

    @Test
    void theNativeImageStartsTheExecutableAsTheBenchmarkMeasuresIt() throws Exception {
        assertThat(Files.readString(DOCKER.resolve("Dockerfile.native")))
                .contains("ENTRYPOINT [\"/deployments/veil\", \"" + org.veil.bench.NativeFootprint.NATIVE_OPTIONS + "\"]");
    }

    @Test
    void bothImagesCarryTheNativeLibrariesVeilCalls() throws Exception {
        for (String image : new String[] {"Dockerfile.jvm", "Dockerfile.native"}) {
            assertThat(Files.readString(DOCKER.resolve(image))).as(image)
                    .contains("libtesseract5", "tesseract-ocr-eng", "libcharls2", "libfreetype6");
        }
    }
}
