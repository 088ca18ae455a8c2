package org.veil.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.stream.Stream;
import org.veil.TempTree;

/**
 * What the benchmarks measure servers against: the raw write+fsync and read rates of the same
 * bytes on the same disk, and a response body handler that counts bytes without keeping them,
 * so that the client costs the same whichever server answers.
 */
final class Raw {
    private Raw() {
    }

    /** Receives a whole response and counts its bytes, keeping none of them. */
    static HttpResponse.BodyHandler<Long> counting() {
        return info -> HttpResponse.BodySubscribers.fromSubscriber(new ByteCounter(), ByteCounter::total);
    }

    /** Writes and fsyncs every file, one by one, with no server: the ceiling for a durable STOW. MB/s. */
    static double writeAll(List<List<byte[]>> data, Path dir) throws IOException {
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        long n = 0;
        int i = 0;
        for (List<byte[]> study : data) {
            for (byte[] f : study) {
                try (FileChannel ch = FileChannel.open(dir.resolve("f" + i++), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ByteBuffer b = ByteBuffer.wrap(f);
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                    ch.force(true);
                }
                n += f.length;
            }
        }
        double mbps = n / ((System.nanoTime() - t0) / 1e9) / 1e6;
        TempTree.delete(dir);
        return mbps;
    }

    /** Reads every file under the directory once: the ceiling for retrieval. MB/s. */
    static double readAll(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        byte[] buf = new byte[256 * 1024];
        long t0 = System.nanoTime();
        long n = 0;
        for (Path p : files) {
            try (InputStream in = Files.newInputStream(p)) {
                int k;
                while ((k = in.read(buf)) > 0) {
                    n += k;
                }
            }
        }
        return n / ((System.nanoTime() - t0) / 1e9) / 1e6;
    }

    /** The p-th percentile of the durations, in milliseconds. */
    static double percentile(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }

    private static final class ByteCounter implements Flow.Subscriber<List<ByteBuffer>> {
        private long total;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            buffers.forEach(b -> total += b.remaining());
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onComplete() {
        }

        long total() {
            return total;
        }
    }
}
