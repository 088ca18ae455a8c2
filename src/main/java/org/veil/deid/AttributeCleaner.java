package org.veil.deid;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.veil.dicom.EditableDataset;
import org.veil.dicom.RegisteredUids;
import org.veil.dicom.StorageKind;
import org.veil.dicom.Tag;
import org.veil.dicom.Vr;

/**
 * The attribute half of de-identifying one instance under one profile, default deny: the
 * table's actions where PS3.15 Table E.1-1 lists the attribute, the attribute policy where it does
 * not (what is not in the policy is removed), at every depth; then the patient's pseudonym, birth
 * date and age, the study's ID and the output markers. The patient's identity, read once, keys
 * every derived value.
 */
final class AttributeCleaner {
    static final int PATIENT_NAME = 0x00100010;
    static final int PATIENT_ID = 0x00100020;
    static final int ISSUER_OF_PATIENT_ID = 0x00100021;
    static final int PATIENT_BIRTH_DATE = 0x00100030;
    static final int PATIENT_AGE = 0x00101010;
    static final int STUDY_ID = 0x00200010;
    static final int PATIENT_IDENTITY_REMOVED = 0x00120062;
    static final int DEIDENTIFICATION_METHOD = 0x00120063;
    static final int DEIDENTIFICATION_METHOD_CODES = 0x00120064;
    static final int LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED = 0x00280303;
    static final int CODE_VALUE = 0x00080100;
    static final int CODING_SCHEME_DESIGNATOR = 0x00080102;
    static final int CODE_MEANING = 0x00080104;
    /** The Basic Profile alone: what a date not the patient's becomes when an option would have kept or shifted it. */
    private static final Profile BASIC = new Profile("basic", java.util.EnumSet.noneOf(Option.class));
    /**
     * Dates that are not the patient's: a device's (calibration, manufacture, installation), a
     * source's reference date, a trial's ethics approval, a context group's or template's version.
     * Shifted with the patient's shift, or kept real beside the patient's shifted dates (Retain
     * Device Identity keeps calibration dates, K), they hand the shift to anyone who knows the
     * device, the source or the trial, or who reads a calibration done the morning of the scan.
     * They become what the Basic Profile makes of them unless every date is kept real (Retain
     * Longitudinal Full Dates).
     */
    static final Set<Integer> DEVICE_DATES = Set.of(0x00181200, 0x00181202, 0x00181203, 0x0018700C, 0x00181204, 0x00181205,
            0x00143076, 0x0044000B, 0x00080106, 0x0014407E, 0x300A022C, 0x00120086, 0x00120087, 0x00080107, 0x0040DB06, 0x0040DB07);
    static final int FLOAT_PIXEL_DATA = 0x7FE00008;
    static final int DOUBLE_FLOAT_PIXEL_DATA = 0x7FE00009;
    private static final int WAVEFORM_SEQUENCE = 0x54000100;
    private static final int WAVEFORM_DATA = 0x54001010;
    static final int SPECTROSCOPY_DATA = 0x56000020;
    private static final int PATIENT_SEX = 0x00100040;
    /** Patient's Sex, the one retained code string with enumerated values (PS3.3 C.7.1.1): M, F, O. */
    private static final Set<String> SEXES = Set.of("M", "F", "O");
    /** A UID's characters (PS3.5 9.1), as remapping reads them: vendors write components with leading zeros. */
    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");

    /**
     * How far down the walk is. Items of a sequence the profile replaces (D) or cleans (C) hold
     * free text, names and dates the table does not list (Text Value, for one): under D they are
     * replaced by dummies, under C reduced to allowed words; coded entries stay in both.
     */
    private enum Content { PLAIN, DUMMIED, CLEANED }

    private final ActionTable table;
    private final AttributePolicy policy;
    private final Keys keys;
    private final DescriptorCleaner descriptors;
    private final Vocabulary vocabulary;
    private final CodedEntries codes;
    private final EditableDataset root;
    private final Profile profile;
    private final String context;
    private final String issuer;
    private final String patientId;
    private final String studyUid;
    private final int dayShift;
    private final TemporalAttributes temporal;
    private final LocalDate today;
    /** The Patient ID as the instance had it (the walk empties it before later items are read), upper case. */
    private final String originalPatientId;
    /** The instance's character set where its multi-byte characters can be written in ASCII bytes; else null. */
    private final java.nio.charset.Charset hidingCharset;
    /** What the SOP class stores: which samples besides the image's have a place in it. */
    private final StorageKind kind;
    private final Set<String> names = new HashSet<>();
    private final Map<String, String> derivedUids = new LinkedHashMap<>();
    /**
     * While the items of the top-level Waveform Sequence are walked: Waveform Data stays only
     * there. In an item of any other sequence (a Language Code Sequence of an ECG), the rate check
     * never reads its sampling frequency, and 8 kHz speech would pass beside a 500 Hz ECG.
     */
    private boolean waveformItems;

