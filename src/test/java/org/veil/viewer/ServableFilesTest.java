package org.veil.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files of the viewer's folder are served: the app's, and nothing a link or a hidden name reaches. */
class ServableFilesTest {

    @Test
    void onlyTheAppsOwnRegularFilesUnderTheFolder(@TempDir Path root) throws Exception {
        Path dist = Files.createDirectories(root.resolve("dist")).toRealPath();
        Files.writeString(dist.resolve("index.html"), "<html></html>");
        Files.writeString(dist.resolve("app.bundle.js"), "console.log(1)");
        Files.createDirectories(dist.resolve("assets"));
        Files.writeString(dist.resolve("assets/favicon.ico"), "icon");
        Files.writeString(dist.resolve(".env"), "SECRET=1");
        Files.createDirectories(dist.resolve(".git"));
        Files.writeString(dist.resolve(".git/config"), "[core]");
        Path outside = Files.writeString(root.resolve("outside.txt"), "not the viewer's");
        Files.createSymbolicLink(dist.resolve("linked.js"), outside);
        Files.createSymbolicLink(dist.resolve("assets/inside-link.ico"), dist.resolve("assets/favicon.ico"));

        assertThat(ViewerRoutes.isServable(dist, dist.resolve("app.bundle.js"))).isTrue();
        assertThat(ViewerRoutes.isServable(dist, dist.resolve("assets/favicon.ico"))).isTrue();
        assertThat(ViewerRoutes.isServable(dist, dist.resolve("assets/inside-link.ico"))).as("a link that stays inside").isTrue();
        assertThat(ViewerRoutes.isServable(dist, dist.resolve("linked.js"))).as("a link out of the folder").isFalse();
        assertThat(ViewerRoutes.isServable(dist, dist.resolve(".env"))).as("a hidden file").isFalse();
        assertThat(ViewerRoutes.isServable(dist, dist.resolve(".git/config"))).as("in a hidden folder").isFalse();
        assertThat(ViewerRoutes.isServable(dist, dist.resolve("index.html"))).as("answered rewritten, as a route").isFalse();
        assertThat(ViewerRoutes.isServable(dist, dist.resolve("assets"))).as("a folder").isFalse();
        assertThat(ViewerRoutes.isServable(dist, dist.resolve("missing.js"))).isFalse();
    }
}
