package org.veil.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.veil.EmbeddedPostgresResource;

/** V18 brings names stored before to the form the writer stores now, in SQL: the two forms must agree. */
@QuarkusTest
class PersonNamesTest {

    @Test
    void theMigrationsFormIsTheWritersForm() throws Exception {
        try (Connection c = EmbeddedPostgresResource.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT NULLIF(rtrim(split_part(?, '=', 1), '^ '), '')")) {
            for (String name : new String[] {"Roe^Richard^^^", "DOE^JOHN", "Doe^^John", "Yamada^Tarou=山田^太郎=やまだ^たろう",
                    "^^^", "Doe^John ^ ", "=山田", ""}) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    String form = PersonNames.matchForm(name);
                    assertThat(rs.getString(1)).as(name).isEqualTo(form.isEmpty() ? null : form);
                }
            }
        }
    }
}