    AttributeCleaner(Rules rules, Keys keys, EditableDataset root, Profile profile, String context, LocalDate today) {
        this.table = rules.table();
        this.policy = rules.policy();
        this.descriptors = rules.descriptors();
        this.vocabulary = rules.vocabulary();
        this.codes = rules.codes();
        this.keys = keys;
        this.root = root;
        this.profile = profile;
        this.context = context;
        this.today = today;
        this.studyUid = root.string(Tag.StudyInstanceUID).orElse("");
        this.issuer = root.string(ISSUER_OF_PATIENT_ID).orElse("");
        // Without a PatientID the study stands in for the patient: consistent within the study.
        this.patientId = root.string(PATIENT_ID).filter(s -> !s.isBlank()).orElse("study:" + studyUid);
        this.dayShift = keys.dayShift(context, issuer, patientId);
        this.temporal = new TemporalAttributes(profile, dayShift);
        this.kind = StorageKind.of(root.string(Tag.SOPClassUID).orElse(""));
        this.originalPatientId = root.string(PATIENT_ID).map(String::trim).orElse("").toUpperCase(Locale.ROOT);
        this.hidingCharset = WrittenAscii.hiding(root.strings(Tag.SpecificCharacterSet));
    }

    /** What the walk consults, made once per engine. */
    record Rules(ActionTable table, AttributePolicy policy, DescriptorCleaner descriptors, Vocabulary vocabulary, CodedEntries codes) {
    }

    /** Every UID replaced, derived to original. */
    Map<String, String> derivedUids() {
        return derivedUids;
    }

    void apply() {
        collectNames(root, 0);
        IdentityScan scan = new IdentityScan(root, names);
        String birthDate = root.string(PATIENT_BIRTH_DATE).orElse("");
        int latestYear = TemporalAttributes.latestYear(root, 0, today.getYear());
        boolean hadStudyId = root.contains(STUDY_ID);
        walk(root, Content.PLAIN, 0);
        DisplayAttributes.writeCheckedPalette(root);
        patient(birthDate, latestYear);
        if (hadStudyId) {
            root.put(STUDY_ID, Vr.SH, keys.studyId(context, studyUid));
        }
        // Veil's own values (the pseudonym, the birth year an option keeps) are not the file's.
        scan.removeFrom(root, java.util.Set.of(PATIENT_ID, PATIENT_NAME, PATIENT_BIRTH_DATE, STUDY_ID), derivedUids.keySet());
        markers();
    }

