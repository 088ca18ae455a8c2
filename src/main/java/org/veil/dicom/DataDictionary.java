package org.veil.dicom;

import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.InformationEntity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The standard data dictionary (PS3.6): tag, keyword and VR. Backed by PixelMed's dictionary so
 * that the tables come from one maintained source rather than a hand-typed copy.
 */
public final class DataDictionary {
    private static final DicomDictionary STANDARD = DicomDictionary.StandardDictionary;

    private DataDictionary() {
    }

    public static Optional<String> keywordForTag(int tag) {
        Optional<String> known = Optional.ofNullable(STANDARD.getNameFromTag(toPixelMed(dictionaryTag(tag))));
        return known.isPresent() ? known : Optional.ofNullable(NEWER.get(tag)).map(Entry::keyword);
    }

    public static Optional<Integer> tagForKeyword(String keyword) {
        AttributeTag t = STANDARD.getTagFromName(keyword);
        if (t != null) {
            return Optional.of((t.getGroup() << 16) | t.getElement());
        }
        return NEWER.entrySet().stream().filter(e -> e.getValue().keyword().equals(keyword)).map(Map.Entry::getKey).findFirst();
    }

    private record Entry(String keyword, Vr vr) {
    }

    /**
     * Attributes of PS3.15 Table E.1-1 that PixelMed's dictionary (2022b) does not know, with their
     * VR from PS3.6 (each of VM 1). Without them, a de-identification option that keeps or cleans
     * such an attribute could not tell its VR: a Position Acquisition Template Name sent as 64 KB
     * of US values would pass as numbers. {@code DataDictionaryTest} checks that every row of the
     * table is known.
     */
    private static final Map<Integer, Entry> NEWER = Map.ofEntries(
            Map.entry(0x00120022, new Entry("IssuerOfClinicalTrialProtocolID", Vr.LO)),
            Map.entry(0x00120023, new Entry("OtherClinicalTrialProtocolIDsSequence", Vr.SQ)),
            Map.entry(0x00120032, new Entry("IssuerOfClinicalTrialSiteID", Vr.LO)),
            Map.entry(0x00120041, new Entry("IssuerOfClinicalTrialSubjectID", Vr.LO)),
            Map.entry(0x00120043, new Entry("IssuerOfClinicalTrialSubjectReadingID", Vr.LO)),
            Map.entry(0x00120055, new Entry("IssuerOfClinicalTrialTimePointID", Vr.LO)),
            Map.entry(0x00120073, new Entry("IssuerOfClinicalTrialSeriesID", Vr.LO)),
            Map.entry(0x00181204, new Entry("DateOfManufacture", Vr.DA)),
            Map.entry(0x00181205, new Entry("DateOfInstallation", Vr.DA)),
            Map.entry(0x003A0329, new Entry("WaveformFilterDescription", Vr.ST)),
            Map.entry(0x003A032B, new Entry("FilterLookupTableDescription", Vr.ST)),
            Map.entry(0x30020121, new Entry("PositionAcquisitionTemplateName", Vr.LO)),
            Map.entry(0x30020123, new Entry("PositionAcquisitionTemplateDescription", Vr.LT)),
            Map.entry(0x3006002D, new Entry("ROIDateTime", Vr.DT)),
            Map.entry(0x3006002E, new Entry("ROIObservationDateTime", Vr.DT)),
            Map.entry(0x3006004D, new Entry("ROICreatorSequence", Vr.SQ)),
            Map.entry(0x3006004E, new Entry("ROIInterpreterSequence", Vr.SQ)));

    /**
     * The VR an implicit-VR data set implies for a tag (PS3.5 7.1.3). Private and unknown tags
     * are UN; private creators are LO; group lengths are UL.
     */
    public static Vr vrForTag(int tag) {
        return vrForTag(tag, false);
    }

    /**
     * As {@link #vrForTag(int)}, resolving "US or SS" by the data set's Pixel Representation
     * (PS3.5 Annex A: 0001H means signed).
     */
    public static Vr vrForTag(int tag, boolean signedPixels) {
        if (Tag.isGroupLength(tag)) {
            return Vr.UL;
        }
        if (Tag.isPrivate(tag)) {
            int element = Tag.element(tag);
            return element >= 0x10 && element <= 0xFF ? Vr.LO : Vr.UN;
        }
        byte[] vr = STANDARD.getValueRepresentationFromTag(toPixelMed(dictionaryTag(tag)));
        if (vr == null || vr.length != 2) {
            Entry newer = NEWER.get(tag);
            return newer == null ? Vr.UN : newer.vr();
        }
        Vr known = Vr.fromBytes(vr[0], vr[1]);
        if (vr[0] == 'X' && vr[1] == 'S') {
            // LUT descriptors count entries and bits whatever the pixels' sign (PS3.3 C.7.6.3.1.5,
            // C.11.1.1.1): US, as dcmtk and dcm4che read them.
            return signedPixels && !isLutDescriptor(tag) ? Vr.SS : Vr.US;
        }
        if (known == null) {
            // PixelMed's dictionary writes ambiguous VRs such as "US or SS" as the first of them,
            // and "OX" for OB/OW; treat OX as OW as PS3.5 A.1 does for implicit pixel data.
            return vr[0] == 'O' ? Vr.OW : Vr.UN;
        }
        return known;
    }

    /**
     * The most values the dictionary allows the attribute (PS3.6 VM: {@code 4} for Acquisition
     * Matrix, {@code 2-2n} gives none); empty when it sets no bound or does not know the tag.
     */
    public static OptionalInt maxValues(int tag) {
        int t = dictionaryTag(tag);
        if (WIDER.containsKey(t)) {
            int max = WIDER.get(t);
            return max == Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of(max);
        }
        Integer max = Multiplicities.MAX.get(t);
        if (max == null && NEWER.containsKey(t)) {
            return OptionalInt.of(1);
        }
        return max == null ? OptionalInt.empty() : OptionalInt.of(max);
    }

