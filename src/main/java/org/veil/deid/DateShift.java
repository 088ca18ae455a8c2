package org.veil.deid;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Moves DA and DT values by whole days, so that intervals within a patient's history survive. A
 * time of day, fraction and UTC offset are kept as they were; a DT of only a year or a year and
 * month keeps its precision. TM values are not changed by a shift of whole days. Values that are
 * not dates answer empty, and the caller replaces them rather than keep what it cannot read.
 */
public final class DateShift {
    private static final Pattern DT = Pattern.compile(
            "(\\d{4})(\\d{2})?(\\d{2})?((?:[01]\\d|2[0-3])(?:[0-5]\\d(?:(?:[0-5]\\d|60)(?:\\.\\d{1,6})?)?)?)?([+-]\\d{4})?");

    private DateShift() {
    }

    /** A DA value (also the old form {@code yyyy.mm.dd}, written back as {@code yyyymmdd}); ranges shift at both ends. */
    public static Optional<String> date(String value, int days) {
        String v = value.trim();
        if (v.contains("-")) {
            String[] ends = v.split("-", -1);
            if (ends.length != 2) {
                return Optional.empty();
            }
            Optional<String> from = ends[0].isEmpty() ? Optional.of("") : date(ends[0], days);
            Optional<String> to = ends[1].isEmpty() ? Optional.of("") : date(ends[1], days);
            return from.isPresent() && to.isPresent() ? Optional.of(from.get() + "-" + to.get()) : Optional.empty();
        }
        String digits = v.length() == 10 && v.charAt(4) == '.' && v.charAt(7) == '.' ? v.replace(".", "") : v;
        if (!digits.matches("\\d{8}")) {
            return Optional.empty();
        }
        try {
            LocalDate d = LocalDate.of(Integer.parseInt(digits.substring(0, 4)), Integer.parseInt(digits.substring(4, 6)),
                    Integer.parseInt(digits.substring(6, 8))).plusDays(days);
            return Optional.of(String.format("%04d%02d%02d", d.getYear(), d.getMonthValue(), d.getDayOfMonth()));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** A DT value: {@code YYYY[MM[DD[HH[MM[SS[.F]]]]]][&ZZXX]}. */
    public static Optional<String> dateTime(String value, int days) {
        Matcher m = DT.matcher(value.trim());
        if (!m.matches() || (m.group(2) == null && m.group(3) != null)) {
            return Optional.empty();
        }
        try {
            int month = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
            int day = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
            if (m.group(3) == null && m.group(4) != null) {
                return Optional.empty();
            }
            LocalDate d = LocalDate.of(Integer.parseInt(m.group(1)), month, day).plusDays(days);
            StringBuilder out = new StringBuilder(String.format("%04d", d.getYear()));
            if (m.group(2) != null) {
                out.append(String.format("%02d", d.getMonthValue()));
            }
            if (m.group(3) != null) {
                out.append(String.format("%02d", d.getDayOfMonth())).append(m.group(4) == null ? "" : m.group(4));
            }
            if (m.group(5) != null) {
                out.append(m.group(5));
            }
            return Optional.of(out.toString());
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}
