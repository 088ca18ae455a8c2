package org.veil.bench;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import javax.sql.DataSource;
import org.veil.derivatives.Transactions;

/**
 * The connections the de-identification benchmark runs the derivative store on, without Quarkus:
 * kept open and reused, as the server's pool keeps them (a new PostgreSQL connection per look-up
 * would dominate the figures), and transactions that behave as the server's JTA ones do: inside
 * {@link Transactions#inNew}, every connection the work takes is the transaction's own, committed
 * when the work returns and rolled back on any exception; a nested one gets a connection of its own.
 */
final class BenchConnections {
    private final DataSource source;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private final ThreadLocal<Deque<Connection>> transactions = ThreadLocal.withInitial(ArrayDeque::new);

    BenchConnections(DataSource source) {
        this.source = source;
    }

    /** Outside a transaction, a kept connection in auto-commit; inside one, the transaction's. */
    DataSource dataSource() {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("getConnection")) {
                        // The engine and the derivative store only ever ask a DataSource for a
                        // connection; anything else from them would be a change to notice here.
                        throw new UnsupportedOperationException(method.getName());
                    }
                    Connection current = transactions.get().peek();
                    return current != null ? handle(current, false) : handle(take(), true);
                });
    }

    Transactions transactions() {
        return new Transactions() {
            @Override
            public <T> T inNew(Work<T> work) throws SQLException, IOException {
                Connection c = take();
                c.setAutoCommit(false);
                transactions.get().push(c);
                try {
                    T result = work.run();
                    c.commit();
                    return result;
                } catch (SQLException | IOException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    transactions.get().pop();
                    c.setAutoCommit(true);
                    give(c);
                }
            }
        };
    }

    private synchronized Connection take() throws SQLException {
        Connection c = idle.poll();
        return c != null ? c : source.getConnection();
    }

    private synchronized void give(Connection c) {
        idle.push(c);
    }

    /** The connection as the work sees it: closing it gives a pooled one back, and leaves a transaction's open. */
    private Connection handle(Connection c, boolean pooled) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        if (pooled) {
                            give(c);
                        }
                        return null;
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
