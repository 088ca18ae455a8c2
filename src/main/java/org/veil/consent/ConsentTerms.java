package org.veil.consent;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.veil.consent.ConsentApiException.Field;
import org.veil.policy.ConsentMethod;
import org.veil.policy.Purpose;

/**
 * What a consent says, checked: the same rules for a study's consent, a patient's and one that
 * arrives as a FHIR Consent. Scopes are the purposes that need consent (treatment does not);
 * validity is a window of instants within the years PostgreSQL and Java's clock both hold; the
 * evidence's digest, when given, is a SHA-256; a written consent to publication names its document.
 */
record ConsentTerms(Set<Purpose> scopes, ConsentMethod method, Instant from, Optional<Instant> until,
                    ConsentRequests.Evidence evidence) {
    /** The purposes a consent can name: every one but treatment, which needs none. */
    static final Set<Purpose> CONSENTABLE = Set.of(Purpose.CONSULTATION, Purpose.TEACHING, Purpose.RESEARCH,
            Purpose.PUBLICATION);

    /** The years an instant of the API may fall in: PostgreSQL's timestamp and Java's millisecond clock hold them all. */
    private static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    static ConsentTerms of(ConsentRequests.NewConsent req, Instant now) {
        Set<Purpose> scopes = scopes(req.scopes());
        ConsentMethod method = Optional.ofNullable(req.method()).flatMap(ConsentMethod::fromApiName)
                .orElseThrow(() -> ConsentApiException.invalid(Field.METHOD, "method must be written, electronic or verbal"));
        Instant from = req.validFrom() == null ? now : instant(req.validFrom(), "validFrom", Field.VALID_FROM);
        Optional<Instant> until = Optional.ofNullable(req.validUntil()).map(v -> instant(v, "validUntil", Field.VALID_UNTIL));
        if (until.isPresent() && !until.get().isAfter(now)) {
            throw ConsentApiException.invalid(Field.VALID_UNTIL, "validUntil is in the past");
        }
        if (until.isPresent() && !until.get().isAfter(from)) {
            throw ConsentApiException.invalid(Field.VALID_UNTIL, "validUntil is not after validFrom");
        }
        ConsentRequests.Evidence evidence = req.evidence();
        if (evidence != null && evidence.sha256() != null && !evidence.sha256().matches("[0-9a-fA-F]{64}")) {
            throw ConsentApiException.invalid(Field.EVIDENCE, "evidence.sha256 must be 64 hexadecimal digits");
        }
        if (scopes.contains(Purpose.PUBLICATION) && method == ConsentMethod.WRITTEN
                && (evidence == null || evidence.reference() == null || evidence.reference().isBlank())) {
            // Publication needs consent in writing: a written consent that names no document is
            // one nobody can show, and it would grant publication as well as one that does.
            throw ConsentApiException.invalid(Field.EVIDENCE,
                    "a written consent to publication needs evidence.reference, where the signed document is kept");
        }
        return new ConsentTerms(java.util.Collections.unmodifiableSet(scopes), method, from, until, evidence);
    }

    /**
     * True when a consent of these scopes and this method grants something these terms grant too.
     * Publication in writing and publication otherwise are different grants: one not in writing is
     * kept as what the patient said but grants nothing (AccessPolicy), so it must not stand in the
     * way of the written one that would.
     */
    boolean sharesAGrantWith(Set<Purpose> otherScopes, ConsentMethod otherMethod) {
        return otherScopes.stream().filter(scopes::contains)
                .anyMatch(s -> s != Purpose.PUBLICATION || (method == ConsentMethod.WRITTEN) == (otherMethod == ConsentMethod.WRITTEN));
    }

    /** The scopes to compare in SQL with another consent's, publication apart (see {@link #sharesAGrantWith}). */
    Set<Purpose> scopesButPublication() {
        Set<Purpose> out = new LinkedHashSet<>(scopes);
        out.remove(Purpose.PUBLICATION);
        return out;
    }

    /** The terms for the audit row: scopes, method and validity; not the evidence, which may name a document's place. */
    String describe() {
        return "scopes " + scopes.stream().map(Purpose::scopeName).sorted().collect(java.util.stream.Collectors.joining(","))
                + "; method " + method.apiName() + "; valid from " + from + until.map(u -> " until " + u).orElse("");
    }

    /** The evidence's SHA-256 as stored: lower case, or null without one. */
    String evidenceSha256() {
        return evidence == null || evidence.sha256() == null ? null : evidence.sha256().toLowerCase(java.util.Locale.ROOT);
    }

    /** An ISO 8601 instant of the API, within the years Veil can store. */
    static Instant instant(String value, String name, Field field) {
        Instant parsed;
        try {
            parsed = Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ConsentApiException.invalid(field, name + " must be an ISO 8601 instant such as 2027-06-30T00:00:00Z");
        }
        if (parsed.isBefore(EARLIEST) || parsed.isAfter(LATEST)) {
            throw ConsentApiException.invalid(field, name + " must lie between the years 1900 and 9999");
        }
        // As PostgreSQL holds it, but truncated where it would round: an end of .1234567 stored as
        // .123457 overlapped a next consent starting at .1234567, and that was a 409.
        return parsed.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    private static Set<Purpose> scopes(List<String> names) {
        if (names == null || names.isEmpty()) {
            throw ConsentApiException.invalid(Field.SCOPES,
                    "scopes must name at least one of consultation, teaching, research, publication");
        }
        Set<Purpose> out = new LinkedHashSet<>();
        for (String n : names) {
            Purpose p = n == null ? null : Purpose.fromScope(Purpose.SCOPE_PREFIX + n).filter(CONSENTABLE::contains).orElse(null);
            if (p == null) {
                throw ConsentApiException.invalid(Field.SCOPES, "scopes may only be consultation, teaching, research and publication");
            }
            out.add(p);
        }
        return out;
    }
}
