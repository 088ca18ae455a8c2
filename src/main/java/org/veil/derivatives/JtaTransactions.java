package org.veil.derivatives;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.sql.SQLException;

/** {@link Transactions} as declarative JTA transactions on Agroal's connections. */
@ApplicationScoped
public class JtaTransactions implements Transactions {

    @Override
    @Transactional(value = Transactional.TxType.REQUIRES_NEW, rollbackOn = Exception.class)
    public <T> T inNew(Work<T> work) throws SQLException, IOException {
        return work.run();
    }
}