    private void walk(EditableDataset ds, Content content, int depth) {
        if (CodedEntries.isCodedEntry(ds)) {
            codes.clean(ds, names, originalPatientId);
        }
        for (int tag : ds.tags()) {
            if (!ds.contains(tag) || (CodedEntries.TAGS.contains(tag) && CodedEntries.isCodedEntry(ds))) {
                continue;
            }
            DisplayAttributes.firstWindowOnly(ds, tag);
            if (!ds.contains(tag)) {
                continue; // a window one value wide, removed
            }
            int group = Tag.group(tag);
            if (group == 0x0002) {
                // File Meta Information is written afresh at the top; inside an item it has no place.
                if (depth > 0) {
                    ds.remove(tag);
                }
                continue;
            }
            if (Tag.isGroupLength(tag) || group == 0xFFFE || group == 0x0000) {
                ds.remove(tag);
            } else if (DisplayAttributes.removed(ds, tag, depth)) {
                ds.remove(tag);
            } else if (Tag.isPrivate(tag)) {
                privateElement(ds, tag, depth);
            } else if (isGraphicsGroup(group)) {
                ds.remove(tag);
            } else if (ds.vr(tag) == Vr.UN && !ds.decodeUnknown(tag)) {
                // A value Veil cannot read as its dictionary VR cannot be cleaned (PS3.5 6.2.2), nor
                // checked for the shape an option that keeps it (K) requires: a date kept under
                // Retain Longitudinal Full Dates, sent as UN bytes that are not a date, is text.
                ds.remove(tag);
            } else if (ValueShapes.wrongVr(ds, tag)) {
                ds.remove(tag);
            } else {
                Optional<Action> action = table.actionFor(tag, profile);
                if (action.isPresent() && (action.get() == Action.C || action.get() == Action.K) && DEVICE_DATES.contains(tag)
                        && !profile.has(Option.RETAIN_LONGITUDINAL_FULL_DATES)) {
                    // Shifted by the patient's shift, or kept real beside shifted dates: either hands the
                    // shift over. What the Basic Profile does instead: a dummy where the module needs a
                    // value (a brachytherapy source's reference date is Type 1), empty, or removed.
                    act(ds, tag, table.actionFor(tag, BASIC).orElse(Action.X), content, depth);
                } else if (ValueShapes.beyondMultiplicity(ds, tag)) {
                    // Emptied, as a number out of shape is; removed where it would have been removed anyway.
                    if (action.map(a -> a == Action.X).orElse(policy.treatment(tag).isEmpty())) {
                        ds.remove(tag);
                    } else {
                        ds.empty(tag);
                    }
                } else if (action.isPresent()) {
                    act(ds, tag, action.get(), content, depth);
                } else if (!EditableDataset.inDictionary(tag)) {
                    ds.remove(tag);
                } else {
                    unlisted(ds, tag, content, depth);
                }
            }
        }
        if (content != Content.PLAIN) {
            SafeHarborAges.subjectContext(ds);
        }
    }

    /**
     * Overlay planes (60xx) and curves (50xx) are removed whole, under every profile: a bitmap
     * cannot be told apart from burned-in text, and half an overlay module is invalid. Clean
     * Graphics keeps the graphics that are data, such as a presentation state's Graphic
     * Annotation Sequence, with their text cleaned.
     */
    private boolean isGraphicsGroup(int group) {
        return (group & 1) == 0 && ((group & 0xFF00) == 0x6000 || (group & 0xFF00) == 0x5000);
    }

    private void privateElement(EditableDataset ds, int tag, int depth) {
        boolean keep = table.privateAction(profile) == Action.C && isSafe(ds, tag) && ds.vr(tag) != Vr.UN;
        if (!keep) {
            ds.remove(tag);
        } else if (ds.vr(tag) == Vr.SQ) {
            ds.items(tag).forEach(item -> walk(item, Content.CLEANED, depth + 1));
        } else if (Tag.element(tag) > 0x00FF) {
            safePrivateValue(ds, tag, ds.vr(tag));
        } else {
            // A creator is recognised by its first value (as PixelMed reads it): that one alone,
            // trimmed, is what the safe list names; others could carry anything.
            ds.put(tag, Vr.LO, ds.string(tag).map(String::trim).orElse(""));
        }
    }

    /**
     * A safe private element is judged safe by its creator and element number, which anyone can
     * write: its value must still have a safe shape. Numbers as numbers are kept
     * ({@link ValueShapes#numbers}), text is cleaned as free text, code strings as codes; names,
     * dates, times, titles, URLs and binary values, which nothing here can read, are removed.
     */
    private void safePrivateValue(EditableDataset ds, int tag, Vr vr) {
        switch (vr) {
            case DS, IS -> ValueShapes.numbers(ds, tag, vr);
            case US, SS, UL, SL, FL, FD, UV, SV -> {
                // A safe element's numbers are a few (a scale, a b-value): kilobytes of them are
                // bytes of another kind, text read as floats keeps its every byte.
                if (ds.valueCount(tag) > KEPT_PRIVATE_NUMBERS) {
                    ds.remove(tag);
                }
            }
            case LO, LT, SH, ST, UT, UC -> cleanText(ds, tag, vr);
            case CS -> ValueShapes.codeStrings(ds, tag, vocabulary);
            case UI -> replaceUids(ds, tag, true);
            default -> ds.remove(tag);
        }
    }

