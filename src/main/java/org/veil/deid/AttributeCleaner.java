package org.veil.deid;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.veil.dicom.EditableDataset;
import org.veil.dicom.Tag;
import org.veil.dicom.Vr;

/**
 * The attribute half of de-identifying one instance under one profile: the table's actions at
 * every depth, then the patient's pseudonym, birth date and age, the study's ID and the output
 * markers. The patient's identity, read once, keys every derived value.
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

    /** Attributes whose UIDs name classes, syntaxes or coding schemes, not instances: never replaced. */
    private static final Set<Integer> CLASS_UIDS = Set.of(
            0x00020002, 0x00020010, 0x00020012, 0x00080016, 0x0008001A, 0x0008001B, 0x0008010C, 0x0008010D,
            0x00080062, 0x00081150, 0x00081090, 0x00041510, 0x00041512, 0x00080105, 0x00080118, 0x00400E03,
            0x0040A170, 0x00404035, 0x0072000A);

    /** Coded entries (PS3.3 Table 8.8-1) name concepts from vocabularies: kept as they are in cleaned content. */
    private static final Set<Integer> CODE_ATTRIBUTES = Set.of(0x00080100, 0x00080102, 0x00080103, 0x00080104, 0x00080105,
            0x00080106, 0x00080107, 0x0008010B, 0x0008010F, 0x00080117, 0x00080119, 0x00080120, 0x00080121, 0x00080122,
            0x0040A040, 0x0040A010, 0x0040A043, 0x0040A050, 0x0040A168, 0x004008EA);
    private static final int TEXT_VALUE = 0x0040A160;

    /**
     * How far down the walk is. Items of a sequence the profile replaces (D) or cleans (C) hold
     * free text, names and dates the table does not list (Text Value, for one): under D they are
     * replaced by dummies, under C reduced to allowed words; coded entries stay in both.
     */
    private enum Content { PLAIN, DUMMIED, CLEANED }

    private final ActionTable table;
    private final Keys keys;
    private final DescriptorCleaner descriptors;
    private final EditableDataset root;
    private final Profile profile;
    private final String context;
    private final String issuer;
    private final String patientId;
    private final String studyUid;
    private final int dayShift;
    private final Map<String, String> derivedUids = new LinkedHashMap<>();

    AttributeCleaner(ActionTable table, Keys keys, DescriptorCleaner descriptors, EditableDataset root, Profile profile,
                     String context) {
        this.table = table;
        this.keys = keys;
        this.descriptors = descriptors;
        this.root = root;
        this.profile = profile;
        this.context = context;
        this.studyUid = root.string(Tag.StudyInstanceUID).orElse("");
        this.issuer = root.string(ISSUER_OF_PATIENT_ID).orElse("");
        // Without a PatientID the study stands in for the patient: consistent within the study.
        this.patientId = root.string(PATIENT_ID).filter(s -> !s.isBlank()).orElse("study:" + studyUid);
        this.dayShift = keys.dayShift(context, issuer, patientId);
    }

    /** Every UID replaced, derived to original. */
    Map<String, String> derivedUids() {
        return derivedUids;
    }

    void apply() {
        String birthDate = root.string(PATIENT_BIRTH_DATE).orElse("");
        boolean hadStudyId = root.contains(STUDY_ID);
        walk(root, Content.PLAIN);
        patient(birthDate);
        if (hadStudyId) {
            root.put(STUDY_ID, Vr.SH, keys.studyId(context, studyUid));
        }
        markers();
    }

    private void walk(EditableDataset ds, Content content) {
        for (int tag : ds.tags()) {
            if (!ds.contains(tag)) {
                continue;
            }
            int group = Tag.group(tag);
            if (group == 0x0002 || group == 0xFFFE) {
                continue;
            }
            if (Tag.isGroupLength(tag)) {
                ds.remove(tag);
            } else if (Tag.isPrivate(tag)) {
                privateElement(ds, tag);
            } else if (isGraphicsGroup(group)) {
                ds.remove(tag);
            } else {
                Optional<Action> action = table.actionFor(tag, profile);
                if (action.isPresent()) {
                    act(ds, tag, action.get(), content);
                } else {
                    unlisted(ds, tag, content);
                }
            }
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

    private void privateElement(EditableDataset ds, int tag) {
        boolean keep = table.privateAction(profile) == Action.C && isSafe(ds, tag);
        if (!keep) {
            ds.remove(tag);
        } else if (ds.vr(tag) == Vr.SQ) {
            ds.items(tag).forEach(item -> walk(item, Content.CLEANED));
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

    private void act(EditableDataset ds, int tag, Action action, Content content) {
        Vr vr = ds.vr(tag);
        switch (action) {
            case X -> ds.remove(tag);
            case Z -> ds.empty(tag);
            case K -> {
                if (vr == Vr.SQ) {
                    ds.items(tag).forEach(item -> walk(item, content));
                }
            }
            case U -> {
                if (vr == Vr.SQ) {
                    ds.items(tag).forEach(item -> walk(item, content));
                } else {
                    replaceUids(ds, tag, true);
                }
            }
            case D -> {
                if (vr == Vr.SQ) {
                    ds.items(tag).forEach(item -> walk(item, content == Content.CLEANED ? Content.CLEANED : Content.DUMMIED));
                } else if (vr == Vr.UI) {
                    replaceUids(ds, tag, true);
                } else {
                    dummy(ds, tag, vr);
                }
            }
            case C -> clean(ds, tag, vr);
        }
    }

    /** Attributes the table does not list are kept, except what could still identify. */
    private void unlisted(EditableDataset ds, int tag, Content content) {
        Vr vr = ds.vr(tag);
        if (vr == Vr.SQ) {
            ds.items(tag).forEach(item -> walk(item, content));
        } else if (vr == Vr.UI) {
            if (!profile.has(Option.RETAIN_UIDS) && !CLASS_UIDS.contains(tag)) {
                replaceUids(ds, tag, false);
            }
        } else if (content != Content.PLAIN && !CODE_ATTRIBUTES.contains(tag)) {
            switch (vr) {
                case LO, LT, SH, ST, UT, UC -> {
                    if (content == Content.CLEANED) {
                        clean(ds, tag, vr);
                    } else {
                        dummy(ds, tag, vr);
                    }
                }
                case PN, DA, DT, TM, AE -> clean(ds, tag, vr);
                default -> {
                }
            }
        }
    }

    private void clean(EditableDataset ds, int tag, Vr vr) {
        if (vr.isBulk() && vr != Vr.SQ) {
            // A value Veil cannot read (binary, or UN: a VR its dictionary does not know) cannot be cleaned.
            ds.remove(tag);
            return;
        }
        switch (vr) {
            case SQ -> ds.items(tag).forEach(item -> walk(item, Content.CLEANED));
            case DA, DT -> cleanDates(ds, tag, vr);
            case TM -> {
                if (!profile.shiftsDates() && !profile.has(Option.RETAIN_LONGITUDINAL_FULL_DATES)) {
                    dummy(ds, tag, vr);
                }
            }
            case AE -> ds.put(tag, vr, ds.strings(tag).stream().map(ae -> keys.aeTitle(context, ae)).toList());
            case AS -> ds.put(tag, vr, ds.strings(tag).stream().map(AttributeCleaner::cappedAge).toList());
            case PN -> dummy(ds, tag, vr);
            case UI -> replaceUids(ds, tag, true);
            case LO, LT, SH, ST, UT, UC, CS, UR -> cleanText(ds, tag, vr);
            default -> {
                // numbers and binary values carry no text to clean
            }
        }
    }

    private void cleanText(EditableDataset ds, int tag, Vr vr) {
        List<String> cleaned = new ArrayList<>();
        for (String v : ds.strings(tag)) {
            String c = descriptors.clean(v == null ? "" : v);
            if (vr == Vr.SH || vr == Vr.CS) {
                c = c.length() > 16 ? c.substring(0, 16).trim() : c;
            } else if (vr == Vr.LO) {
                c = c.length() > 64 ? c.substring(0, 64).trim() : c;
            }
            cleaned.add(vr == Vr.CS ? c.toUpperCase(java.util.Locale.ROOT).replace('-', ' ') : c);
        }
        if (cleaned.stream().allMatch(String::isEmpty)) {
            // A value the standard requires (the table's D, or a text content item) gets a dummy.
            if (table.requiresValue(tag) || tag == TEXT_VALUE) {
                dummy(ds, tag, vr);
            } else {
                ds.empty(tag);
            }
        } else {
            ds.put(tag, vr, cleaned);
        }
    }

    private void cleanDates(EditableDataset ds, int tag, Vr vr) {
        if (profile.has(Option.RETAIN_LONGITUDINAL_FULL_DATES)) {
            return;
        }
        if (!profile.shiftsDates()) {
            dummy(ds, tag, vr);
            return;
        }
        List<String> shifted = new ArrayList<>();
        for (String v : ds.strings(tag)) {
            Optional<String> s = v == null || v.isBlank() ? Optional.of("")
                    : vr == Vr.DA ? DateShift.date(v, dayShift) : DateShift.dateTime(v, dayShift);
            if (s.isEmpty()) {
                // not a date Veil can read: not kept
                ds.empty(tag);
                return;
            }
            shifted.add(s.get());
        }
        ds.put(tag, vr, shifted);
    }

    private void replaceUids(EditableDataset ds, int tag, boolean evenWellKnown) {
        List<String> out = new ArrayList<>();
        for (String uid : ds.strings(tag)) {
            String u = uid == null ? "" : uid.trim();
            if (u.isEmpty() || (!evenWellKnown && u.startsWith("1.2.840.10008."))) {
                out.add(u);
            } else {
                String derived = keys.uid(context, u);
                derivedUids.put(derived, u);
                out.add(derived);
            }
        }
        ds.put(tag, Vr.UI, out);
    }

    private void dummy(EditableDataset ds, int tag, Vr vr) {
        String value = switch (vr) {
            case DA -> "19000101";
            case DT -> "19000101000000";
            case TM -> "000000";
            case AS -> "000Y";
            case AE, CS -> "VEIL";
            case PN -> "ANONYMOUS";
            case UR -> "urn:veil:removed";
            case DS, IS, US, SS, UL, SL, FL, FD, UV, SV -> "0";
            case LO, SH, LT, ST, UT, UC -> "REMOVED";
            default -> null;
        };
        if (value == null) {
            ds.putBytes(tag, vr, new byte[0]);
        } else {
            ds.put(tag, vr, value);
        }
    }

    /** The patient's pseudonym, birth date and age, after the table's actions. */
    private void patient(String birthDate) {
        String pseudonym = keys.pseudonym(context, issuer, patientId);
        root.put(PATIENT_ID, Vr.LO, pseudonym);
        root.put(PATIENT_NAME, Vr.PN, pseudonym);
        if (profile.has(Option.RETAIN_PATIENT_CHARACTERISTICS) && birthDate.length() >= 4) {
            Optional<String> year = Optional.of(birthDate.replace(".", "")).filter(b -> b.matches("\\d{8}"))
                    .flatMap(b -> profile.shiftsDates() ? DateShift.date(b, dayShift) : Optional.of(b))
                    .map(b -> b.substring(0, 4) + "0101");
            if (year.isPresent()) {
                root.put(PATIENT_BIRTH_DATE, Vr.DA, year.get());
            } else {
                root.empty(PATIENT_BIRTH_DATE);
            }
        }
        if (root.contains(PATIENT_AGE)) {
            root.put(PATIENT_AGE, Vr.AS, root.strings(PATIENT_AGE).stream().map(AttributeCleaner::cappedAge).toList());
        }
    }

    private void markers() {
        root.put(PATIENT_IDENTITY_REMOVED, Vr.CS, "YES");
        root.put(DEIDENTIFICATION_METHOD, Vr.LO, "Veil: PS3.15 Basic Profile, profile " + profile.name());
        List<String[]> codes = new ArrayList<>();
        codes.add(new String[] {Option.BASIC_PROFILE_CODE, Option.BASIC_PROFILE_MEANING});
        for (Option o : profile.options()) {
            codes.add(new String[] {o.code(), o.meaning()});
        }
        List<EditableDataset> items = root.newSequence(DEIDENTIFICATION_METHOD_CODES, codes.size());
        for (int i = 0; i < codes.size(); i++) {
            items.get(i).put(CODE_VALUE, Vr.SH, codes.get(i)[0]);
            items.get(i).put(CODING_SCHEME_DESIGNATOR, Vr.SH, "DCM");
            items.get(i).put(CODE_MEANING, Vr.LO, codes.get(i)[1]);
        }
        root.put(LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED, Vr.CS,
                profile.shiftsDates() ? "MODIFIED" : profile.has(Option.RETAIN_LONGITUDINAL_FULL_DATES) ? "UNMODIFIED" : "REMOVED");
    }

    /** HIPAA Safe Harbor: ages over 89 are given as 90 years. Unreadable ages are not kept. */
    static String cappedAge(String age) {
        if (age == null || !age.matches("\\d{3}[DWMY]")) {
            return "";
        }
        int n = Integer.parseInt(age.substring(0, 3));
        return age.endsWith("Y") && n > 89 ? "090Y" : age;
    }
}
