package org.veil.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time processes have used (user and system), with their descendants and the children they
 * have reaped: Veil's PostgreSQL runs as a postmaster and its backends, which pg_ctl leaves to no
 * parent of Veil's or the benchmark's, so it is named beside the server. On two shared cores a
 * throughput is bounded by what the client and the server spend together, so a server's CPU per
 * byte or per instance is the figure it controls.
 */
final class CpuTime {
    /** Clock ticks per second of /proc's times (USER_HZ): 100 on Linux on x86 and ARM. */
    private static final double TICKS = 100.0;

    private CpuTime() {
    }

    /**
     * Seconds of CPU these processes and their descendants have used so far. A descendant that
     * ends between two readings is counted in its parent's reaped children's times (cutime and
     * cstime), so a difference of two readings does not lose it.
     */
    static double of(List<Long> pids) {
        double ticks = 0;
        for (long pid : pids) {
            ProcessHandle root = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
            ticks += Stream.concat(Stream.of(root), root.descendants()).mapToLong(p -> ticks(p.pid())).sum();
        }
        return ticks / TICKS;
    }

    /** Seconds of CPU this process (the benchmark's client) has used so far. */
    static double client() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    /** utime + stime + cutime + cstime (proc(5): fields 14 to 17). */
    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) is in parentheses and may hold spaces: count from after
            // it, where field 3 (the state) is index 0.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (IOException | RuntimeException e) {
            return 0; // a child that has just ended: its parent counts it from now on
        }
    }
}
