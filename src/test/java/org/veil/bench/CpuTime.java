package org.veil.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time a process has used (user and system), with its children: Veil's embedded PostgreSQL
 * runs as children of the server. On two shared cores a throughput is bounded by what the client
 * and the server spend together, so a server's CPU per byte served is the figure it controls.
 */
final class CpuTime {
    /** Clock ticks per second of /proc's times (USER_HZ): 100 on Linux on x86 and ARM. */
    private static final double TICKS = 100.0;

    private CpuTime() {
    }

    /** Seconds of CPU the process and its descendants have used so far. */
    static double of(long pid) {
        ProcessHandle root = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
        return Stream.concat(Stream.of(root), root.descendants()).mapToDouble(p -> ticks(p.pid())).sum() / TICKS;
    }

    /** Seconds of CPU this process (the benchmark's client) has used so far. */
    static double client() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) is in parentheses and may hold spaces: count from after it.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0; // a child that has just ended
        }
    }
}
