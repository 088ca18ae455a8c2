package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.DicomReader;
import org.veil.dicom.InstanceParser;
import org.veil.dicom.MalformedDicomException;

/**
 * A listing ({@link Deidentifier#list}) against the derivative ({@link Deidentifier#deidentify})
 * of the same instance, under every default profile, over every real and sample file and the
 * hostile corpora: the listing shows nothing its derivative does not (every attribute it has, the
 * derivative has with the same value, but for the pixel description that decoding rewrites), and
 * every verdict the header alone can give is the same. The only instances a listing shows and
 * the derivative withholds are those whose pixels decided it.
 */
class ListingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * What writing the pixels back native may change in the pixel description (PS3.3 C.7.6.3):
     * colour decoded to RGB, planes interleaved; the listing keeps the original's.
     */
    private static final Set<String> REWRITTEN_WITH_THE_PIXELS = Set.of("00280004", "00280006");
    private final Deidentifier engine = Deidentifier.standard(new Keys(DeidentifierTest.SECRET));

    @Test
    void aListingShowsNothingItsDerivativeDoesNotAndHeaderVerdictsAgree() throws Exception {
        List<byte[]> instances = new ArrayList<>();
        TestData.dicomFiles().forEach(p -> instances.add(TestData.bytes(TestData.root().relativize(p).toString())));
        AdversarialCorpus.attributes().forEach(c -> instances.add(c.part10()));
        AdversarialCorpus.withheld().forEach(c -> instances.add(c.part10()));
        instances.add(new LeakCorpus().part10());
        // A name in the pixels that nothing in the header announces: only the pixels can decide.
        instances.add(PixelCorpusTest.instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null,
                List.of(PixelCorpusTest.draw(PixelCorpusTest.ct(256, 1), 6, 6, 16, "BAKER JOHN 48213377")), null));
        int listedAndDerived = 0;
        int pixelsDecided = 0;
        int headerWithheld = 0;
        for (byte[] original : instances) {
            if (!storable(original)) {
                // STOW refuses it (a truncated file, say): never an original to list.
                continue;
            }
            for (Profile profile : Profiles.defaults().all().values()) {
                Outcome derivative;
                try {
                    derivative = engine.deidentify(original, profile, profile.name());
                } catch (MalformedDicomException e) {
                    // Not stored by STOW in the first place; the build withholds it.
                    continue;
                }
                Outcome listing = engine.list(new ByteArrayInputStream(original), profile, profile.name());
                if (listing instanceof Outcome.Withheld l) {
                    assertThat(derivative).as("what the header withholds from a listing, it withholds from the derivative")
                            .isInstanceOf(Outcome.Withheld.class);
                    assertThat(((Outcome.Withheld) derivative).reason()).isEqualTo(l.reason());
                    headerWithheld++;
                } else if (derivative instanceof Outcome.Withheld w) {
                    // Only the pixels themselves may decide against a listed instance.
                    assertThat(w.reason()).as("withheld after listing").containsAnyOf("text", "decoded");
                    pixelsDecided++;
                } else {
                    Outcome.Derived l = (Outcome.Derived) listing;
                    Outcome.Derived d = (Outcome.Derived) derivative;
                    assertThat(l.derivedUids()).isEqualTo(d.derivedUids());
                    JsonNode listed = metadata(l.part10());
                    JsonNode derived = metadata(d.part10());
                    for (Iterator<Map.Entry<String, JsonNode>> it = listed.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        if (!REWRITTEN_WITH_THE_PIXELS.contains(e.getKey())) {
                            assertThat(derived.get(e.getKey())).as("%s under %s, instance %d", e.getKey(), profile.name(), instances.indexOf(original)).isEqualTo(e.getValue());
                        }
                    }
                    assertThat(listed.has("7FE00010")).isFalse();
                    listedAndDerived++;
                }
            }
        }
        assertThat(listedAndDerived).isGreaterThan(100);
        assertThat(headerWithheld).isPositive();
        assertThat(pixelsDecided).isPositive();
        System.out.printf("listings: %d derived both ways, %d withheld by the header, %d by the pixels%n",
                listedAndDerived, headerWithheld, pixelsDecided);
    }

    private static boolean storable(byte[] part10) {
        try {
            InstanceParser.parse(new ByteArrayInputStream(part10), DicomReader.Limits.DEFAULT);
            return true;
        } catch (MalformedDicomException | java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    private static JsonNode metadata(byte[] part10) throws Exception {
        return JSON.readTree(InstanceParser.parse(new ByteArrayInputStream(part10), DicomReader.Limits.DEFAULT).metadataJson());
    }
}
