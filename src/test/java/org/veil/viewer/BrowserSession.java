package org.veil.viewer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One user in Debian's chromium, driven through the OHIF viewer by src/test/browser/ohif.js
 * (playwright-core, installed by `make deps`). The script reports what the browser saw as JSON
 * lines; the test judges. Screenshots stay under target/browser/.
 */
final class BrowserSession implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "browser");
    private static final Path SCRIPT = Path.of("src", "test", "browser", "ohif.js");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final BufferedReader events;
    private final Writer commands;
    private final Path log;
    private final List<JsonNode> seen = new ArrayList<>();

    private BrowserSession(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.events = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Starts the browser for a user and purpose; {@code spec} adds the script's other options. */
    static BrowserSession start(String base, String purpose, String user, String name, ObjectNode spec) throws IOException {
        if (!Files.isDirectory(SCRIPT.getParent().resolve("node_modules/playwright-core"))) {
            throw new IllegalStateException("playwright-core is not installed: run `make deps` (src/test/browser)");
        }
        Files.createDirectories(SCREENSHOTS);
        for (String shot : List.of("list", "list-after", "viewer", "failure")) {
            Files.deleteIfExists(SCREENSHOTS.resolve(name + "-" + shot + ".png")); // an earlier run's would mislead
        }
        spec.put("base", base).put("purpose", purpose).put("user", user).put("name", name)
                .put("shots", SCREENSHOTS.toAbsolutePath().toString());
        Path log = SCREENSHOTS.resolve(name + ".log");
        Process p = new ProcessBuilder("node", SCRIPT.toString(), spec.toString())
                .redirectError(ProcessBuilder.Redirect.to(log.toFile())).start();
        return new BrowserSession(p, log);
    }

    static ObjectNode spec() {
        return JSON.createObjectNode();
    }

    /** The next event of this kind; fails on the script's error event or its end. */
    JsonNode await(String kind) throws IOException {
        String line;
        while ((line = events.readLine()) != null) {
            JsonNode event = JSON.readTree(line);
            seen.add(event);
            String got = event.path("event").asText();
            if (got.equals("error")) {
                throw new AssertionError("the browser failed at " + event.path("url").asText() + ": "
                        + event.path("message").asText() + " (screenshot and log under " + SCREENSHOTS + ")");
            }
            if (got.equals(kind)) {
                return event;
            }
        }
        throw new AssertionError("the browser script ended before '" + kind + "': " + Files.readString(log));
    }

    /** Lets a paused script go on. */
    void resume() throws IOException {
        commands.write("go\n");
        commands.flush();
    }

    @Override
    public void close() throws Exception {
        try {
            commands.close();
        } catch (IOException ignored) {
            // the script may already have ended
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
