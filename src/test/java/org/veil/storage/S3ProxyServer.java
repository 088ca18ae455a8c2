package org.veil.storage;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 API server for the tests: s3proxy (from Maven Central, its self-contained jar copied
 * to target/s3proxy by the build) as its own process on 127.0.0.1, keeping objects in a
 * directory. Its own process, so that its dependencies stay out of Veil's class path.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String IDENTITY = "veil-test";
    public static final String CREDENTIAL = "veil-test-secret-0123456789";

    private final Process process;
    private final int port;
    private final Path dir;

    private S3ProxyServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static S3ProxyServer start() throws Exception {
        Path dir = Files.createTempDirectory("veil-s3");
        Files.createDirectories(dir.resolve("data"));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path conf = dir.resolve("s3proxy.conf");
        Files.write(conf, List.of(
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + IDENTITY,
                "s3proxy.credential=" + CREDENTIAL,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + dir.resolve("data")));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-jar", System.getProperty("veil.s3proxy.jar", "target/s3proxy/s3proxy.jar"), "--properties", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
        S3ProxyServer server = new S3ProxyServer(p, port, dir);
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "s3proxy-stop"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("s3proxy exited: " + Files.readString(dir.resolve("s3proxy.log")));
            }
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return server;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        server.stop();
        throw new IllegalStateException("s3proxy did not listen within 60 s");
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** A client of its own, to look at or tamper with the bucket behind Veil's back. */
    public S3Client client() {
        return S3BlobStore.client(endpoint(), "us-east-1", true,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL)));
    }

    /** What Veil needs to use this server, as environment variables. */
    public java.util.Map<String, String> environment(String bucket) {
        return java.util.Map.of("VEIL_STORAGE_BACKEND", "s3", "VEIL_STORAGE_S3_ENDPOINT", endpoint().toString(),
                "VEIL_STORAGE_S3_BUCKET", bucket, "VEIL_STORAGE_S3_PATH_STYLE", "true",
                "VEIL_STORAGE_S3_ACCESS_KEY_ID", IDENTITY, "VEIL_STORAGE_S3_SECRET_ACCESS_KEY", CREDENTIAL,
                "VEIL_STORAGE_S3_CREATE_BUCKET", "true");
    }

    private void stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        stop();
        org.veil.TempTree.delete(dir);
    }
}
