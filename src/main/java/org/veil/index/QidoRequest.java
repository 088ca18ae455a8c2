package org.veil.index;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.veil.dicom.DataDictionary;
import org.veil.dicom.InstanceParser;
import org.veil.dicom.QueryLevel;
import org.veil.dicom.Tag;

/**
 * A parsed QIDO-RS query (PS3.18 8.3.4, 10.6): the level, the study or series it is scoped to,
 * its matching keys, which attributes to return, and the page.
 */
public record QidoRequest(QueryLevel level, Optional<String> studyUid, Optional<String> seriesUid,
                          Map<MatchKey, String> matches, Set<Integer> includeFields, boolean includeAll,
                          boolean fuzzy, int limit, int offset, List<String> notPerformed) {

    /** The one study the search is about: its path's, or a StudyInstanceUID key naming a single UID. */
    public Optional<String> singleStudy() {
        if (studyUid.isPresent()) {
            return studyUid;
        }
        String key = matches.get(MatchKey.StudyInstanceUID);
        return key == null || key.isBlank() || key.contains(",") || key.contains("\\") ? Optional.empty() : Optional.of(key.trim());
    }

    /** Paging bounds from configuration. */
    public record Paging(int defaultLimit, int maxLimit) {
    }

    /**
     * The deepest page a search may start at. PostgreSQL makes and throws away every row before
     * the offset, so an offset has the cost of a result that size; past this, a narrower search (a
     * date range) reaches the same studies at the cost of one page.
     */
    public static final int MAX_OFFSET = 100_000;

    public static QidoRequest parse(QueryLevel level, String studyUid, String seriesUid,
                                    Map<String, List<String>> params, Paging paging) throws InvalidQueryException {
        Map<MatchKey, String> matches = new EnumMap<>(MatchKey.class);
        Set<Integer> include = new LinkedHashSet<>();
        boolean includeAll = false;
        boolean fuzzy = false;
        int limit = paging.defaultLimit();
        int offset = 0;
        List<String> notPerformed = new ArrayList<>();
        for (Map.Entry<String, List<String>> p : params.entrySet()) {
            String name = p.getKey();
            List<String> values = p.getValue();
            if (hasControl(name) || values.stream().anyMatch(QidoRequest::hasControl)) {
                // A NUL or another control character matches nothing and no database column holds it.
                throw new InvalidQueryException("query parameters may not contain control characters");
            }
            switch (name) {
                case "limit" -> limit = Math.min(positive(single(name, values), name, 1), paging.maxLimit());
                case "offset" -> {
                    offset = positive(single(name, values), name, 0);
                    if (offset > MAX_OFFSET) {
                        throw new InvalidQueryException("offset is at most " + MAX_OFFSET + "; narrow the search (a date range) to reach further");
                    }
                }
                case "fuzzymatching" -> fuzzy = parseBoolean(name, single(name, values));
                case "emptyvaluematching", "multiplevaluematching" -> {
                    // Table 8.3.4-1 requires an origin server to accept both; one that does not
                    // perform them searches without them and says so (8.3.4.5, 8.3.4.6).
                    if (parseBoolean(name, single(name, values))) {
                        notPerformed.add(name);
                    }
                }
                case "accept", "charset" -> {
                    // Content negotiation (PS3.18 8.3.3): accept stands for the Accept header, and
                    // is applied before the search (dicomweb.AcceptParameter); answers are UTF-8.
                    single(name, values);
                }
                case "includefield" -> {
                    for (String v : values) {
                        for (String field : v.split(",")) {
                            if (field.trim().equals("all")) {
                                includeAll = true;
                            } else {
                                include.add(included(field.trim()));
                            }
                        }
                    }
                }
                default -> {
                    MatchKey key = matchKey(name);
                    if (key.level.ordinal() > level.ordinal()) {
                        throw new InvalidQueryException(shown(name) + " cannot be matched at " + level.name().toLowerCase() + " level");
                    }
                    String value = single(name, values);
                    validate(key, value, name);
                    if (matches.put(key, value) != null) {
                        // The same key by keyword and by tag: two conditions where one is single-valued.
                        throw new InvalidQueryException(shown(name) + " is given more than once (by keyword and by tag)");
                    }
                }
            }
        }
        return new QidoRequest(level, Optional.ofNullable(studyUid), Optional.ofNullable(seriesUid),
                matches, include, includeAll, fuzzy, limit, offset, List.copyOf(notPerformed));
    }

    /**
     * The matching key a parameter names: an attribute (keyword or tag), or an attribute in the
     * items of a sequence, {@code sequence.attribute} (PS3.18 8.3.4.1.1), where Table 10.6.1-5
     * lists one (Request Attributes Sequence > Requested Procedure ID and > Scheduled Procedure
     * Step ID).
     */
    private static MatchKey matchKey(String name) throws InvalidQueryException {
        String[] path = name.split("\\.", -1);
        if (path.length == 2) {
            int sequence = attribute(path[0]);
            int tag = attribute(path[1]);
            return MatchKey.forPath(sequence, tag).filter(k -> sequence != 0).orElseThrow(() ->
                    new InvalidQueryException("sequence attribute paths other than RequestAttributesSequence's"
                            + " RequestedProcedureID and ScheduledProcedureStepID are not supported: " + shown(name)));
        }
        int tag = attribute(name);
        return MatchKey.forTag(tag).orElseThrow(() -> new InvalidQueryException(shown(name) + " is not a supported matching key"));
    }

    /**
     * The attribute an includefield value names (PS3.18 8.3.4.3): an attribute, or for a path into
     * a sequence (8.3.4.1.1) the sequence, which is returned whole.
     */
    private static int included(String field) throws InvalidQueryException {
        String[] path = field.split("\\.", -1);
        if (path.length == 1) {
            return attribute(field);
        }
        for (String part : path) {
            attribute(part);
        }
        return attribute(path[0]);
    }

    /** A keyword or eight hex digits (PS3.18 8.3.4.1.1); nested paths are not supported. */
    private static int attribute(String name) throws InvalidQueryException {
        int tag = Tag.parseHex(name);
        if (tag >= 0) {
            return tag;
        }
        if (name.contains(".")) {
            throw new InvalidQueryException("sequence attribute paths are not supported: " + shown(name));
        }
        return DataDictionary.tagForKeyword(name)
                .orElseThrow(() -> new InvalidQueryException("unknown attribute or parameter: " + shown(name)));
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A parameter name as a reason may show it: keywords and tags the dictionary knows, and
     * dotted paths of them, are repeated; anything else is not (a reason never carries what a
     * client could put there: {@code DOE.JOHN} is no path, {@code 19700101} no tag).
     */
    static String shown(String name) {
        if (name.matches("[A-Za-z0-9.]{1,128}")) {
            boolean known = true;
            for (String part : name.split("\\.", -1)) {
                int tag = Tag.parseHex(part);
                known &= tag >= 0 ? DataDictionary.keywordForTag(tag).isPresent() : DataDictionary.tagForKeyword(part).isPresent();
            }
            if (known) {
                return name;
            }
        }
        return "(a parameter that is no keyword)";
    }

    private static String single(String name, List<String> values) throws InvalidQueryException {
        if (values.size() != 1) {
            throw new InvalidQueryException(shown(name) + " is given more than once");
        }
        return values.get(0);
    }

    private static int positive(String value, String name, int min) throws InvalidQueryException {
        try {
            int v = Integer.parseInt(value);
            if (v < min) {
                throw new InvalidQueryException(name + " must be at least " + min);
            }
            return v;
        } catch (NumberFormatException e) {
            // A whole number past what an int holds is still a whole number: say how large it may be.
            throw new InvalidQueryException(name + (value.matches("\\d{1,100}") ? " must be at most " + Integer.MAX_VALUE
                    : " must be a whole number"));
        }
    }

    private static boolean parseBoolean(String name, String value) throws InvalidQueryException {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidQueryException(name + " must be true or false");
        };
    }

    private static void validate(MatchKey key, String value, String name) throws InvalidQueryException {
        if (value.isEmpty()) {
            return; // universal matching
        }
        switch (key.matching) {
            case UID_LIST -> {
                for (String uid : splitList(value)) {
                    if (!InstanceParser.isValidUid(uid)) {
                        throw new InvalidQueryException(name + " is not a valid UID list");
                    }
                }
            }
            case DATE -> {
                requireRange(value, "\\d{8}", name, "a date or date range (YYYYMMDD-YYYYMMDD)");
                requireEach(value, QidoRequest::isCalendarDate, name, "a date of the calendar (20200231 is none)");
            }
            case TIME -> {
                requireRange(value, "\\d{2}(\\d{2}(\\d{2}(\\.\\d{1,6})?)?)?", name, "a time or time range (HHMMSS-HHMMSS)");
                requireEach(value, QidoRequest::isTimeOfDay, name, "a time of day (hours to 23, minutes to 59, seconds to 60)");
            }
            case INTEGER -> {
                try {
                    Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    throw new InvalidQueryException(name + " must be a whole number");
                }
            }
            default -> {
                if (value.length() > 256) {
                    throw new InvalidQueryException(name + " is too long");
                }
                // A backslash separates values (PS3.18 8.3.4.1.2); an empty one in a list matches nothing definable.
                if (value.contains("\\") && java.util.Arrays.stream(value.split("\\\\", -1)).anyMatch(String::isEmpty)) {
                    throw new InvalidQueryException(name + " has an empty value in its list of values");
                }
            }
        }
    }

    private static void requireRange(String value, String one, String name, String what) throws InvalidQueryException {
        if (!value.matches(one) && !value.matches("(" + one + ")?-(" + one + ")?") || value.equals("-")) {
            throw new InvalidQueryException(name + " must be " + what);
        }
    }

    /**
     * Each end of a range is a real value: a date or time that matches the pattern but names no
     * day or moment (20200231, 250000) was matched as text and found nothing, as if valid.
     */
    private static void requireEach(String value, java.util.function.Predicate<String> real, String name, String what)
            throws InvalidQueryException {
        for (String end : value.split("-", -1)) {
            if (!end.isEmpty() && !real.test(end)) {
                throw new InvalidQueryException(name + " must be " + what);
            }
        }
    }

    private static boolean isCalendarDate(String yyyymmdd) {
        try {
            java.time.LocalDate.parse(yyyymmdd, java.time.format.DateTimeFormatter.ofPattern("uuuuMMdd")
                    .withResolverStyle(java.time.format.ResolverStyle.STRICT));
            return true;
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    /** HH, HHMM, HHMMSS or HHMMSS.F: DICOM's TM allows a leap second, 60 (PS3.5 6.2). */
    private static boolean isTimeOfDay(String time) {
        int[] most = {23, 59, 60};
        for (int i = 0; i < 3 && 2 * i + 2 <= time.length() && Character.isDigit(time.charAt(2 * i)); i++) {
            if (Integer.parseInt(time.substring(2 * i, 2 * i + 2)) > most[i]) {
                return false;
            }
        }
        return true;
    }

    /** UID lists are separated by commas or backslashes (PS3.18 8.3.4.1.2). */
    static List<String> splitList(String value) {
        List<String> out = new ArrayList<>();
        for (String v : value.split("[,\\\\]")) {
            if (!v.isBlank()) {
                out.add(v.trim());
            }
        }
        return out;
    }
}
