package org.veil.fhir;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import org.veil.audit.AuditLog;
import org.veil.policy.Purpose;

/**
 * The search parameters of {@code GET /fhir/r4/AuditEvent} as a filter of the audit trail:
 * {@code date} (repeatable, with the prefixes eq, ge, gt, le, lt, at the precision given),
 * {@code patient.identifier} ([system|]PatientID; the trail keeps PatientIDs, so the system is not
 * compared), {@code purpose} ([system|]code of the purpose of use), {@code agent} (the user's
 * subject or user name), {@code _count} (from 1, default 100; more than 1000 is a page of 1000)
 * and {@code _offset}. Default deny:
 * any other parameter is refused with 400 rather than ignored, so that a filter the client
 * believes applied never silently widens the answer.
 */
record AuditEventSearch(AuditLog.Filter filter, boolean matchesNothing, String describe) {
    static final int MAX_COUNT = 1000;
    private static final Set<String> KNOWN = Set.of("date", "patient.identifier", "purpose", "agent", "_count", "_offset", "_format");

    static AuditEventSearch of(Map<String, List<String>> params) {
        for (String name : params.keySet()) {
            if (!KNOWN.contains(name)) {
                throw FhirProblem.notSupported(400, plain(name) ? name : null,
                        "unsupported search parameter; AuditEvent is searched by date, patient.identifier, purpose, agent, _count and _offset");
            }
        }
        for (Map.Entry<String, List<String>> p : params.entrySet()) {
            // A control character is no date, identifier, purpose or agent; PostgreSQL refuses NUL outright.
            if (p.getValue().stream().anyMatch(v -> v.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7F))) {
                throw FhirProblem.invalid(400, p.getKey(), "a search value holds no control characters");
            }
        }
        StringJoiner describe = new StringJoiner("; ");
        Instant from = null;
        Instant to = null;
        for (String d : params.getOrDefault("date", List.of())) {
            Instant[] range = dateRange(d);
            if (range[0] != null && (from == null || range[0].isAfter(from))) {
                from = range[0];
            }
            if (range[1] != null && (to == null || range[1].isBefore(to))) {
                to = range[1];
            }
            describe.add("date=" + d);
        }
        // The trail keeps PatientIDs, so the system is not compared.
        Optional<String> patient = single(params, "patient.identifier").map(v -> PatientToken.parse(v).patientId());
        patient.ifPresent(v -> describe.add("patient.identifier=" + v));
        boolean nothing = false;
        Optional<String> purpose = Optional.empty();
        Optional<String> given = single(params, "purpose");
        if (given.isPresent()) {
            describe.add("purpose=" + given.get());
            Optional<Purpose> p = purpose(given.get());
            nothing = p.isEmpty();
            purpose = p.map(Purpose::scopeName);
        }
        Optional<String> agent = single(params, "agent").map(v -> v.contains("/") ? v.substring(v.lastIndexOf('/') + 1) : v);
        agent.ifPresent(v -> describe.add("agent=" + v));
        // More than the page Veil serves is answered with a page of its size, as FHIR lets a
        // server (search.html#count); the next link carries on from there.
        int count = Math.min(integer(params, "_count", 100), MAX_COUNT);
        int offset = integer(params, "_offset", 0);
        if (count < 1 || offset < 0 || offset > AuditLog.MAX_OFFSET) {
            throw FhirProblem.invalid(400, "_count",
                    "_count is at least 1 (a page holds at most " + MAX_COUNT + ") and _offset 0 to " + AuditLog.MAX_OFFSET);
        }
        describe.add("_count=" + count);
        if (offset > 0) {
            describe.add("_offset=" + offset);
        }
        return new AuditEventSearch(new AuditLog.Filter(Optional.empty(), patient, agent, purpose, Optional.ofNullable(from),
                Optional.ofNullable(to), count, offset), nothing, "FHIR AuditEvent search: " + describe);
    }

    /** A purpose by system|code, by code alone, or by Veil's name for it. */
    private static Optional<Purpose> purpose(String token) {
        if (token.contains("|")) {
            String system = token.substring(0, token.indexOf('|'));
            String code = token.substring(token.indexOf('|') + 1);
            return Purpose.fromCoding(system, code);
        }
        for (Purpose p : Purpose.values()) {
            if (p.code().equals(token) || p.scopeName().equals(token)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** [from, to) of a FHIR date search value: the prefix applied to the range its precision spans. */
    static Instant[] dateRange(String value) {
        String prefix = value.length() > 2 && Character.isLetter(value.charAt(0)) ? value.substring(0, 2) : "eq";
        String date = value.length() > 2 && Character.isLetter(value.charAt(0)) ? value.substring(2) : value;
        Instant[] span = span(date);
        return switch (prefix) {
            case "eq" -> span;
            case "ge" -> new Instant[] {span[0], null};
            case "gt" -> new Instant[] {span[1], null};
            case "lt" -> new Instant[] {null, span[0]};
            case "le" -> new Instant[] {null, span[1]};
            default -> throw FhirProblem.notSupported(400, "date", "the date prefixes are eq, ge, gt, le and lt");
        };
    }

    private static Instant[] span(String date) {
        try {
            if (date.matches("\\d{4}")) {
                LocalDate start = LocalDate.of(Integer.parseInt(date), 1, 1);
                return inRange(new Instant[] {utc(start), utc(start.plusYears(1))});
            }
            if (date.matches("\\d{4}-\\d{2}")) {
                YearMonth m = YearMonth.parse(date);
                return inRange(new Instant[] {utc(m.atDay(1)), utc(m.plusMonths(1).atDay(1))});
            }
            if (date.matches("\\d{4}-\\d{2}-\\d{2}")) {
                LocalDate d = LocalDate.parse(date);
                return inRange(new Instant[] {utc(d), utc(d.plusDays(1))});
            }
            Instant at = OffsetDateTime.parse(date).toInstant();
            // A dateTime spans what its precision names: a minute, a second, or (with a fraction)
            // the trail's own resolution, a microsecond.
            String time = date.substring(11);
            java.time.Duration step = time.matches("\\d{2}:\\d{2}(Z|[+-].*)") ? java.time.Duration.ofMinutes(1)
                    : time.contains(".") ? java.time.Duration.ofNanos(1000) : java.time.Duration.ofSeconds(1);
            return inRange(new Instant[] {at, at.plus(step)});
        } catch (java.time.DateTimeException | NumberFormatException | ArithmeticException | StringIndexOutOfBoundsException e) {
            throw FhirProblem.invalid(400, "date", "a date is YYYY, YYYY-MM, YYYY-MM-DD or a dateTime with its time zone, after an optional prefix");
        }
    }

    /** The years the trail's timestamps and the registry's take. */
    private static Instant[] inRange(Instant[] span) {
        if (span[0].isBefore(AuditLog.EARLIEST) || span[1].isAfter(AuditLog.LATEST.plusSeconds(1))) {
            throw FhirProblem.invalid(400, "date", "a date lies between the years 1900 and 9999");
        }
        return span;
    }

    private static Instant utc(LocalDate d) {
        return d.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /**
     * The one value of a parameter, or empty when it is not given. An empty value is refused,
     * not taken for "no filter": a script whose variable was unset (patient.identifier=) would
     * otherwise read every patient's rows.
     */
    private static Optional<String> single(Map<String, List<String>> params, String name) {
        List<String> values = params.getOrDefault(name, List.of());
        if (values.size() > 1) {
            throw FhirProblem.notSupported(400, name, "this parameter may be given once");
        }
        if (values.size() == 1 && values.get(0).isBlank()) {
            throw FhirProblem.invalid(400, name, "an empty search value filters nothing; leave the parameter out");
        }
        return values.stream().findFirst();
    }

    private static int integer(Map<String, List<String>> params, String name, int fallback) {
        Optional<String> v = single(params, name);
        try {
            return v.map(Integer::parseInt).orElse(fallback);
        } catch (NumberFormatException e) {
            throw FhirProblem.invalid(400, name, name + " must be a whole number");
        }
    }

    private static boolean plain(String s) {
        return s.matches("[A-Za-z_][A-Za-z0-9_.:-]{0,63}");
    }
}
