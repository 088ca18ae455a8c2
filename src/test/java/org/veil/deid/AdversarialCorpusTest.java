package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.veil.dicom.Part10Editor;

/**
 * The hostile instances of {@link AdversarialCorpus} through the engine, under the four purposes'
 * profiles and the Basic Profile alone: every marker is in the original's bytes (so the scan can
 * see it), and none is in a derivative's; what cannot be made safe is withheld.
 */
class AdversarialCorpusTest {
    private final Deidentifier engine = Deidentifier.standard(new Keys(DeidentifierTest.SECRET));

    static Stream<Arguments> cases() {
        List<Profile> profiles = new ArrayList<>(Profiles.defaults().all().values());
        profiles.add(new Profile("basic", java.util.EnumSet.noneOf(Option.class)));
        profiles.add(new Profile("safe-private", java.util.EnumSet.of(Option.RETAIN_SAFE_PRIVATE)));
        List<AdversarialCorpus.Case> all = new ArrayList<>(AdversarialCorpus.attributes());
        all.addAll(AdversarialCorpus.withheld());
        return all.stream().flatMap(c -> profiles.stream().map(p -> Arguments.of(c, p)));
    }

    @ParameterizedTest(name = "{0} under {1}")
    @MethodSource("cases")
    void noMarkerLeaves(AdversarialCorpus.Case hostile, Profile profile) throws Exception {
        for (String marker : hostile.markers()) {
            assertThat(LeakCorpusTest.indexOf(hostile.part10(), AdversarialCorpus.needle(marker)))
                    .as("the marker " + marker + " is in the original").isGreaterThanOrEqualTo(0);
        }
        Outcome outcome = engine.deidentify(hostile.part10(), profile, profile.name());
        if (hostile.expect() == AdversarialCorpus.Expect.WITHHELD) {
            assertThat(outcome).as(hostile.name()).isInstanceOf(Outcome.Withheld.class);
            return;
        }
        assertThat(outcome).as(hostile.name()).isInstanceOf(Outcome.Derived.class);
        byte[] out = ((Outcome.Derived) outcome).part10();
        List<String> leaked = hostile.markers().stream()
                .filter(m -> LeakCorpusTest.indexOf(out, AdversarialCorpus.needle(m)) >= 0).toList();
        assertThat(leaked).as("markers in the derivative").isEmpty();
        hostile.check().on(Part10Editor.read(out).root(), profile);
    }
}