    /** A creator element is kept when one of its block's elements is safe; an element when it is. */
    private boolean isSafe(EditableDataset ds, int tag) {
        int element = Tag.element(tag);
        if (element >= 0x0010 && element <= 0x00FF) {
            int blockStart = (Tag.group(tag) << 16) | (element << 8);
            for (int t : ds.tags()) {
                if (t >= blockStart && t <= blockStart + 0xFF && ds.isSafePrivate(t)) {
                    return true;
                }
            }
            return false;
        }
        return element > 0x00FF && ds.isSafePrivate(tag);
    }

    private void act(EditableDataset ds, int tag, Action action, Content content, int depth) {
        Vr vr = ds.vr(tag);
        switch (action) {
            case X -> ds.remove(tag);
            case Z -> ds.empty(tag);
            case K -> {
                if (vr == Vr.SQ) {
                    ds.items(tag).forEach(item -> walk(item, content, depth + 1));
                } else {
                    kept(ds, tag, vr);
                }
            }
            case U -> {
                if (vr == Vr.SQ) {
                    ds.items(tag).forEach(item -> walk(item, content, depth + 1));
                } else {
                    replaceUids(ds, tag, true);
                }
            }
            case D -> {
                if (vr == Vr.SQ) {
                    ds.items(tag).forEach(item -> walk(item, content == Content.CLEANED ? Content.CLEANED : Content.DUMMIED, depth + 1));
                } else if (vr == Vr.UI) {
                    replaceUids(ds, tag, true);
                } else {
                    ValueShapes.dummy(ds, tag, vr);
                }
            }
            case C -> clean(ds, tag, vr, depth);
        }
    }

    /** Attributes the table does not list: what the attribute policy allows, and nothing else. */
    private void unlisted(EditableDataset ds, int tag, Content content, int depth) {
        Optional<AttributePolicy.Treatment> treatment = policy.treatment(tag);
        if (treatment.isEmpty()) {
            ds.remove(tag);
            return;
        }
        Vr vr = ds.vr(tag);
        switch (treatment.get()) {
            case NUMBER -> ValueShapes.numbers(ds, tag, vr);
            case CODE -> ValueShapes.codeStrings(ds, tag, vocabulary);
            case TEXT -> {
                if (content == Content.DUMMIED && ds.strings(tag).stream().anyMatch(v -> v != null && !v.isBlank())) {
                    ValueShapes.dummy(ds, tag, vr);
                } else {
                    cleanText(ds, tag, vr);
                }
            }
            case CODED -> {
                // outside a coded entry (no value and no scheme), a lone meaning is text
                cleanText(ds, tag, vr);
            }
            case UID -> {
                if (!profile.has(Option.RETAIN_UIDS)) {
                    replaceUids(ds, tag, false);
                }
            }
            case DATE -> temporal.clean(ds, tag, vr);
            case DEVICE -> ds.remove(tag);
            case TIME -> {
                if (!profile.shiftsDates() && !profile.has(Option.RETAIN_LONGITUDINAL_FULL_DATES)) {
                    ds.remove(tag);
                } else {
                    TemporalAttributes.times(ds, tag);
                }
            }
            case AGE -> SafeHarborAges.cap(ds, tag);
            case SEQUENCE -> {
                if (tag == WAVEFORM_SEQUENCE && (kind != StorageKind.WAVEFORM || depth > 0)) {
                    // Samples no image check sees, in a class that has no place for them: a dictation
                    // added to a CT would otherwise leave with it.
                    ds.remove(tag);
                } else if (tag == WAVEFORM_SEQUENCE) {
                    // The only items whose Waveform Data the rate check (WaveformRates) has read.
                    waveformItems = true;
                    try {
                        ds.items(tag).forEach(item -> walk(item, content, depth + 1));
                    } finally {
                        waveformItems = false;
                    }
                } else {
                    ds.items(tag).forEach(item -> walk(item, content, depth + 1));
                }
            }
            case SAMPLES -> samples(ds, tag, depth);
            case ICC -> {
                if (!ds.putStandardIccProfile(tag)) {
                    ds.remove(tag);
                }
            }
        }
    }

