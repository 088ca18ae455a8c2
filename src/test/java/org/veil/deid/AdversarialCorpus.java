package org.veil.deid;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.veil.dicom.EditableDataset;

/**
 * Hostile instances: identifiers planted where PS3.15 Table E.1-1 does not look (issue 14 and
 * docs/deidentification.md, "Proof"). Each case says what it hides, where, and what a safe
 * derivative looks like: no marker in its bytes (every marker must be in the original's), and,
 * where it matters, a check on what is left. Built byte by byte ({@link RawDataset}), so that no
 * toolkit normalises the trick away before Veil sees it.
 */
final class AdversarialCorpus {
    static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    static final String STUDY = "1.2.826.0.1.3680043.10.999.1001";
    static final String SERIES = "1.2.826.0.1.3680043.10.999.1002";
    /** The hospital's UID root: no UID under it may leave. */
    static final String ROOT = "1.2.826.0.1.3680043.10.999";

    /** What must hold of the outcome. */
    enum Expect { DERIVED, WITHHELD }

    /** One hostile instance: its markers (as bytes in the original), and a check on the derivative's data set. */
    record Case(String name, byte[] part10, List<String> markers, Expect expect, Check check) {
        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    interface Check {
        void on(EditableDataset derivative, Profile profile);
    }

    private static final Check NOTHING_MORE = (d, p) -> { };

    private AdversarialCorpus() {
    }

    /** A small CT of a patient with every identifying attribute the table knows, and a plain image. */
    static RawDataset ct(int n) {
        RawDataset d = new RawDataset()
                .text(0x00080005, "CS", "ISO_IR 100")
                .text(0x00080008, "CS", "ORIGINAL\\PRIMARY\\AXIAL")
                .text(0x00080016, "UI", CT)
                .text(0x00080018, "UI", ROOT + ".3." + n)
                .text(0x00080020, "DA", "20240310")
                .text(0x00080030, "TM", "143022")
                .text(0x00080050, "SH", "A24-0042")
                .text(0x00080060, "CS", "CT")
                .text(0x00080070, "LO", "ACME")
                .text(0x00080080, "LO", "St Marys Hospital")
                .text(0x00080090, "PN", "LONG^ANNA")
                .text(0x00081030, "LO", "CT CHEST")
                .text(0x00100010, "PN", "BAKER^JOHN")
                .text(0x00100020, "LO", "MRN48213377")
                .text(0x00100021, "LO", "STMARYS")
                .text(0x00100030, "DA", "19700101")
                .text(0x00100040, "CS", "M")
                .text(0x00180015, "CS", "CHEST")
                .text(0x0020000D, "UI", STUDY)
                .text(0x0020000E, "UI", SERIES)
                .text(0x00200010, "SH", "4711")
                .text(0x00200013, "IS", Integer.toString(n))
                .us(0x00280002, 1)
                .text(0x00280004, "CS", "MONOCHROME2")
                .us(0x00280010, 16)
                .us(0x00280011, 16)
                .us(0x00280100, 16)
                .us(0x00280101, 12)
                .us(0x00280102, 11)
                .us(0x00280103, 0);
        byte[] pixels = new byte[16 * 16 * 2];
        for (int i = 0; i < 256; i++) {
            int v = 200 + (i % 16) * 10;
            pixels[2 * i] = (byte) v;
            pixels[2 * i + 1] = (byte) (v >>> 8);
        }
        return d.put(0x7FE00010, "OW", pixels);
    }

