package org.veil.derivatives;

import io.quarkus.narayana.jta.runtime.TransactionConfiguration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.sql.SQLException;

/**
 * {@link Transactions} as declarative JTA transactions on Agroal's connections. An hour rather
 * than the default minute: building the view of a large study de-identifies every instance
 * inside its transaction (2,000 CT slices take minutes on two cores), and a timeout would roll
 * the build back and start it again for ever. The other steps take milliseconds.
 */
@ApplicationScoped
public class JtaTransactions implements Transactions {

    @Override
    @Transactional(value = Transactional.TxType.REQUIRES_NEW, rollbackOn = Exception.class)
    @TransactionConfiguration(timeout = 3600)
    public <T> T inNew(Work<T> work) throws SQLException, IOException {
        return work.run();
    }
}