    private void clean(EditableDataset ds, int tag, Vr vr, int depth) {
        if (vr.isBulk() && vr != Vr.SQ) {
            // A value Veil cannot read (binary, or UN: a VR its dictionary does not know) cannot be cleaned.
            ds.remove(tag);
            return;
        }
        switch (vr) {
            case SQ -> ds.items(tag).forEach(item -> walk(item, Content.CLEANED, depth + 1));
            case DA, DT -> temporal.clean(ds, tag, vr);
            case TM -> {
                if (!profile.shiftsDates() && !profile.has(Option.RETAIN_LONGITUDINAL_FULL_DATES)) {
                    ValueShapes.dummy(ds, tag, vr);
                } else {
                    TemporalAttributes.times(ds, tag);
                }
            }
            case AE -> ds.put(tag, vr, ds.strings(tag).stream().map(ae -> keys.aeTitle(context, ae)).toList());
            case AS -> SafeHarborAges.cap(ds, tag);
            case PN -> ValueShapes.dummy(ds, tag, vr);
            case UI -> replaceUids(ds, tag, true);
            case CS -> ValueShapes.codeStrings(ds, tag, vocabulary);
            case LO, LT, SH, ST, UT, UC, UR -> cleanText(ds, tag, vr);
            default -> {
                // numbers and binary values carry no text to clean
            }
        }
    }

    /**
     * The samples the pixel half does not look at. Pixel Data, Float and Double Float Pixel Data
     * have a place only at the top of an instance, where the pixel half decodes and checks Pixel
     * Data and withholds the float kinds (it cannot check them): inside an item (a Referenced Image
     * Sequence, say) nothing would look at them, so they are removed. Waveform and spectroscopy
     * samples stay only in the classes that store them. Palettes and lookup tables stay: they are
     * numbers that the image is drawn with.
     */
    private void samples(EditableDataset ds, int tag, int depth) {
        boolean image = tag == PixelCleaner.PIXEL_DATA || tag == FLOAT_PIXEL_DATA || tag == DOUBLE_FLOAT_PIXEL_DATA;
        if (image && (depth > 0 || tag != PixelCleaner.PIXEL_DATA)
                || tag == WAVEFORM_DATA && (kind != StorageKind.WAVEFORM || depth != 1 || !waveformItems)
                || tag == SPECTROSCOPY_DATA && (kind != StorageKind.SPECTROSCOPY || depth > 0)) {
            ds.remove(tag);
        }
    }

    /**
     * A value an option retains (K) keeps its meaning, not whatever the file put there: it must
     * still have its VR's shape (a code string of known terms, the enumerated sexes, a readable date
     * or time, a UID, a number), and text must not name the patient (a person name or the Patient
     * ID of the instance). What fails is emptied, or for text replaced by a dummy.
     */
    private void kept(EditableDataset ds, int tag, Vr vr) {
        switch (vr) {
            case AS -> SafeHarborAges.cap(ds, tag);
            case CS -> {
                if (tag == PATIENT_SEX) {
                    if (!ds.strings(tag).stream().allMatch(v -> v == null || v.isBlank() || SEXES.contains(v.trim()))) {
                        ds.empty(tag);
                    }
                } else {
                    ValueShapes.codeStrings(ds, tag, vocabulary);
                    if (ds.strings(tag).stream().anyMatch(this::namesThePatient)) {
                        ds.empty(tag);
                    }
                }
            }
            case DS, IS -> ValueShapes.numbers(ds, tag, vr);
            case DA, DT -> {
                if (profile.has(Option.RETAIN_LONGITUDINAL_FULL_DATES)) {
                    TemporalAttributes.kept(ds, tag, vr);
                } else {
                    // A patient's date another option keeps (Beam Hold Transition DateTime, under Retain
                    // Device Identity) goes as the profile's other dates go: kept real beside shifted
                    // ones, the difference is the shift.
                    temporal.clean(ds, tag, vr);
                }
            }
            case TM -> TemporalAttributes.times(ds, tag);
            case UI -> {
                if (!ds.strings(tag).stream().allMatch(v -> v == null || v.isBlank() || isUid(v.trim()))) {
                    ds.empty(tag);
                }
            }
            case LO, SH, ST, LT, UT, UC -> {
                if (ds.strings(tag).stream().anyMatch(v -> v != null && (namesThePatient(v) || namesThePatientAsWritten(v)))) {
                    ValueShapes.dummy(ds, tag, vr);
                }
            }
            case PN, AE, UR -> ValueShapes.dummy(ds, tag, vr);
            default -> {
                // Binary numbers of a fixed type, as many as the dictionary allows (walk checks the
                // count). Bytes (OB, UN) are kept only as long as a timestamp (Frame Origin
                // Timestamp's ten): a Certified Timestamp can carry kilobytes no one here can read.
                if (vr.isBulk() && (ds.bytes(tag).length > KEPT_BYTES || namesThePatient(WrittenAscii.of(ds.bytes(tag))))) {
                    ds.remove(tag);
                }
            }
        }
    }

