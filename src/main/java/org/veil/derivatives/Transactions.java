package org.veil.derivatives;

import java.io.IOException;
import java.sql.SQLException;

/**
 * Runs a piece of the derivative side's work in a transaction of its own. In the server that is
 * a declarative JTA transaction ({@link JtaTransactions}): every connection the work takes from
 * the data source is the transaction's, committed when the work returns and rolled back on any
 * exception. A transaction of its own (REQUIRES_NEW) rather than the caller's, because a view is
 * built in a long transaction that holds the study's lock while each derivative it needs commits
 * on its own: a derivative made for one view is kept even if that view's build fails.
 */
@FunctionalInterface
public interface Transactions {

    <T> T inNew(Work<T> work) throws SQLException, IOException;

    /** The work; it takes its connections from the data source as usual. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException, IOException;
    }
}
