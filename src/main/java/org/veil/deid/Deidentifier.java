package org.veil.deid;

import java.io.IOException;
import java.util.Map;
import org.veil.dicom.EditableDataset;
import org.veil.dicom.MalformedDicomException;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.UndecodablePixelDataException;
import org.veil.dicom.Tag;
import org.veil.dicom.Vr;

/**
 * Makes a de-identified derivative of one instance under a profile (PS3.15 Annex E), in a
 * context that keys every derived value (the profile's name, later a share): pixels as the
 * {@link PixelCleaner} decides, attributes by {@link AttributeCleaner}. Every derived value comes
 * from {@link Keys}, so all instances of a patient agree. Plain Java over Veil's {@code dicom}
 * package: no Quarkus, no database.
 */
public final class Deidentifier {
    static final int RECOGNIZABLE_VISUAL_FEATURES = 0x00280302;
    /** Decoded pixel data larger than this is not cleaned in memory: such instances are withheld. */
    static final long DEFAULT_MAX_DECODED_BYTES = 1L << 30;

    private final ActionTable table;
    private final Keys keys;
    private final DescriptorCleaner descriptors;
    private final PixelCleaner pixels;
    private final long maxDecodedBytes;

    public Deidentifier(ActionTable table, Keys keys, DescriptorCleaner descriptors, PixelCleaner pixels, long maxDecodedBytes) {
        this.table = table;
        this.keys = keys;
        this.descriptors = descriptors;
        this.pixels = pixels;
        this.maxDecodedBytes = maxDecodedBytes;
    }

    /** The standard table, vocabulary and rules, with the given keys. */
    public static Deidentifier standard(Keys keys) {
        return new Deidentifier(ActionTable.standard(), keys, DescriptorCleaner.standard(),
                new PixelCleaner(PixelCleaner.standardRules()), DEFAULT_MAX_DECODED_BYTES);
    }

    public Keys keys() {
        return keys;
    }

    /**
     * De-identifies one Part 10 instance: first what its pixels need (from the original header),
     * then its attributes. An instance whose cleaning is required but impossible is withheld.
     */
    public Outcome deidentify(byte[] original, Profile profile, String context) throws IOException, MalformedDicomException {
        Part10Editor instance = Part10Editor.read(original);
        PixelPlan plan = pixels.plan(instance.root(), profile);
        if (plan instanceof PixelPlan.Withhold w) {
            return new Outcome.Withheld(w.reason());
        }
        if (plan instanceof PixelPlan.Black black) {
            if (!Part10Editor.canDecode(instance.transferSyntax())) {
                return new Outcome.Withheld("pixel data in transfer syntax " + instance.transferSyntax() + " cannot be decoded for cleaning");
            }
            if (decodedBytes(instance.root()) > maxDecodedBytes) {
                return new Outcome.Withheld("the decoded pixel data is larger than the cleaning limit");
            }
            try {
                instance = Part10Editor.readDecoded(original).blackout(black.regions());
            } catch (UndecodablePixelDataException e) {
                return new Outcome.Withheld(e.getMessage());
            }
        }
        AttributeCleaner run = new AttributeCleaner(table, keys, descriptors, instance.root(), profile, context);
        run.apply();
        if (plan instanceof PixelPlan.Black) {
            instance.root().put(PixelCleaner.BURNED_IN_ANNOTATION, Vr.CS, "NO");
        }
        if (profile.has(Option.CLEAN_RECOGNIZABLE_VISUAL_FEATURES) && instance.root().contains(PixelCleaner.PIXEL_DATA)) {
            instance.root().put(RECOGNIZABLE_VISUAL_FEATURES, Vr.CS, "NO");
        }
        byte[] part10 = instance.toBytes();
        EditableDataset root = instance.root();
        return new Outcome.Derived(part10, root.string(Tag.StudyInstanceUID).orElse(""),
                root.string(Tag.SeriesInstanceUID).orElse(""), root.string(Tag.SOPInstanceUID).orElse(""),
                Map.copyOf(run.derivedUids()));
    }


    private static long decodedBytes(EditableDataset header) {
        long rows = header.string(Tag.Rows).map(Long::parseLong).orElse(0L);
        long columns = header.string(Tag.Columns).map(Long::parseLong).orElse(0L);
        long samples = header.string(0x00280002).map(Long::parseLong).orElse(1L);
        long bits = header.string(0x00280100).map(Long::parseLong).orElse(16L);
        long frames = header.string(Tag.NumberOfFrames).map(s -> Long.parseLong(s.trim())).orElse(1L);
        return rows * columns * samples * ((bits + 7) / 8) * frames;
    }

}