    /** The most binary numbers a safe private element keeps (PixelMed counts them by their size). */
    private static final int KEPT_PRIVATE_NUMBERS = 8;

    /** The most bytes of a binary value an option keeps (PS3.3 C.7.6.24: a PTP timestamp is ten). */
    private static final int KEPT_BYTES = 16;

    private static boolean isUid(String v) {
        return v.length() <= 64 && UID.matcher(v).matches();
    }

    /**
     * Whether text holds a part of a person name of the instance, or its Patient ID, as a word; a
     * Patient ID of six characters or more also inside a word (an MRN within a label), a shorter one
     * only as a word of its own (a study's {@code 008} is not in {@code CT1008}).
     */
    private boolean namesThePatient(String value) {
        return CodedEntries.holdsIdentity(value, names, originalPatientId);
    }

    /** Whether the value, written in the instance's character set, names the patient in the ASCII of its bytes. */
    private boolean namesThePatientAsWritten(String value) {
        return hidingCharset != null && value.chars().anyMatch(c -> c >= 0x80)
                && (hidingCharset == WrittenAscii.UNREADABLE || namesThePatient(WrittenAscii.of(value, hidingCharset)));
    }

    private void cleanText(EditableDataset ds, int tag, Vr vr) {
        if (vr == Vr.UR) {
            ds.remove(tag);
            return;
        }
        List<String> cleaned = new ArrayList<>();
        for (String v : ds.strings(tag)) {
            String c = descriptors.clean(v == null ? "" : v, names);
            if (vr == Vr.SH) {
                c = c.length() > 16 ? c.substring(0, 16).trim() : c;
            } else if (vr == Vr.LO) {
                c = c.length() > 64 ? c.substring(0, 64).trim() : c;
            }
            cleaned.add(c);
        }
        if (cleaned.stream().filter(c -> c.chars().anyMatch(Character::isDigit)).count() > 1) {
            // Each value is cleaned alone, so "no number next to a number" does not see across the
            // backslash: CT\19\50\03\12 would keep a date two digits at a time. Of several
            // values with numbers, those that are only a number go.
            cleaned.replaceAll(c -> c.chars().allMatch(ch -> Character.isDigit(ch) || ch == '.' || ch == '-' || ch == '+') ? "" : c);
        }
        if (cleaned.stream().allMatch(String::isEmpty)) {
            // Text that had words and has none left gets a dummy: many such attributes are Type 1 in
            // some IOD (Manufacturer in the enhanced ones, a segment's label), and an empty Type 1
            // makes the instance invalid; a dummy says that something was removed.
            if (ds.strings(tag).stream().anyMatch(v -> v != null && !v.isBlank())) {
                ValueShapes.dummy(ds, tag, vr);
            } else {
                ds.empty(tag);
            }
        } else {
            ds.put(tag, vr, cleaned);
        }
    }

    /**
     * Every UID becomes its derived UID, unless it is a registered UID ({@link RegisteredUids}: a class, a transfer
     * syntax, a coding scheme of the DICOM root) and {@code evenRegistered} is false. A value that
     * is not a UID at all is dropped.
     */
    private void replaceUids(EditableDataset ds, int tag, boolean evenRegistered) {
        List<String> out = new ArrayList<>();
        for (String uid : ds.strings(tag)) {
            String u = uid == null ? "" : uid.trim();
            if (u.isEmpty() || (!evenRegistered && RegisteredUids.known(u))) {
                out.add(u);
            } else if (!u.matches("[0-9.]{1,64}")) {
                ds.empty(tag);
                return;
            } else {
                String derived = keys.uid(context, u);
                derivedUids.put(derived, u);
                out.add(derived);
            }
        }
        ds.put(tag, Vr.UI, out);
    }

