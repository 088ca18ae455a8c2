package org.veil.logging;

import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What Veil logs about a failure: the exception's class, then each cause's, with a database
 * error's SQLState and the frame that threw, never an exception's message. Messages are where
 * patient data leaks into logs: a JDBC driver quotes the row it refused ("Key (patient_id)=(…)"),
 * a parser the value it could not read. The request id is on the line already (the log format's
 * {@code %X{requestId}}), so the log and the client's answer meet there.
 */
public final class Failures {
    /** Causes followed at most; a cycle in the chain ends the walk earlier. */
    private static final int MAX_CAUSES = 8;

    private Failures() {
    }

    /** For example "UncheckedIOException at DerivativeStore.java:212 ← SQLException SQLState 40001 at QueryExecutorImpl.java:2734". */
    public static String describe(Throwable failure) {
        StringBuilder out = new StringBuilder();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSES && seen.put(t, Boolean.TRUE) == null; depth++) {
            if (depth > 0) {
                out.append(" <- ");
            }
            out.append(t.getClass().getSimpleName());
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                out.append(" SQLState ").append(sql.getSQLState());
            }
            StackTraceElement[] frames = t.getStackTrace();
            if (frames.length > 0 && frames[0].getFileName() != null) {
                out.append(" at ").append(frames[0].getFileName()).append(':').append(frames[0].getLineNumber());
            }
            t = t.getCause();
        }
        return out.toString();
    }
}