    /**
     * Where PixelMed's file narrows PS3.6: it writes "2-2n" as 2-2 (Contour Data's "3-3n" as 3-3),
     * and a few bounds lower than the standard's. Found by comparing it with dcmtk's dictionary
     * of the same years, attribute by attribute; the standard's bound here, none for "n".
     */
    private static final Map<Integer, Integer> WIDER = Map.ofEntries(
            Map.entry(0x00081162, Integer.MAX_VALUE), // Calculated Frame List, 3-3n
            Map.entry(0x001440A0, Integer.MAX_VALUE), // Image Quality Indicator Type, 1-n
            Map.entry(0x001440A1, Integer.MAX_VALUE), // Image Quality Indicator Material, 1-n
            Map.entry(0x001440A2, Integer.MAX_VALUE), // Image Quality Indicator Size, 1-n
            Map.entry(0x00181620, Integer.MAX_VALUE), // Vertices of the Polygonal Shutter, 2-2n
            Map.entry(0x00181720, Integer.MAX_VALUE), // Vertices of the Polygonal Collimator, 2-2n
            Map.entry(0x00220032, Integer.MAX_VALUE), // Reference Coordinates, 2-2n
            Map.entry(0x00281200, Integer.MAX_VALUE), // Gray Lookup Table Data, 1-n
            Map.entry(0x00286102, Integer.MAX_VALUE), // Applicable Frame Range, 2-2n
            Map.entry(0x00289503, Integer.MAX_VALUE), // Vertices of the Region, 2-2n
            Map.entry(0x00289506, Integer.MAX_VALUE), // Pixel Shift Frame Range, 2-2n
            Map.entry(0x00289507, Integer.MAX_VALUE), // LUT Frame Range, 2-2n
            Map.entry(0x0040A0B0, Integer.MAX_VALUE), // Referenced Waveform Channels, 2-2n
            Map.entry(0x0040A29A, Integer.MAX_VALUE), // Pixel Coordinates Set Trial, 2-2n
            Map.entry(0x00460208, Integer.MAX_VALUE), // Vertices of the Outline of Pupil, 2-2n
            Map.entry(0x00800007, Integer.MAX_VALUE), // Surface Point Color CIELab Value Data, 3-3n
            Map.entry(0x00880912, 32),                // Topic Keywords, 1-32
            Map.entry(0x20400011, 99),                // Referenced Overlay Plane Groups, 1-99
            Map.entry(0x30040058, Integer.MAX_VALUE), // DVH Data, 2-2n
            Map.entry(0x30060050, Integer.MAX_VALUE), // Contour Data, 3-3n
            Map.entry(0x300A0106, Integer.MAX_VALUE), // Block Data, 2-2n
            Map.entry(0x300A011C, Integer.MAX_VALUE), // Leaf/Jaw Positions, 2-2n
            Map.entry(0x300A0399, Integer.MAX_VALUE)); // Scan Spot Sizes Delivered, 2-2n

    /**
     * PixelMed's dictionary (the same 2022b edition) as it ships it in {@code elmdict.xml}, one
     * element per line: its Java API gives VRs and names, not multiplicities. Read once, on first use.
     */
    private static final class Multiplicities {
        private static final Pattern ELEMENT = Pattern.compile(
                "<Group>0x([0-9A-Fa-f]{4})</Group><Element>0x([0-9A-Fa-f]{4})</Element>.*<VMMax>(\\d+)</VMMax>");
        static final Map<Integer, Integer> MAX = read();

        private static Map<Integer, Integer> read() {
            Map<Integer, Integer> max = new HashMap<>();
            try (InputStream in = DicomDictionary.class.getResourceAsStream("/com/pixelmed/dicom/elmdict.xml")) {
                if (in == null) {
                    throw new IllegalStateException("PixelMed's elmdict.xml is not on the class path");
                }
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    Matcher m = ELEMENT.matcher(line);
                    if (m.find()) {
                        max.put(Integer.parseInt(m.group(1), 16) << 16 | Integer.parseInt(m.group(2), 16), Integer.parseInt(m.group(3)));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.copyOf(max);
        }
    }

    private static boolean isLutDescriptor(int tag) {
        return tag == 0x00283002 || (tag >= 0x00281101 && tag <= 0x00281103) || (tag >= 0x00281111 && tag <= 0x00281113);
    }

    /** The query/retrieve level an attribute belongs to (PS3.3 information entities). */
    public static QueryLevel levelOf(int tag) {
        InformationEntity ie = STANDARD.getInformationEntityFromTag(toPixelMed(dictionaryTag(tag)));
        if (ie == InformationEntity.PATIENT) {
            return QueryLevel.PATIENT;
        }
        if (ie == InformationEntity.STUDY) {
            return QueryLevel.STUDY;
        }
        if (ie == InformationEntity.SERIES) {
            return QueryLevel.SERIES;
        }
        return QueryLevel.INSTANCE;
    }

    /** Repeating groups (50xx curves, 60xx overlays) are listed once, under their base group. */
    private static int dictionaryTag(int tag) {
        int group = Tag.group(tag);
        if ((group & 0xFF00) == 0x5000 || (group & 0xFF00) == 0x6000) {
            return ((group & 0xFF00) << 16) | Tag.element(tag);
        }
        return tag;
    }

    private static AttributeTag toPixelMed(int tag) {
        return new AttributeTag(Tag.group(tag), Tag.element(tag));
    }
}
