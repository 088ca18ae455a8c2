package org.veil.deid;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.veil.dicom.EditableDataset;
import org.veil.dicom.MalformedDicomException;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.PixelFrames;
import org.veil.dicom.StorageKind;
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
    static final long DEFAULT_MAX_DECODED_BYTES = 256L << 20;

    private final AttributeCleaner.Rules rules;
    private final Keys keys;
    private final PixelCleaner pixels;
    private final BurnedInTextCheck textCheck;
    private final long maxDecodedBytes;
    private final java.util.function.Supplier<java.time.LocalDate> today;
    private final Recipe recipe;

    public Deidentifier(ActionTable table, Keys keys, DescriptorCleaner descriptors, PixelCleaner pixels,
                        BurnedInTextCheck textCheck, long maxDecodedBytes) {
        this(new AttributeCleaner.Rules(table, AttributePolicy.standard(), descriptors,
                Vocabulary.standard(DescriptorCleaner.standardWords()), CodedEntries.standard(DescriptorCleaner.standardWords())),
                keys, pixels, textCheck, maxDecodedBytes, java.time.LocalDate::now,
                Recipe.of(List.of(Long.toString(maxDecodedBytes).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        Tesseract.version().getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
    }

    Deidentifier(AttributeCleaner.Rules rules, Keys keys, PixelCleaner pixels, BurnedInTextCheck textCheck, long maxDecodedBytes,
                 java.util.function.Supplier<java.time.LocalDate> today, Recipe recipe) {
        this.recipe = recipe;
        this.rules = rules;
        this.keys = keys;
        this.pixels = pixels;
        this.textCheck = textCheck;
        this.maxDecodedBytes = maxDecodedBytes;
        this.today = today;
    }

    /** The standard table, vocabulary, rules and text check, with the given keys. */
    public static Deidentifier standard(Keys keys) {
        return new Deidentifier(ActionTable.standard(), keys, DescriptorCleaner.standard(),
                new PixelCleaner(PixelCleaner.standardRules()), BurnedInTextCheck.standard(), DEFAULT_MAX_DECODED_BYTES);
    }

    public Keys keys() {
        return keys;
    }

    /**
     * The version a derivative made now under the profile is kept under: the secret's key version
     * and the recipe's fingerprint with the profile's options. Derived UIDs depend on the secret
     * only, and keep the key version.
     */
    public String derivativeVersion(Profile profile) {
        return keys.version() + "." + recipe.under(profile);
    }

    /**
     * De-identifies one Part 10 instance: whether its kind can be de-identified at all, what its
     * pixels need (from the original header), the pixels themselves (decoded, bits outside Bits
     * Stored cleared, regions painted, text looked for, written back native), then its attributes.
     * Whatever cannot be cleaned with confidence is withheld, with a reason that names no value.
     */
    public Outcome deidentify(byte[] original, Profile profile, String context) throws IOException, MalformedDicomException {
        // The decisions before the pixels need the header alone; the pixels are read once, decoded,
        // by cleanPixels, and an instance without Pixel Data is read whole by readHeader.
        return guarded(() -> deidentify(Part10Editor.readHeader(original), original, profile, context));
    }

    /**
     * What a search may list of one instance before its pixels are judged: its attributes
     * de-identified by the same rules as {@link #deidentify}, every decision the header alone can
     * make (the SOP class, the pixel plan, whether the pixels can be decoded and within the limit),
     * and no pixel data. It keeps the original's pixel description where decoding rewrites it
     * (YBR to RGB, planes interleaved), and lacks what follows the Pixel Data; nothing else
     * differs ({@code ListingTest}). Never served as an instance: the derivative replaces it
     * before any retrieval, and an instance its pixels then withhold (text, or pixels that do not
     * decode) drops out (docs/architecture.md).
     */
    public Outcome list(java.io.InputStream original, Profile profile, String context) throws IOException, MalformedDicomException {
        // Read up to the pixels only: the listing's Pixel Data is a stand-in, taken out below.
        return guarded(() -> deidentify(Part10Editor.readHeader(original), null, profile, context));
    }

    private interface Run {
        Outcome run() throws IOException, MalformedDicomException;
    }

    /**
     * Default deny for what the engine did not foresee: a value of a form no rule expected (a
     * number that is none, a VR a tag should not have) that makes a step throw withholds the
     * instance, as anything else it cannot clean with confidence, instead of failing the request,
     * and with it every search that lists the study. The reason names the exception's class only:
     * its message may quote the value.
     */
    private static Outcome guarded(Run run) throws IOException, MalformedDicomException {
        try {
            return run.run();
        } catch (RuntimeException e) {
            return new Outcome.Withheld("the instance could not be de-identified with confidence (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The whole derivative from the original's bytes, or with none (a listing) what the header alone decides. */
    private Outcome deidentify(Part10Editor header, byte[] original, Profile profile, String context)
            throws IOException, MalformedDicomException {
        boolean judgePixels = original != null;
        EditableDataset root = header.root();
        String sopClass = root.string(Tag.SOPClassUID).orElse("").trim();
        if (root.string(Tag.SOPInstanceUID).filter(s -> !s.isBlank()).isEmpty() || sopClass.isEmpty()) {
            return new Outcome.Withheld("the instance has no SOP Class or SOP Instance UID");
        }
        StorageKind kind = StorageKind.of(sopClass);
        if (!kind.canBeDeidentified()) {
            return new Outcome.Withheld(switch (kind) {
                case ENCAPSULATED_DOCUMENT -> "encapsulated documents cannot be de-identified";
                case AUDIO -> "audio cannot be de-identified";
                case VIDEO -> "video cannot be de-identified";
                case RAW_OR_PRIVATE -> "raw data and private SOP classes cannot be de-identified";
                default -> "the SOP class is not one Veil knows how to de-identify";
            });
        }
        if (kind == StorageKind.WAVEFORM) {
            Optional<String> sound = WaveformRates.withheld(root);
            if (sound.isPresent()) {
                return new Outcome.Withheld(sound.get());
            }
        }
        if (kind == StorageKind.SPECTROSCOPY && root.contains(AttributeCleaner.SPECTROSCOPY_DATA)) {
            // Samples no check reads, as float pixel data: a free induction decay at a spectral
            // width of 8 kHz is ten seconds of speech in 80,000 points, and a multi-voxel grid's
            // amplitudes can draw text.
            return new Outcome.Withheld("spectroscopy samples cannot be checked for a voice or for text");
        }
        PixelPlan plan = pixels.plan(root, profile);
        if (plan instanceof PixelPlan.Withhold w) {
            return new Outcome.Withheld(w.reason());
        }
        Part10Editor instance = header;
        boolean hasPixels = root.contains(PixelCleaner.PIXEL_DATA);
        if (hasPixels) {
            try {
                checkDecodable(header);
                if (judgePixels) {
                    instance = cleanPixels(original, header, plan, profile);
                } else {
                    instance.remove(PixelCleaner.PIXEL_DATA);
                }
            } catch (UndecodablePixelDataException | PixelsWithheld e) {
                return new Outcome.Withheld(e.getMessage());
            }
        }
        AttributeCleaner run = new AttributeCleaner(rules, keys, instance.root(), profile, context, today.get());
        run.apply();
        if (plan instanceof PixelPlan.Black) {
            instance.root().put(PixelCleaner.BURNED_IN_ANNOTATION, Vr.CS, "NO");
        }
        // A listing has had its Pixel Data taken out; it says what its derivative will say.
        if (profile.has(Option.CLEAN_RECOGNIZABLE_VISUAL_FEATURES)
                && (judgePixels ? instance.root().contains(PixelCleaner.PIXEL_DATA) : hasPixels)) {
            instance.root().put(RECOGNIZABLE_VISUAL_FEATURES, Vr.CS, "NO");
        }
        EditableDataset out = instance.root();
        if (out.string(Tag.SOPClassUID).filter(s -> !s.isBlank()).isEmpty()) {
            // Without it the File Meta Information is not written afresh, and the input's would stay.
            return new Outcome.Withheld("the instance's SOP Class UID did not survive cleaning");
        }
        if (out.string(Tag.SOPInstanceUID).filter(s -> !s.isBlank()).isEmpty()) {
            // A value that was no UID is emptied, not remapped: no instance can be named by it,
            // and the File Meta Information is written afresh only for an instance that has one
            // (the input's would otherwise stay, with its AE titles and private information).
            return new Outcome.Withheld("the instance's SOP Instance UID is not a UID");
        }
        byte[] part10 = instance.toBytes();
        return new Outcome.Derived(part10, out.string(Tag.StudyInstanceUID).orElse(""),
                out.string(Tag.SeriesInstanceUID).orElse(""), out.string(Tag.SOPInstanceUID).orElse(""),
                Map.copyOf(run.derivedUids()));
    }

    /**
     * The pixels, decoded once: bits outside Bits Stored cleared, the plan's regions painted, and
     * under Clean Pixel Data every frame checked for text. Written back as native samples, so the
     * derivative carries exactly its pixels: no codec segments (JPEG COM and APPn, JPEG 2000
     * comments), no bytes past the last frame. Throws with the reason when the pixels must be withheld.
     * Done under every profile: "pixel data carries only pixels" is not an option.
     */
    private Part10Editor cleanPixels(byte[] original, Part10Editor header, PixelPlan plan, Profile profile)
            throws IOException, MalformedDicomException, UndecodablePixelDataException, PixelsWithheld {
        Part10Editor decoded = Part10Editor.readDecoded(original, maxDecodedBytes);
        if (!decoded.root().contains(PixelCleaner.PIXEL_DATA)) {
            // The header named Pixel Data that the whole file does not hold (cut short after its
            // tag): an instance without pixels, as reading it whole always made it.
            return decoded;
        }
        PixelFrames frames = decoded.pixels(maxDecodedBytes);
        if (frames.paletteUnreadable()) {
            // A segmented palette, say: the text check would judge indices, not the colours shown.
            throw new PixelsWithheld("the image's palette cannot be read to look for text");
        }
        frames.clearUnusedBits();
        if (plan instanceof PixelPlan.Black black) {
            frames.paint(black.regions());
        }
        // Every image is looked at, whatever the profile: a profile without Clean Pixel Data cleans no pixels,
        // but still serves none that show identifying text.
        Optional<String> text = textCheck.check(frames);
        if (text.isPresent()) {
            throw new PixelsWithheld(text.get());
        }
        frames.store();
        return decoded;
    }

    /** What the header alone says against cleaning the pixels: a syntax Veil cannot decode, or more than the limit. */
    private void checkDecodable(Part10Editor header) throws PixelsWithheld {
        if (!Part10Editor.canDecode(header.transferSyntax())) {
            throw new PixelsWithheld("pixel data in transfer syntax " + header.transferSyntax() + " cannot be decoded for cleaning");
        }
        long size = header.decodedPixelBytes();
        if (size < 0) {
            throw new PixelsWithheld("the image pixel description cannot be read");
        }
        if (size > maxDecodedBytes) {
            throw new PixelsWithheld("the decoded pixel data is larger than the cleaning limit");
        }
    }

    /** Pixels that must not be served, with the reason. */
    private static final class PixelsWithheld extends Exception {
        PixelsWithheld(String reason) {
            super(reason, null, false, false);
        }
    }



}
