package org.veil.deid;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * What a value kept as text reads as in ASCII once written: in GBK and GB18030 a character's
 * second (and fourth) byte may be an ASCII letter or digit, and under ISO 2022 IR 87 and IR 159
 * (JIS X 0208, 0212) every byte of a kanji is, so a name or an MRN can be written in characters
 * that decode to something else entirely (GBK 81 53 81 4D 81 49 81 54 81 48 is five ideographs,
 * and its bytes read SMITH). The identity checks read the value as decoded and as this.
 * Character sets whose multi-byte characters lie above ASCII (ISO 2022 IR 149 and IR 58, UTF-8)
 * and single-byte ones hide nothing here: their non-ASCII characters give nothing.
 */
final class WrittenAscii {

    private static final byte ESC = 0x1B;

    private WrittenAscii() {
    }

    /**
     * The encoder of the instance's Specific Character Set whose bytes can hide ASCII; null when
     * none can; {@link #UNREADABLE} when one can and this runtime has no encoder for it (a native
     * executable built without it), so that what it cannot read is taken to name the patient.
     */
    static Charset hiding(List<String> specificCharacterSet) {
        try {
            return encoder(specificCharacterSet);
        } catch (IllegalArgumentException e) {
            return UNREADABLE;
        }
    }

    /** Stands for a character set that hides ASCII and cannot be encoded here. */
    static final Charset UNREADABLE = StandardCharsets.UTF_16BE;

    private static Charset encoder(List<String> specificCharacterSet) {
        boolean jis = false;
        for (String term : specificCharacterSet) {
            String t = term == null ? "" : term.trim().toUpperCase(Locale.ROOT);
            switch (t) {
                case "GB18030" -> {
                    return Charset.forName("GB18030");
                }
                case "GBK" -> {
                    return Charset.forName("GBK");
                }
                case "ISO 2022 IR 87", "ISO 2022 IR 159" -> jis = true;
                default -> {
                    // single-byte sets, and multi-byte ones above ASCII
                }
            }
        }
        return jis ? Charset.forName("ISO-2022-JP-2") : null;
    }

    /**
     * The value with each non-ASCII character replaced by the letters and digits its encoding
     * writes in ASCII's range (escape sequences left out), its ASCII characters as they are.
     */
    static String of(String value, Charset charset) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (cp < 0x80) {
                out.appendCodePoint(cp);
            } else {
                byte[] b = value.substring(i, next).getBytes(charset);
                for (int k = 0; k < b.length; k++) {
                    if (b[k] == ESC) {
                        // ESC, intermediate bytes (0x20-0x2F), one final byte: a designation, not text
                        k++;
                        while (k < b.length && b[k] >= 0x20 && b[k] <= 0x2F) {
                            k++;
                        }
                        continue;
                    }
                    if (Character.isLetterOrDigit(b[k]) && b[k] > 0) {
                        out.append((char) b[k]);
                    }
                }
            }
            i = next;
        }
        return out.toString();
    }

    /** A binary value read as Latin-1, for the same checks: a kept timestamp's bytes could spell a name. */
    static String of(byte[] value) {
        return new String(value, StandardCharsets.ISO_8859_1);
    }
}