    /**
     * The patient's pseudonym, birth date and age, after the table's actions. Under Retain Patient
     * Characteristics the birth date keeps only its year (of the shifted date when dates are
     * shifted), and only when no date of the instance, nor today, is 88 years or more after it:
     * otherwise a reader could compute an age of 90 or more (HIPAA Safe Harbor), and a year
     * written as 1 January may round an age up by one. A profile that keeps no dates (neither
     * shifted nor full) keeps no birth year either: beside the kept Patient's Age, the real birth
     * year gives the real year of the study, which such a profile removes.
     */
    private void patient(String birthDate, int latestYear) {
        String pseudonym = keys.pseudonym(context, issuer, patientId);
        root.put(PATIENT_ID, Vr.LO, pseudonym);
        root.put(PATIENT_NAME, Vr.PN, pseudonym);
        boolean keepsDates = profile.shiftsDates() || profile.has(Option.RETAIN_LONGITUDINAL_FULL_DATES);
        if (profile.has(Option.RETAIN_PATIENT_CHARACTERISTICS) && root.contains(PATIENT_BIRTH_DATE)) {
            Optional<String> year = Optional.of(birthDate.replace(".", "").trim()).filter(b -> keepsDates && b.matches("\\d{8}"))
                    .filter(b -> latestYear - Integer.parseInt(b.substring(0, 4)) <= 87)
                    .flatMap(b -> profile.shiftsDates() ? DateShift.date(b, dayShift) : Optional.of(b))
                    .map(b -> b.substring(0, 4) + "0101");
            if (year.isPresent()) {
                root.put(PATIENT_BIRTH_DATE, Vr.DA, year.get());
            } else {
                root.empty(PATIENT_BIRTH_DATE);
            }
        }
        if (root.contains(PATIENT_AGE)) {
            SafeHarborAges.cap(root, PATIENT_AGE);
        }
    }

    /** Every component of every person name in the instance, upper case: words that are never kept in text. */
    private void collectNames(EditableDataset ds, int depth) {
        if (depth > 32) {
            return;
        }
        for (int tag : ds.tags()) {
            Vr vr = ds.vr(tag);
            Vr named = EditableDataset.dictionaryVr(tag);
            if (vr == Vr.UN && (named == Vr.PN || named == Vr.SQ) && ds.decodeUnknown(tag)) {
                // A name sent as UN (CP-246) is a name all the same: read now, before the text
                // cleaners are told which words are names (the walk would read it only later).
                vr = ds.vr(tag);
            }
            if (vr == Vr.PN) {
                for (String v : ds.strings(tag)) {
                    for (String part : (v == null ? "" : v).split("[\\^= ,.]+")) {
                        if (part.length() > 1) {
                            names.add(part.toUpperCase(Locale.ROOT));
                        }
                        // SMITH-JONES, O'BRIEN: their pieces too, as text is split into words
                        for (String piece : part.split("[-'\u2019]+")) {
                            if (piece.length() > 1 && piece.length() < part.length()) {
                                names.add(piece.toUpperCase(Locale.ROOT));
                            }
                        }
                    }
                }
            } else if (vr == Vr.SQ) {
                ds.items(tag).forEach(item -> collectNames(item, depth + 1));
            }
        }
    }

    private void markers() {
        root.put(PATIENT_IDENTITY_REMOVED, Vr.CS, "YES");
        root.put(DEIDENTIFICATION_METHOD, Vr.LO, "Veil: PS3.15 Basic Profile, profile " + profile.name());
        List<String[]> codeRows = new ArrayList<>();
        codeRows.add(new String[] {Option.BASIC_PROFILE_CODE, Option.BASIC_PROFILE_MEANING});
        for (Option o : profile.options()) {
            codeRows.add(new String[] {o.code(), o.meaning()});
        }
        List<EditableDataset> items = root.newSequence(DEIDENTIFICATION_METHOD_CODES, codeRows.size());
        for (int i = 0; i < codeRows.size(); i++) {
            items.get(i).put(CODE_VALUE, Vr.SH, codeRows.get(i)[0]);
            items.get(i).put(CODING_SCHEME_DESIGNATOR, Vr.SH, "DCM");
            items.get(i).put(CODE_MEANING, Vr.LO, codeRows.get(i)[1]);
        }
        root.put(LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED, Vr.CS,
                profile.shiftsDates() ? "MODIFIED" : profile.has(Option.RETAIN_LONGITUDINAL_FULL_DATES) ? "UNMODIFIED" : "REMOVED");
    }
}
