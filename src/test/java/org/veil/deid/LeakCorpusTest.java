package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Vr;

/**
 * The leak corpus through every default profile and through a profile for each single option:
 * no marker survives in the derivative's bytes, except those in attributes the profile retains
 * on purpose (its K actions, and times kept beside shifted dates), which must survive, so that
 * the scan is known to see what is there.
 */
class LeakCorpusTest {
    private static LeakCorpus corpus;
    private final ActionTable table = ActionTable.standard();
    private final Deidentifier engine = Deidentifier.standard(new Keys(DeidentifierTest.SECRET));

    @BeforeAll
    static void build() throws Exception {
        corpus = new LeakCorpus();
    }

    static Stream<Profile> profiles() {
        List<Profile> all = new ArrayList<>(Profiles.defaults().all().values());
        for (Option o : Option.values()) {
            all.add(new Profile("only-" + o.configName(), EnumSet.of(o)));
        }
        all.add(new Profile("basic", EnumSet.noneOf(Option.class)));
        return all.stream();
    }

    @Test
    void atLeastFiveHundredMarkersArePlanted() {
        assertThat(corpus.markers().size()).isGreaterThanOrEqualTo(500);
        assertThat(corpus.markers()).allSatisfy(m -> assertThat(indexOf(corpus.part10(), m.needle()))
                .as("planted: " + m.where()).isGreaterThanOrEqualTo(0));
        System.out.printf("leak corpus: %d markers planted%n", corpus.markers().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void noMarkerSurvivesUnlessRetainedOnPurpose(Profile profile) throws Exception {
        Outcome outcome = engine.deidentify(corpus.part10(), profile, profile.name());
        // Withheld would count as clean, but then nothing was tested: the corpus is an MR without
        // burned-in text, which every profile must derive.
        assertThat(outcome).isInstanceOf(Outcome.Derived.class);
        byte[] out = ((Outcome.Derived) outcome).part10();
        List<String> leaked = new ArrayList<>();
        List<String> lost = new ArrayList<>();
        for (LeakCorpus.Marker m : corpus.markers()) {
            boolean present = indexOf(out, m.needle()) >= 0;
            boolean retained = m.topLevel() && retainedOnPurpose(m, profile);
            if (present && !retained) {
                leaked.add(m.where() + " " + m.text());
            } else if (!present && retained) {
                lost.add(m.where());
            }
        }
        assertThat(leaked).as("markers that survived").isEmpty();
        assertThat(lost).as("retained attributes that were lost").isEmpty();
    }

    /**
     * What the profile keeps by design, from the table's K and the rule for times. A code string is
     * kept under K only when its words are known terms (Patient's Sex only M, F or O), which a marker
     * is not: the values of that shape are {@link AdversarialCorpus}'s "values an option retains".
     */
    boolean retainedOnPurpose(LeakCorpus.Marker m, Profile profile) {
        Action a = table.actionFor(m.tag(), profile).orElse(Action.X);
        if (m.tag() == AttributeCleaner.PATIENT_BIRTH_DATE || m.tag() == AttributeCleaner.STUDY_ID) {
            return false;
        }
        // A date kept real is kept only where every date is: beside shifted or dummied ones (Retain
        // Device Identity's calibration dates), the difference would be the shift.
        if ((m.vr() == Vr.DA || m.vr() == Vr.DT) && !profile.has(Option.RETAIN_LONGITUDINAL_FULL_DATES)) {
            return false;
        }
        // A marker spelled in four US or two UL values, where the attribute has fewer (Pregnancy
        // Status, VM 1), is out of shape: emptied, whatever the option keeps.
        int planted = m.vr() == Vr.US || m.vr() == Vr.SS ? 4 : m.vr() == Vr.UL || m.vr() == Vr.SL ? 2 : 1;
        if (org.veil.dicom.DataDictionary.maxValues(m.tag()).orElse(Integer.MAX_VALUE) < planted) {
            return false;
        }
        return a == Action.K && m.vr() != Vr.CS || (a == Action.C && m.vr() == Vr.TM
                && (profile.shiftsDates() || profile.has(Option.RETAIN_LONGITUDINAL_FULL_DATES)));
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
