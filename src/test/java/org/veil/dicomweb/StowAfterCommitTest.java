package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.veil.EmbeddedPostgresResource;

/**
 * Once a STOW's instances and its audit row have committed, what is left (dropping the studies'
 * de-identified views, removing refused objects) cannot turn the answer into a failure: here
 * PostgreSQL itself refuses the drop (a trigger raises), and the client still learns its
 * instances are stored, as they are.
 */
@QuarkusTest
class StowAfterCommitTest {
    private final IndexReset index = new IndexReset();

    @Test
    void aFailureAfterTheCommitStillAnswersStored() throws Exception {
        byte[] file = DefaultTransferSyntaxTest.renamed("pydicom/CT_small.dcm");
        String study = org.veil.dicom.Part10Editor.read(file).root().string(org.veil.dicom.Tag.StudyInstanceUID).orElseThrow();
        try (Connection c = EmbeddedPostgresResource.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE OR REPLACE FUNCTION veil_test_refuse() RETURNS trigger LANGUAGE plpgsql AS
                    $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$""");
            s.execute("CREATE TRIGGER veil_test_refuse BEFORE DELETE ON derived_view FOR EACH STATEMENT EXECUTE FUNCTION veil_test_refuse()");
            try {
                Response r = DicomWebClient.stow(file);
                assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
                assertThat(r.asString()).contains("00081199");
            } finally {
                s.execute("DROP TRIGGER veil_test_refuse ON derived_view");
                s.execute("DROP FUNCTION veil_test_refuse()");
            }
        }
        assertThat(index.count("instance i JOIN study st ON st.id = i.study_fk WHERE st.study_instance_uid = '" + study + "'"))
                .as("stored").isEqualTo(1);
        assertThat(index.count("audit_event WHERE '" + study + "' = ANY (study_uids) AND outcome = 'success'"))
                .as("on the trail once").isEqualTo(1);
    }
}
