package org.veil.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.veil.policy.Caller;
import org.veil.policy.PurposeDecision;
import org.veil.policy.Role;

/**
 * STOW answers about original UIDs (already stored, stored for another patient): an account that
 * holds uploader beside a role reaching de-identified copies only could store with no purpose and
 * read with one, and so probe originals. Such an account may not store.
 */
class StudyAccessTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "UPLOADER, stores",
        "UPLOADER CLINICIAN, stores",
        "UPLOADER RESEARCHER, refused",
        "UPLOADER CONSULTANT, refused",
        "UPLOADER EDUCATOR AUDITOR, refused",
        "UPLOADER CLINICIAN RESEARCHER, stores",
    })
    void anUploaderThatReadsDeidentifiedCopiesOnlyMayNotStore(String roles, String expected) {
        EnumSet<Role> set = EnumSet.noneOf(Role.class);
        for (String r : roles.split(" ")) {
            set.add(Role.valueOf(r));
        }
        StudyAccess access = new StudyAccess();
        Caller caller = new Caller("sub", "user", set, new PurposeDecision.Absent("none named"), "veil-cli", Optional.empty(), Set.of());
        access.current = new CurrentCaller() {
            @Override
            public Caller get() {
                return caller;
            }
        };
        if (expected.equals("stores")) {
            assertThat(access.requireStore()).isSameAs(caller);
        } else {
            assertThatThrownBy(access::requireStore).isInstanceOf(AccessRefusedException.class)
                    .hasMessageContaining("de-identified copies only");
        }
    }
}