    static List<Case> attributes() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("URLs naming the PACS host and the original UIDs", ct(1)
                .text(0x00081190, "UR", "https://pacs.stmarys.example/dicomweb/studies/" + STUDY + "?ZZLEAK01A")
                .text(0x00287FE0, "UR", "jpip://jpip.stmarys.example/ZZLEAK01B")
                .text(0x0040E010, "UR", "http://pacs.stmarys.example/wado?studyUID=" + STUDY + "&ZZLEAK01C")
                .text(0x00404073, "UR", "file://nas.stmarys.example/ZZLEAK01D/")
                .sequence(0x00081115, "SQ", new RawDataset().text(0x0020000E, "UI", SERIES)
                        .text(0x00081190, "UR", "https://pacs.stmarys.example/ZZLEAK01E"))
                .part10(CT, ROOT + ".3.1"), List.of("ZZLEAK01A", "ZZLEAK01B", "ZZLEAK01C", "ZZLEAK01D", "ZZLEAK01E", "stmarys.example"),
                Expect.DERIVED, NOTHING_MORE));
        cases.add(new Case("HL7 instance identifier, document title, completion flag description", ct(2)
                .text(0x00420010, "ST", "Discharge letter for Baker ZZLEAK02A")
                .text(0x0040A492, "LO", "Dictated by Dr Baker ZZLEAK02B")
                .sequence(0x0040A390, "SQ", new RawDataset().text(0x00081150, "UI", "1.2.840.10008.5.1.4.1.1.104.2")
                        .text(0x00081155, "UI", ROOT + ".77")
                        .text(0x0040E001, "ST", "2.16.840.1.113883.19.5^ZZLEAK02C"))
                .part10(CT, ROOT + ".3.2"), List.of("ZZLEAK02A", "ZZLEAK02B", "ZZLEAK02C", "Baker"), Expect.DERIVED, NOTHING_MORE));
        cases.add(new Case("unlisted person names, also in other scripts", ct(3)
                .text(0x00080005, "CS", "ISO_IR 192")
                .text(0x00142006, "PN", "ZZLEAK03A^JOHN")
                .text(0x00140104, "PN", "\u0418\u0432\u0430\u043D\u043E\u0432^\u041F\u0451\u0442\u0440", StandardCharsets.UTF_8)
                .text(0x00189423, "LO", "\u738B\u5C0F\u660E ZZLEAK03B", StandardCharsets.UTF_8)
                .part10(CT, ROOT + ".3.3"), List.of("ZZLEAK03A", "ZZLEAK03B",
                new String("\u0418\u0432\u0430\u043D\u043E\u0432".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1),
                new String("\u738B\u5C0F\u660E".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)),
                Expect.DERIVED, NOTHING_MORE));
        cases.add(new Case("an unlisted date and a device's calibration date", ct(4)
                .text(0x00140102, "DA", "20110417")
                .text(0x00181200, "DA", "20090923")
                .part10(CT, ROOT + ".3.4"), List.of("20110417"), Expect.DERIVED, (d, p) -> {
                    if (!p.has(Option.RETAIN_LONGITUDINAL_FULL_DATES)) {
                        org.assertj.core.api.Assertions.assertThat(d.contains(0x00181200))
                                .as("a device date is removed, never shifted by the patient's shift").isFalse();
                    }
                }));
        cases.add(new Case("sequences sent as UN with a defined length", ct(5)
                .sequence(0x00081250, "UN", new RawDataset().text(0x0020000D, "UI", STUDY).text(0x0020000E, "UI", ROOT + ".9")
                        .text(0x00081030, "LO", "ZZLEAK05A"))
                .sequence(0x0018A001, "UN", new RawDataset().text(0x00080070, "LO", "ZZLEAK05B").text(0x00080080, "LO", "ZZLEAK05C")
                        .text(0x00081010, "SH", "ZZLEAK05D").text(0x00081070, "PN", "ZZLEAK05E^OPERATOR"))
                .sequence(0x52009229, "UN", new RawDataset().sequence(0x00289110, "SQ",
                        new RawDataset().text(0x00280030, "DS", "0.5\\0.5").text(0x00180050, "DS", "1.25"))
                        .sequence(0x00209111, "SQ", new RawDataset().text(0x00209158, "LT", "ZZLEAK05F Baker")))
                .part10(CT, ROOT + ".3.5"), List.of("ZZLEAK05A", "ZZLEAK05B", "ZZLEAK05C", "ZZLEAK05E", "ZZLEAK05F", ROOT),
                Expect.DERIVED, (d, p) -> {
                    // Station Name is kept on purpose under Retain Device Identity (Table E.1-1 K), and only then
                    boolean station = d.items(0x0018A001).stream().anyMatch(i -> i.string(0x00081010).orElse("").contains("ZZLEAK05D"));
                    org.assertj.core.api.Assertions.assertThat(station).as("the station name inside the decoded sequence")
                            .isEqualTo(p.has(Option.RETAIN_DEVICE_IDENTITY));
                    List<EditableDataset> shared = d.items(0x52009229);
                    org.assertj.core.api.Assertions.assertThat(shared).as("the functional groups come back as a sequence").hasSize(1);
                    org.assertj.core.api.Assertions.assertThat(shared.get(0).items(0x00289110).get(0).strings(0x00280030))
                            .as("their geometry is kept").containsExactly("0.5", "0.5");
                }));
        cases.add(new Case("attributes no dictionary knows, in even groups", ct(6)
                .text(0x001099F1, "LO", "ZZLEAK06A")
                .text(0x001899F4, "UT", "ZZLEAK06B")
                .put(0x002899F5, "OB", "ZZLEAK06C ".getBytes(StandardCharsets.US_ASCII))
                .sequence(0x00081115, "SQ", new RawDataset().text(0x0020000E, "UI", SERIES).text(0x004099F3, "LO", "ZZLEAK06D"))
                .part10(CT, ROOT + ".3.6"), List.of("ZZLEAK06A", "ZZLEAK06B", "ZZLEAK06C", "ZZLEAK06D"), Expect.DERIVED, NOTHING_MORE));
        cases.add(new Case("an alternative-calendar birth date and issuer sequences naming the hospital", ct(7)
                .text(0x00100033, "LO", "ZZLEAK07A")
                .sequence(0x00080051, "SQ", new RawDataset().text(0x00400031, "UT", "ZZLEAK07B ST MARYS HOSPITAL"))
                .sequence(0x00100024, "SQ", new RawDataset().text(0x00400032, "UT", ROOT).text(0x00400033, "CS", "ISO"))
                .part10(CT, ROOT + ".3.7"), List.of("ZZLEAK07A", "ZZLEAK07B", ROOT), Expect.DERIVED, NOTHING_MORE));
        cases.add(new Case("file meta elements and padding inside the data set", ct(8)
                .sequence(0x0040A375, "SQ", new RawDataset().text(0x00020016, "AE", "ZZLEAK08A").text(0x0020000D, "UI", STUDY))
                .put(0xFFFCFFFC, "OB", "ZZLEAK08B ".getBytes(StandardCharsets.US_ASCII))
                .part10(CT, ROOT + ".3.8"), List.of("ZZLEAK08A", "ZZLEAK08B", "ZZLEAKMETA"), Expect.DERIVED, NOTHING_MORE));
        cases.add(new Case("instance UIDs in attributes that name classes", ct(9)
                .text(0x00080062, "UI", CT + "\\" + ROOT + ".778")
                .sequence(0x00081140, "SQ", new RawDataset().text(0x00081150, "UI", ROOT + ".777").text(0x00081155, "UI", ROOT + ".99"))
                .part10(CT, ROOT + ".3.9"), List.of(ROOT), Expect.DERIVED, NOTHING_MORE));
        cases.add(new Case("hostile values in kept attributes: NUL, extra values, a VR that lies, a counter holding an MRN", ct(10)
                .put(0x00080008, "CS", RawDataset.padded("ORIGINAL\\PRIMARY\\AXIAL\\ZZLEAK10A".getBytes(StandardCharsets.US_ASCII), ' '))
                .put(0x00080070, "LO", RawDataset.padded("ACME\0ZZLEAK10B".getBytes(StandardCharsets.US_ASCII), ' '))
                .text(0x00180050, "UT", "ZZLEAK10C Baker")
                .text(0x00200012, "IS", "48213377")
                .text(0x00181210, "SH", "B30f^ZZLEAK10D")
                .part10(CT, ROOT + ".3.10"), List.of("ZZLEAK10A", "ZZLEAK10B", "ZZLEAK10C", "ZZLEAK10D", "48213377"),
                Expect.DERIVED, (d, p) -> org.assertj.core.api.Assertions.assertThat(d.strings(0x00080008))
                        .as("the image type's defined terms stay").startsWith("ORIGINAL", "PRIMARY")));
        cases.add(new Case("overlays and curves, private blocks with a safe-looking creator", ct(11)
                .text(0x00190010, "LO", "SIEMENS MR HEADER")
                .text(0x0019100C, "LO", "ZZLEAK11A")
                .us(0x60000010, 16).us(0x60000011, 16)
                .text(0x60000022, "LO", "ZZLEAK11B")
                .put(0x60003000, "OW", new byte[32])
                .text(0x50000022, "LO", "ZZLEAK11C")
                .part10(CT, ROOT + ".3.11"), List.of("ZZLEAK11A", "ZZLEAK11B", "ZZLEAK11C"), Expect.DERIVED, NOTHING_MORE));
        cases.add(new Case("ages of 90 and more, from every attribute", ct(12)
                .text(0x00100030, "DA", "19320615")
                .text(0x00101010, "AS", "091Y")
                .sequence(0x00081115, "SQ", new RawDataset().text(0x0020000E, "UI", SERIES).text(0x00101010, "AS", "095Y"))
                .part10(CT, ROOT + ".3.12"), List.of("091Y", "095Y", "19320615"), Expect.DERIVED, (d, p) -> {
                    org.assertj.core.api.Assertions.assertThat(d.string(0x00100030).orElse(""))
                            .as("no birth year from which an age of 90 or more can be computed").isEmpty();
                }));
        cases.add(new Case("free text: dates, identifiers, ages and names that are words", ct(13)
                .text(0x00081030, "LO", "CT CHEST 12/03/85 MRN 482 133 77 Dr Long 93 yo")
                .text(0x0008103E, "LO", "SCREENING 10-MAR-2024 Mr Small ZZLEAK13")
                .text(0x00204000, "LT", "prior 1.2.826.0.1.3680043.10.999.1001 seen by Baker on 3/10/24, age 93")
                .part10(CT, ROOT + ".3.13"), List.of("ZZLEAK13", ROOT, "Baker", "3/10/24", "12/03/85", "10-MAR-2024", "482 133"),
                Expect.DERIVED, (d, p) -> {
                    for (int tag : new int[] {0x00081030, 0x0008103E, 0x00204000}) {
                        for (String v : d.strings(tag)) {
                            org.assertj.core.api.Assertions.assertThat(v == null ? "" : v).as("cleaned text holds no two numbers "
                                    + "side by side, no number of 90 or more, no name that is also a word").doesNotContainPattern("\\d+\\s+\\d+")
                                    .doesNotContainPattern("\\b(9\\d|[1-9]\\d{2,})\\b").doesNotContainPattern("(?i)\\b(long|small)\\b");
                        }
                    }
                }));
        cases.add(new Case("free text in code meanings and codes of local schemes", ct(14)
                .sequence(0x00082218, "SQ", new RawDataset().text(0x00080100, "SH", "39607008").text(0x00080102, "SH", "SCT")
                        .text(0x00080104, "LO", "Lung of ZZLEAK14A Baker"))
                .sequence(0x00081032, "SQ", new RawDataset().text(0x00080100, "SH", "48213377").text(0x00080102, "SH", "99STMARYS")
                        .text(0x00080104, "LO", "CT for BAKER JOHN ZZLEAK14B"))
                .sequence(0x00400260, "SQ", new RawDataset().text(0x00080100, "SH", "121071").text(0x00080102, "SH", "DCM")
                        .text(0x00080104, "LO", "Finding ZZLEAK14C"))
                .part10(CT, ROOT + ".3.14"), List.of("ZZLEAK14A", "ZZLEAK14B", "ZZLEAK14C", "99STMARYS", "48213377", "Baker", "BAKER"),
                Expect.DERIVED, (d, p) -> {
                    List<EditableDataset> finding = d.items(0x00400260);
                    if (!finding.isEmpty()) {
                        org.assertj.core.api.Assertions.assertThat(finding.get(0).string(0x00080104)).as("a DCM code's meaning is the standard's")
                                .contains("Finding");
                    }
                }));
        cases.add(new Case("a UTC offset in a date-time", ct(15)
                .text(0x0008002A, "DT", "20240310143022.000000+0530")
                .part10(CT, ROOT + ".3.15"), List.of("+0530"), Expect.DERIVED, NOTHING_MORE));
        cases.add(new Case("samples where no image check looks: Pixel Data in an item, audio in a CT, spectroscopy data", ct(16)
                .sequence(0x00081140, "SQ", new RawDataset().text(0x00081150, "UI", CT).text(0x00081155, "UI", ROOT + ".16")
                        .put(0x7FE00010, "OW", RawDataset.padded("ZZLEAK16A BAKER JOHN".getBytes(StandardCharsets.US_ASCII), 0)))
                .sequence(0x54000100, "SQ", new RawDataset().us(0x003A0005, 1).put(0x003A0010, "UL", RawDataset.le32(10))
                        .text(0x003A001A, "DS", "8000").us(0x54001004, 16)
                        .put(0x54001010, "OW", RawDataset.padded("ZZLEAK16B dictation".getBytes(StandardCharsets.US_ASCII), 0)))
                .put(0x56000020, "OF", "ZZLEAK16C spectra   ".getBytes(StandardCharsets.US_ASCII))
                .part10(CT, ROOT + ".3.16"), List.of("ZZLEAK16A", "ZZLEAK16B", "ZZLEAK16C"), Expect.DERIVED, (d, p) -> {
                    org.assertj.core.api.Assertions.assertThat(d.contains(0x7FE00010)).as("the image's own pixels stay").isTrue();
                    org.assertj.core.api.Assertions.assertThat(d.items(0x00081140)).as("the reference stays, without pixels")
                            .allSatisfy(item -> org.assertj.core.api.Assertions.assertThat(item.contains(0x7FE00010)).isFalse());
                }));
        cases.add(new Case("values an option retains, in shapes their VR does not allow", ct(17)
                .text(0x00080030, "TM", "ZZ1743")
                .text(0x00080033, "TM", "12ZZLEAK17G")
                .text(0x0008002A, "DT", "2024031014302247112345678")
                .text(0x00081010, "SH", "BAKER ZZLEAK17E")
                .text(0x00100040, "CS", "ZZLEAK17A")
                .text(0x00102160, "SH", "ZZLEAK17D BAKER")
                .text(0x001021A0, "CS", "ZZLEAK17B")
                .text(0x00102203, "CS", "ZZLEAK17C")
                .text(0x00181000, "LO", "SN-MRN48213377-ZZ17F")
                .text(0x00181002, "UI", "2.25.ZZ17H")
                .part10(CT, ROOT + ".3.17"), List.of("ZZ1743", "ZZLEAK17G", "47112345678", "ZZLEAK17E", "ZZLEAK17A", "ZZLEAK17D",
                "ZZLEAK17B", "ZZLEAK17C", "ZZ17F", "MRN48213377", "ZZ17H", "BAKER"), Expect.DERIVED, NOTHING_MORE));
        cases.add(new Case("values an option retains, in their shape: kept", ct(18)
                .text(0x00080030, "TM", "101500.25")
                .text(0x00081010, "SH", "CT SCANNER 2")
                .text(0x00100040, "CS", "F")
                .text(0x001021A0, "CS", "NO")
                .text(0x00102203, "CS", "UNALTERED")
                .text(0x00181000, "LO", "SN 4471")
                .part10(CT, ROOT + ".3.18"), List.of(), Expect.DERIVED, (d, p) -> {
                    if (p.has(Option.RETAIN_PATIENT_CHARACTERISTICS)) {
                        org.assertj.core.api.Assertions.assertThat(List.of(d.string(0x00100040).orElse(""), d.string(0x001021A0).orElse(""),
                                d.string(0x00102203).orElse(""))).as("sex, smoking status, neutered").containsExactly("F", "NO", "UNALTERED");
                    }
                    if (p.has(Option.RETAIN_DEVICE_IDENTITY)) {
                        org.assertj.core.api.Assertions.assertThat(List.of(d.string(0x00081010).orElse(""), d.string(0x00181000).orElse("")))
                                .as("station name, serial number").containsExactly("CT SCANNER 2", "SN 4471");
                    }
                    if (p.shiftsDates()) {
                        org.assertj.core.api.Assertions.assertThat(d.string(0x00080030).orElse("")).as("a time beside shifted dates")
                                .isEqualTo("101500.25");
                    }
                }));
        cases.add(new Case("a short Patient ID inside a real code and a station name: both kept", ct(25)
                // another patient, so a study and series of its own: a server refuses a second patient in one study
                .text(0x00100020, "LO", "008").text(0x0020000D, "UI", ROOT + ".1025").text(0x0020000E, "UI", ROOT + ".1026")
                .text(0x00081010, "SH", "CT1008")
                .sequence(0x00082218, "SQ", new RawDataset().text(0x00080100, "SH", "39607008").text(0x00080102, "SH", "SCT")
                        .text(0x00080104, "LO", "Lung"))
                .part10(CT, ROOT + ".3.25"), List.of(), Expect.DERIVED, (d, p) -> {
                    for (EditableDataset region : d.items(0x00082218)) {
                        org.assertj.core.api.Assertions.assertThat(region.string(0x00080100).orElse(""))
                                .as("a SNOMED CT code that ends in the Patient ID").isEqualTo("39607008");
                    }
                    if (p.has(Option.RETAIN_DEVICE_IDENTITY)) {
                        org.assertj.core.api.Assertions.assertThat(d.string(0x00081010).orElse("")).as("the station name")
                                .isEqualTo("CT1008");
                    }
                }));
        cases.add(new Case("a hyphenated surname in retained text", ct(26)
                .text(0x00100010, "PN", "SMITH-JONES^ANN")
                .text(0x00102160, "SH", "JONES FAMILY")
                .part10(CT, ROOT + ".3.26"), List.of("JONES"), Expect.DERIVED, NOTHING_MORE));
        cases.add(new Case("codes of a public scheme that spell the patient's name or identifier", ct(19)
                .sequence(0x00082218, "SQ", new RawDataset().text(0x00080100, "SH", "BAKER^JOHN").text(0x00080102, "SH", "SCT")
                        .text(0x00080104, "LO", "Lung"))
                .sequence(0x00081032, "SQ", new RawDataset().text(0x00080100, "SH", "MRN48213377").text(0x00080102, "SH", "LN")
                        .text(0x00080104, "LO", "CT chest"))
                .part10(CT, ROOT + ".3.19"), List.of("BAKER", "MRN48213377"), Expect.DERIVED, NOTHING_MORE));
        cases.add(new Case("a class reference under the DICOM root whose digits are a birth date and an MRN", ct(20)
                .sequence(0x00081140, "SQ", new RawDataset().text(0x00081150, "UI", "1.2.840.10008.1985.312.4821.3377")
                        .text(0x00081155, "UI", ROOT + ".20"))
                .sequence(0x00081115, "SQ", new RawDataset().text(0x0020000E, "UI", SERIES)
                        .sequence(0x0008114A, "SQ", new RawDataset().text(0x00081150, "UI", CT).text(0x00081155, "UI", ROOT + ".21")))
                .part10(CT, ROOT + ".3.20"), List.of("1985.312.4821.3377", ROOT), Expect.DERIVED, (d, p) -> {
                    List<EditableDataset> series = d.items(0x00081115);
                    if (!series.isEmpty() && !series.get(0).items(0x0008114A).isEmpty()) {
                        org.assertj.core.api.Assertions.assertThat(series.get(0).items(0x0008114A).get(0).string(0x00081150).orElse(""))
                                .as("a registered class is kept").isEqualTo(CT);
                    }
                }));
        cases.add(new Case("extra values in a coded entry, beyond the one its VM allows", ct(27)
                .sequence(0x00082218, "SQ", new RawDataset().text(0x00080100, "SH", "39607008\\4821ZZ27A")
                        .text(0x00080102, "SH", "SCT\\ZZLEAK27B").text(0x00080103, "SH", "2022\\ZZ27C")
                        .text(0x00080104, "LO", "Lung\\ZZLEAK27D"))
                .sequence(0x00400260, "SQ", new RawDataset().text(0x00080100, "SH", "121071\\ZZLEAK27E").text(0x00080102, "SH", "DCM")
                        .text(0x00080104, "LO", "Finding"))
                .part10(CT, ROOT + ".3.27"), List.of("4821ZZ27A", "ZZLEAK27B", "ZZ27C", "ZZLEAK27D", "ZZLEAK27E"), Expect.DERIVED,
                (d, p) -> {
                    for (EditableDataset region : d.items(0x00082218)) {
                        org.assertj.core.api.Assertions.assertThat(region.strings(0x00080100)).as("the code's one value")
                                .containsExactly("39607008");
                    }
                }));
        cases.add(new Case("an MRN and a birth date in code strings, four digits at a time", ct(28)
                .text(0x00080008, "CS", "ORIGINAL\\PRIMARY\\AXIAL\\4821 3377\\1950 0312")
                .text(0x00180015, "CS", "CHEST 4822 3378")
                .text(0x00189004, "CS", "1951\\0313")
                .part10(CT, ROOT + ".3.28"), List.of("4821 3377", "1950 0312", "4822 3378", "1951\\0313"), Expect.DERIVED,
                (d, p) -> org.assertj.core.api.Assertions.assertThat(d.strings(0x00080008))
                        .as("the image type's defined terms stay").startsWith("ORIGINAL", "PRIMARY", "AXIAL")));
        cases.add(new Case("binary numbers: more values than the dictionary allows, bytes sent as OW", ct(29)
                .put(0x00181310, "OW", RawDataset.padded("ZZLEAK29A BAKER JOHN".getBytes(StandardCharsets.US_ASCII), 0))
                .put(0x00540081, "US", RawDataset.padded("ZZLEAK29B BAKER".getBytes(StandardCharsets.US_ASCII), 0))
                .part10(CT, ROOT + ".3.29"), List.of("ZZLEAK29A", "ZZLEAK29B"), Expect.DERIVED, NOTHING_MORE));
        cases.add(new Case("a report's birth date and ages under LOINC and SNOMED CT codes, and a second value", ct(30)
                .sequence(0x0040A730, "SQ",
                        contentItem("DATE", "21112-8", "LN", "Birth date").text(0x0040A121, "DA", "19320615"),
                        contentItem("NUM", "30525-0", "LN", "Age").sequence(0x0040A300, "SQ", measured("95")),
                        contentItem("NUM", "121033", "DCM", "Subject Age").sequence(0x0040A300, "SQ", measured("45\\96")),
                        contentItem("NUM", "424144002", "SCT", "Current chronological age")
                                .sequence(0x0040A300, "SQ", measured("45").put(0x0040A161, "FD", RawDataset.le64(97.0))),
                        contentItem("NUM", "397669002", "SCT", "Age").sequence(0x0040A300, "SQ", measured("95")),
                        contentItem("NUM", "21611-9", "LN", "Age - estimated").sequence(0x0040A300, "SQ", measured("96")))
                .part10(CT, ROOT + ".3.30"), List.of("19320615"), Expect.DERIVED, (d, p) -> {
                    List<EditableDataset> items = d.items(0x0040A730);
                    org.assertj.core.api.Assertions.assertThat(items).as("the content is kept, dummied or cleaned").hasSize(6);
                    org.assertj.core.api.Assertions.assertThat(items.get(0).string(0x0040A121)).as("no birth date, not even shifted")
                            .contains("19000101");
                    for (EditableDataset num : items.subList(1, 6)) {
                        for (EditableDataset value : num.items(0x0040A300)) {
                            org.assertj.core.api.Assertions.assertThat(value.strings(0x0040A30A)).as("an age over 89 is 90")
                                    .allSatisfy(v -> org.assertj.core.api.Assertions.assertThat(Double.parseDouble(v.trim())).isLessThanOrEqualTo(90));
                            org.assertj.core.api.Assertions.assertThat(value.contains(0x0040A161)).as("no second form of it").isFalse();
                        }
                    }
                }));
        cases.add(new Case("lookup tables and palettes where nothing draws the image with them", ct(33)
                .put(0x00283006, "OW", RawDataset.padded("ZZLEAK33A BAKER JOHN".getBytes(StandardCharsets.US_ASCII), 0))
                .put(0x00281224, "OW", RawDataset.padded("ZZLEAK33B BAKER".getBytes(StandardCharsets.US_ASCII), 0))
                .sequence(0x00081140, "SQ", new RawDataset().text(0x00081150, "UI", CT).text(0x00081155, "UI", ROOT + ".3.2")
                        .us(0x00281101, 16, 0, 16)
                        .put(0x00281201, "OW", RawDataset.padded("ZZLEAK33C BAKER JOHN MRN".getBytes(StandardCharsets.US_ASCII), 0)))
                .sequence(0x00283110, "SQ", new RawDataset().us(0x00283002, 16, 0, 16)
                        .put(0x00283006, "OW", RawDataset.padded("ZZLEAK33D BAKER JOHN MRN".getBytes(StandardCharsets.US_ASCII), 0)))
                .sequence(0x20500010, "SQ", new RawDataset().us(0x00283002, 16, 0, 16)
                        .put(0x00283006, "OW", RawDataset.padded("ZZLEAK33E BAKER JOHN MRN".getBytes(StandardCharsets.US_ASCII), 0)))
                .part10(CT, ROOT + ".3.33"), List.of("ZZLEAK33A", "ZZLEAK33B", "ZZLEAK33C", "ZZLEAK33D", "ZZLEAK33E"), Expect.DERIVED,
                (d, p) -> org.assertj.core.api.Assertions.assertThat(d.contains(0x00283006)).as("no LUT Data anywhere").isFalse()));
        cases.add(new Case("a palette colour image whose tables hide bytes in low bytes and past their entries", paletteCt(34)
                .part10(CT, ROOT + ".3.34"), List.of("ZZLEAK34A"), Expect.DERIVED, (d, p) -> {
                    for (int table : new int[] {0x00281201, 0x00281202, 0x00281203}) {
                        byte[] words = d.bytes(table);
                        org.assertj.core.api.Assertions.assertThat(words).as("the descriptor's 512 entries, nothing past them").hasSize(1024);
                        for (int i = 0; i < 512; i++) {
                            org.assertj.core.api.Assertions.assertThat(words[2 * i]).as("entry %d: both bytes the level the check saw", i)
                                    .isEqualTo(words[2 * i + 1]);
                        }
                        org.assertj.core.api.Assertions.assertThat(words[2 * 300 + 1]).as("the high byte kept").isEqualTo((byte) 150);
                    }
                    org.assertj.core.api.Assertions.assertThat(d.strings(0x00281101)).containsExactly("512", "0", "16");
                }));
        cases.add(new Case("a second window preset and a second Frame VOI LUT item, which the text check does not look through", ct(35)
                .text(0x00281050, "DS", "40\\2004").text(0x00281051, "DS", "400\\8").text(0x00281055, "LO", "SOFT\\NARROW")
                .sequence(0x52009229, "SQ", new RawDataset().sequence(0x00289132, "SQ",
                        new RawDataset().text(0x00281050, "DS", "40").text(0x00281051, "DS", "400"),
                        new RawDataset().text(0x00281050, "DS", "2004").text(0x00281051, "DS", "8")))
                .part10(CT, ROOT + ".3.35"), List.of(), Expect.DERIVED, (d, p) -> {
                    org.assertj.core.api.Assertions.assertThat(d.strings(0x00281050)).containsExactly("40");
                    org.assertj.core.api.Assertions.assertThat(d.strings(0x00281051)).containsExactly("400");
                    org.assertj.core.api.Assertions.assertThat(d.items(0x52009229).get(0).items(0x00289132)).hasSize(1);
                }));
        cases.add(new Case("a birth date as a patient's weight and as a slice's thickness", ct(36)
                .text(0x00101030, "DS", "19500312").text(0x00180050, "DS", "+19500312.0").text(0x00181074, "DS", "370000000")
                .text(0x00180088, "DS", "1.9500313E7").text(0x00101020, "DS", "0019500314")
                .part10(CT, ROOT + ".3.36"), List.of("19500312", "9500313", "19500314"), Expect.DERIVED, (d, p) -> {
                    if (d.contains(0x00181074)) {
                        org.assertj.core.api.Assertions.assertThat(d.strings(0x00181074)).as("a dose in becquerels is a number, kept")
                                .containsExactly("370000000");
                    }
                }));
        cases.add(new Case("a day and a month in a description, and a date split across values", ct(37)
                .text(0x00081030, "LO", "CT KONTROLLE 17.04.").text(0x00181030, "LO", "CT 19.51 ARTERIAL 03.14")
                .text(0x0008103E, "LO", "CT\\19\\52\\03\\15")
                .part10(CT, ROOT + ".3.37"), List.of("17.04", "19.51", "03.14", "19\\52", "52\\03", "03\\15"), Expect.DERIVED,
                (d, p) -> {
                    if (p.has(Option.CLEAN_DESCRIPTORS)) {
                        org.assertj.core.api.Assertions.assertThat(d.strings(0x0008103E)).as("the words stay").contains("CT");
                    }
                }));
        cases.add(new Case("an MRN and a birth date as codes of public schemes, and as a scheme's version", ct(38)
                .sequence(0x00082218, "SQ", new RawDataset().text(0x00080100, "SH", "48213377").text(0x00080102, "SH", "SCT")
                        .text(0x00080103, "SH", "19500312").text(0x00080104, "LO", "Lung"))
                .sequence(0x00400260, "SQ", new RawDataset().text(0x00080100, "SH", "19500313").text(0x00080102, "SH", "FMA")
                        .text(0x00080104, "LO", "Finding"), new RawDataset().text(0x00080100, "SH", "1950031-2").text(0x00080102, "SH", "LN")
                        .text(0x00080104, "LO", "Finding"), new RawDataset().text(0x00080100, "SH", "4821338").text(0x00080102, "SH", "DCM")
                        .text(0x00080104, "LO", "Finding"))
                .part10(CT, ROOT + ".3.38"), List.of("48213377", "19500312", "19500313", "1950031-2", "4821338"), Expect.DERIVED,
                NOTHING_MORE));
        cases.add(new Case("text and a date in private elements a safe list names by creator and element", ct(39)
                .text(0x20050010, "LO", "Philips MR Imaging DD 001")
                .text(0x2005100D, "LT", "BAKER JOHN ZZLEAK39A")
                .put(0x2005100E, "FL", RawDataset.le32(Float.floatToIntBits(1.5f)))
                .text(0x70530010, "LO", "Philips PET Private Group")
                .text(0x70531000, "DS", "19500312")
                .part10(CT, ROOT + ".3.39"), List.of("ZZLEAK39A", "BAKER JOHN", "19500312"), Expect.DERIVED, (d, p) -> {
                    if (p.has(Option.RETAIN_SAFE_PRIVATE)) {
                        org.assertj.core.api.Assertions.assertThat(d.contains(0x2005100E)).as("a safe number is kept").isTrue();
                    }
                }));
        byte[] pregnancy = new byte[2000];
        System.arraycopy("ZZLEAK40E MRN 4821337".getBytes(StandardCharsets.US_ASCII), 0, pregnancy, 100, 21);
        cases.add(new Case("attributes newer than the toolkit's dictionary, and kept ones, sent as numbers and bytes", ct(40)
                .put(0x30020121, "US", "ZZLEAK40A BAKER JOHN".getBytes(StandardCharsets.US_ASCII))
                .put(0x30020123, "UL", "ZZLEAK40B 12 Main St".getBytes(StandardCharsets.US_ASCII))
                .put(0x003A0329, "FD", "ZZLEAK40H filter by Dr X".getBytes(StandardCharsets.US_ASCII))
                .put(0x00181204, "UT", "ZZLEAK40D born 1950-03-12 ".getBytes(StandardCharsets.US_ASCII))
                .put(0x00181205, "OB", RawDataset.padded("ZZLEAK40C MRN4821337".getBytes(StandardCharsets.US_ASCII), 0))
                .put(0x3006002D, "UN", "ZZLEAK40G not a date".getBytes(StandardCharsets.US_ASCII))
                .put(0x001021C0, "US", pregnancy)
                .text(0x00101010, "AS", "195W\\003W\\012W")
                .put(0x04000310, "OB", RawDataset.padded("ZZLEAK40F timestamp token of the authority".getBytes(StandardCharsets.US_ASCII), 0))
                .part10(CT, ROOT + ".3.40"), List.of("ZZLEAK40A", "ZZLEAK40B", "ZZLEAK40C", "ZZLEAK40D", "ZZLEAK40E", "ZZLEAK40F",
                "ZZLEAK40G", "ZZLEAK40H"), Expect.DERIVED, (d, p) -> {
                    // More values than PS3.6 allows: emptied, whatever the option keeps.
                    org.assertj.core.api.Assertions.assertThat(d.valueCount(0x001021C0)).as("Pregnancy Status, VM 1").isLessThanOrEqualTo(1);
                    org.assertj.core.api.Assertions.assertThat(d.valueCount(0x00101010)).as("Patient's Age, VM 1").isLessThanOrEqualTo(1);
                }));
        cases.add(nestedSpeech());
        cases.add(new Case("a name sent as UN that is also a word of a description", ct(46).remove(0x00080090)
                .put(0x00080090, "UN", "WHITE^ANN ".getBytes(StandardCharsets.US_ASCII))
                .text(0x00081030, "LO", "CT CHEST WHITE")
                .part10(CT, ROOT + ".3.46"), List.of("WHITE"), Expect.DERIVED, NOTHING_MORE));
        cases.add(new Case("a window one value wide, a threshold the text check does not look through", ct(45)
                .text(0x00281050, "DS", "205").text(0x00281051, "DS", "1")
                .sequence(0x52009229, "SQ", new RawDataset().sequence(0x00289132, "SQ",
                        new RawDataset().text(0x00281050, "DS", "205").text(0x00281051, "DS", "0.5")))
                .part10(CT, ROOT + ".3.45"), List.of(), Expect.DERIVED, (d, p) -> {
                    org.assertj.core.api.Assertions.assertThat(d.contains(0x00281051)).as("the width").isFalse();
                    org.assertj.core.api.Assertions.assertThat(d.contains(0x00281050)).as("the centre").isFalse();
                    for (EditableDataset shared : d.items(0x52009229)) {
                        for (EditableDataset voi : shared.items(0x00289132)) {
                            org.assertj.core.api.Assertions.assertThat(voi.contains(0x00281051)).as("a frame's width").isFalse();
                        }
                    }
                }));
        cases.add(new Case("a calibration the morning of the scan, a beam hold, a source's and a trial's dates beside shifted ones", ct(43)
                .text(0x00181200, "DA", "20240310").text(0x00181201, "TM", "071500")
                .text(0x300C0127, "DT", "20240310101502")
                .text(0x300A022C, "DA", "19990101").text(0x00120086, "DA", "20110905").text(0x00080107, "DT", "20190417")
                .part10(CT, ROOT + ".3.43"), List.of("20240310", "19990101", "20110905", "20190417"), Expect.DERIVED,
                (d, p) -> {
                    // Kept real beside the shifted Study Date (research keeps device identity, K), the
                    // difference would be the shift: removed, as a date not of the patient.
                    org.assertj.core.api.Assertions.assertThat(d.contains(0x00181200)).as("the calibration date").isFalse();
                    // Type 1 in a brachytherapy plan: a dummy, as the Basic Profile gives it, never its real or shifted value.
                    org.assertj.core.api.Assertions.assertThat(d.string(0x300A022C).orElse("")).as("the source's reference date")
                            .isIn("", "19000101");
                    if (p.shiftsDates() && d.contains(0x300C0127)) {
                        org.assertj.core.api.Assertions.assertThat(d.string(0x300C0127).orElse("").substring(0, 8))
                                .as("a beam hold is the patient's, shifted as the Study Date is").isEqualTo(d.string(0x00080020).orElse(""));
                    }
                }));
        // Codes of public schemes are judged by shape, not looked up: one may be shaped like the
        // patient's identifiers, written with separators, or the birth date in another order.
        cases.add(new Case("the Patient ID, an accession number and the birth date as codes of public schemes", ct(47)
                .text(0x00080050, "SH", "ACC778899")
                .sequence(0x00082218, "SQ", new RawDataset().text(0x00080100, "SH", "4821-3377").text(0x00080102, "SH", "FMA")
                        .text(0x00080104, "LO", "Lung"))
                .sequence(0x00082228, "SQ", new RawDataset().text(0x00080100, "SH", "ACC778899").text(0x00080102, "SH", "RADLEX")
                        .text(0x00080103, "SH", "01.01.1970").text(0x00080104, "LO", "Left"))
                .part10(CT, ROOT + ".3.47"), List.of("4821-3377", "ACC778899", "01.01.1970"), Expect.DERIVED, NOTHING_MORE));
        // What an option keeps has its VR's shape: a UID, a time, a number, a label. The shape
        // can still carry the digits of the Patient ID or of the birth date.
        cases.add(new Case("the Patient ID and the birth date in a device UID, a time, a binary number and a label", ct(48)
                .text(0x00181002, "UI", "1.2.826.0.1.3680043.48213377.5")
                .text(0x00080030, "TM", "197001.01")
                .put(0x0018106E, "UL", RawDataset.le32(48213377))
                .text(0x00102160, "SH", "4821 3377")
                .part10(CT, ROOT + ".3.48"), List.of("3680043.48213377", "197001.01", "4821 3377"), Expect.DERIVED,
                (d, p) -> org.assertj.core.api.Assertions.assertThat(d.strings(0x0018106E)).as("Trigger Sample Position")
                        .doesNotContain("48213377")));
        // Retain Safe Private recognises a creator by its first value: a second one was kept
        // unread, and a safe element's binary numbers at any length.
        byte[] floats = new byte[4000];
        byte[] text = "ZZLEAK49B BAKER JOHN ".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < floats.length; i++) {
            floats[i] = text[i % text.length];
        }
        cases.add(new Case("a safe private creator with a second value, a safe element's floats that are text", ct(49)
                .text(0x20050010, "LO", "Philips MR Imaging DD 001\\ZZLEAK49A")
                .put(0x2005100E, "FL", floats)
                .part10(CT, ROOT + ".3.49"), List.of("ZZLEAK49A", "ZZLEAK49B"), Expect.DERIVED, NOTHING_MORE));
        return cases;
    }

    /** An ECG whose only hidden speech is in another sequence's item: derived without it. */
    static Case nestedSpeech() {
        return new Case("speech in Waveform Data inside a Language Code Sequence item beside a 500 Hz ECG", ecg(42, new byte[20]),
                List.of("ZZLEAK42A"), Expect.DERIVED, (d, p) -> org.assertj.core.api.Assertions.assertThat(
                        d.items(0x54000100).get(0).bytes(0x54001010)).as("the ECG's own samples stay").hasSize(20));
    }

    /**
     * The CT drawn through a palette of 512 entries (its stored values are 200 to 350): each
     * entry's high byte the level i / 2, its low byte a letter, and a marker past the last entry.
     */
    private static RawDataset paletteCt(int n) {
        RawDataset d = ct(n).text(0x00280004, "CS", "PALETTE COLOR");
        byte[] table = new byte[1024 + 10];
        for (int i = 0; i < 512; i++) {
            table[2 * i] = (byte) ('A' + i % 26);
            table[2 * i + 1] = (byte) (i / 2);
        }
        System.arraycopy("ZZLEAK34A ".getBytes(StandardCharsets.US_ASCII), 0, table, 1024, 10);
        for (int c = 0; c < 3; c++) {
            d.us(0x00281101 + c, 512, 0, 16).put(0x00281201 + c, "OW", table);
        }
        return d;
    }

    /** An SR content item of the value type with the concept name. */
    private static RawDataset contentItem(String valueType, String code, String scheme, String meaning) {
        return new RawDataset().text(0x0040A010, "CS", "HAS OBS CONTEXT").text(0x0040A040, "CS", valueType)
                .sequence(0x0040A043, "SQ", new RawDataset().text(0x00080100, "SH", code).text(0x00080102, "SH", scheme)
                        .text(0x00080104, "LO", meaning));
    }

    /** A measured value in years. */
    private static RawDataset measured(String numbers) {
        return new RawDataset().text(0x0040A30A, "DS", numbers).sequence(0x004008EA, "SQ",
                new RawDataset().text(0x00080100, "SH", "a").text(0x00080102, "SH", "UCUM").text(0x00080104, "LO", "year"));
    }

    /** Instances whose kind or pixels Veil cannot make safe: withheld whole. */
    static List<Case> withheld() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("an encapsulated PDF", new RawDataset()
                .text(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.104.1").text(0x00080018, "UI", ROOT + ".4.1")
                .text(0x00080060, "CS", "DOC").text(0x00100010, "PN", "BAKER^JOHN").text(0x00100020, "LO", "MRN48213377")
                .text(0x0020000D, "UI", STUDY).text(0x0020000E, "UI", ROOT + ".4")
                .text(0x00420010, "ST", "Letter ZZLEAK20A").text(0x00420012, "LO", "application/pdf")
                .put(0x00420011, "OB", RawDataset.padded("%PDF-1.4 /Author (ZZLEAK20B)".getBytes(StandardCharsets.US_ASCII), 0))
                .part10("1.2.840.10008.5.1.4.1.1.104.1", ROOT + ".4.1"), List.of("ZZLEAK20A", "ZZLEAK20B"), Expect.WITHHELD, NOTHING_MORE));
        cases.add(new Case("a dictation", new RawDataset()
                .text(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.9.4.1").text(0x00080018, "UI", ROOT + ".4.2")
                .text(0x00100010, "PN", "BAKER^JOHN").text(0x0020000D, "UI", STUDY).text(0x0020000E, "UI", ROOT + ".5")
                .part10("1.2.840.10008.5.1.4.1.1.9.4.1", ROOT + ".4.2"), List.of(), Expect.WITHHELD, NOTHING_MORE));
        cases.add(new Case("raw data", new RawDataset()
                .text(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.66").text(0x00080018, "UI", ROOT + ".4.3")
                .text(0x00100010, "PN", "BAKER^JOHN").text(0x0020000D, "UI", STUDY).text(0x0020000E, "UI", ROOT + ".6")
                .part10("1.2.840.10008.5.1.4.1.1.66", ROOT + ".4.3"), List.of(), Expect.WITHHELD, NOTHING_MORE));
        cases.add(new Case("a whole-slide label image", ct(21)
                .text(0x00080008, "CS", "ORIGINAL\\PRIMARY\\LABEL\\NONE")
                .text(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.77.1.6").text(0x00080060, "CS", "SM")
                .part10("1.2.840.10008.5.1.4.1.1.77.1.6", ROOT + ".3.21"), List.of(), Expect.WITHHELD, NOTHING_MORE));
        cases.add(new Case("a Patient Protocol screen of a scanner a clean rule trusts", ct(22)
                .text(0x00080070, "LO", "SIEMENS").text(0x00081090, "LO", "Sensation 64")
                .text(0x0008103E, "LO", "Patient Protocol")
                .part10(CT, ROOT + ".3.22"), List.of(), Expect.WITHHELD, NOTHING_MORE));
        cases.add(new Case("float pixel data, which no text check reads", ct(24)
                .put(0x7FE00008, "OF", "ZZLEAK24A floats    ".getBytes(StandardCharsets.US_ASCII)).remove(0x7FE00010)
                .part10(CT, ROOT + ".3.24"), List.of("ZZLEAK24A"), Expect.WITHHELD, NOTHING_MORE));
        cases.add(new Case("an instance without a SOP Instance UID", ct(23).remove(0x00080018)
                .part10(CT, ROOT + ".3.23"), List.of(), Expect.WITHHELD, NOTHING_MORE));
        cases.add(new Case("a SOP Instance UID that is no UID, beside the original File Meta Information", ct(31)
                .text(0x00080018, "UI", "ZZLEAK31A.1.2.3")
                .part10(CT, "ZZLEAK31A.1.2.3"), List.of("ZZLEAK31A"), Expect.WITHHELD, NOTHING_MORE));
        cases.add(new Case("a voice in an ECG: one channel sampled at 8,000 Hz", new RawDataset()
                .text(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.9.1.2").text(0x00080018, "UI", ROOT + ".4.32")
                .text(0x00080060, "CS", "ECG").text(0x00100010, "PN", "BAKER^JOHN")
                .text(0x0020000D, "UI", STUDY).text(0x0020000E, "UI", ROOT + ".32")
                .sequence(0x54000100, "SQ", new RawDataset().us(0x003A0005, 1).put(0x003A0010, "UL", RawDataset.le32(10))
                        .text(0x003A001A, "DS", "8000").us(0x54001004, 16)
                        .put(0x54001010, "OW", RawDataset.padded("ZZLEAK32A dictation".getBytes(StandardCharsets.US_ASCII), 0)))
                .part10("1.2.840.10008.5.1.4.1.1.9.1.2", ROOT + ".4.32"), List.of("ZZLEAK32A"), Expect.WITHHELD, NOTHING_MORE));
        cases.add(new Case("MR spectroscopy: a free induction decay at an 8 kHz spectral width", new RawDataset()
                .text(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.4.2").text(0x00080018, "UI", ROOT + ".4.44")
                .text(0x00080060, "CS", "MR").text(0x00100010, "PN", "BAKER^JOHN").text(0x00100020, "LO", "MRN48213377")
                .text(0x0020000D, "UI", STUDY).text(0x0020000E, "UI", ROOT + ".44")
                .put(0x00189052, "FD", RawDataset.le64(8000))
                .put(0x56000020, "OF", "ZZLEAK44A speech as a decay ".getBytes(StandardCharsets.US_ASCII))
                .part10("1.2.840.10008.5.1.4.1.1.4.2", ROOT + ".4.44"), List.of("ZZLEAK44A"), Expect.WITHHELD, NOTHING_MORE));
        byte[] samples = new byte[20];
        cases.add(new Case("bytes past an ECG's samples", ecg(41, RawDataset.padded(concat(samples,
                        "ZZLEAK41A dictation past the samples".getBytes(StandardCharsets.US_ASCII)), 0)), List.of("ZZLEAK41A"),
                Expect.WITHHELD, NOTHING_MORE));
        return cases;
    }

    /**
     * A 500 Hz ECG of one channel and ten 16-bit samples, whose Waveform Data is {@code data}, and
     * 8 kHz speech in a Waveform Data inside another top-level sequence's item, where the rate
     * check does not look.
     */
    static byte[] ecg(int n, byte[] data) {
        return new RawDataset()
                .sequence(0x00080006, "SQ", new RawDataset().text(0x00080100, "SH", "en").text(0x00080102, "SH", "RFC5646")
                        .text(0x00080104, "LO", "English")
                        .put(0x54001010, "OW", RawDataset.padded("ZZLEAK42A nested speech at 8000 Hz".getBytes(StandardCharsets.US_ASCII), 0)))
                .text(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.9.1.2").text(0x00080018, "UI", ROOT + ".4." + n)
                .text(0x00080060, "CS", "ECG").text(0x00100010, "PN", "BAKER^JOHN")
                .text(0x00100020, "LO", "MRN48213377").text(0x00100021, "LO", "STMARYS")
                .text(0x0020000D, "UI", STUDY).text(0x0020000E, "UI", ROOT + "." + n)
                .sequence(0x54000100, "SQ", new RawDataset().us(0x003A0005, 1).put(0x003A0010, "UL", RawDataset.le32(10))
                        .text(0x003A001A, "DS", "500").us(0x54001004, 16).put(0x54001010, "OW", data))
                .part10("1.2.840.10008.5.1.4.1.1.9.1.2", ROOT + ".4." + n);
    }

    /** The bytes of a marker as they are written (ISO 8859-1: one byte per character). */
    static byte[] needle(String marker) {
        return marker.getBytes(StandardCharsets.ISO_8859_1);
    }

    static Set<String> profileNames() {
        return Set.of("consultation", "teaching", "research", "publication");
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
