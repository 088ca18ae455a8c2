package org.veil.deid;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What a derivative was made with: the engine's revision, the table, the attribute policy, the
 * vocabularies, the pixel rules (Veil's and the site's), the cleaning limit and the text reader.
 * Its fingerprint, with the profile's options, is part of every derivative's and every view's key
 * (docs/deidentification.md, "The derivative store"), so that a change of configuration never
 * serves a copy made under the old one.
 */
final class Recipe {
    /** Raised whenever the engine's code changes what it makes of the same input. */
    static final String ENGINE_REVISION = "veil-deid-8 (default deny, text check in every rendering, retained values in shape, samples in place,"
            + " registered UIDs only, VRs of the newer table rows, multiplicities, dates not the patient's removed, spectroscopy withheld,"
            + " the original's identifiers in no value kept, one creator value, High Bit checked, bounded searches,"
            + " padding drawn as any value, one Pixel Representation, text as written, RGB of YBR, 32-bit as floats, frame edges,"
            + " no birth year where no dates are kept, text lines at five levels judged by their glyphs, names read through invisible and lookalike letters, long names inside words, control characters)";
    static final List<String> RESOURCES = List.of("ps3.15-table-e.1-1.json", "attribute-policy.tsv", "code-strings.txt",
            "descriptor-words.txt", "burned-in-words.txt", "dcm-codes.tsv", "rules-devices.txt", "rules-derived.txt",
            "rules-catch-all.txt");

    private final byte[] digest;

    private Recipe(byte[] digest) {
        this.digest = digest;
    }

    /** Veil's own resources and revision, and whatever the configuration adds (site rules, words, limits). */
    static Recipe of(List<byte[]> configured) {
        MessageDigest sha = sha256();
        update(sha, ENGINE_REVISION.getBytes(StandardCharsets.UTF_8));
        for (String name : RESOURCES) {
            update(sha, ShippedData.read(name, InputStream::readAllBytes));
        }
        configured.forEach(part -> update(sha, part));
        return new Recipe(sha.digest());
    }

    /** The fingerprint of this recipe applied under a profile: twelve hex digits. */
    String under(Profile profile) {
        MessageDigest sha = sha256();
        update(sha, digest);
        profile.options().stream().map(Enum::name).sorted().forEach(o -> update(sha, o.getBytes(StandardCharsets.US_ASCII)));
        return HexFormat.of().formatHex(sha.digest(), 0, 6);
    }

    private static void update(MessageDigest sha, byte[] part) {
        sha.update(new byte[] {(byte) (part.length >>> 24), (byte) (part.length >>> 16), (byte) (part.length >>> 8), (byte) part.length});
        sha.update(part);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
