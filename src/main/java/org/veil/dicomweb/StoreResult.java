package org.veil.dicomweb;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The outcome of one STOW-RS request, part by part (PS3.18 10.5.3). */
public final class StoreResult {
    /** A stored instance. */
    public record Stored(String sopClassUid, String sopInstanceUid, String retrieveUrl) {
    }

    /** A part that was not stored; UIDs are null when the part could not be read. */
    public record Failed(String sopClassUid, String sopInstanceUid, StoreFailure reason, String explanation) {
    }

    private final List<Stored> stored = new ArrayList<>();
    private final List<Failed> failed = new ArrayList<>();
    private final Set<String> storedStudies = new LinkedHashSet<>();
    private String baseUrl;

    void stored(Stored s, String studyUid) {
        stored.add(s);
        storedStudies.add(studyUid);
    }

    void failed(Failed f) {
        failed.add(f);
    }

    void baseUrl(String url) {
        this.baseUrl = url;
    }

    public List<Stored> stored() {
        return stored;
    }

    public List<Failed> failed() {
        return failed;
    }

    /**
     * The study's Retrieve URL (0008,1190), Type 2 in the response (PS3.18 Table 10.5.3-1): the
     * study every stored instance belongs to, or null (an empty value) when none was stored or
     * they belong to several studies.
     */
    public String studyRetrieveUrl() {
        return storedStudies.size() == 1 && baseUrl != null ? baseUrl + "/studies/" + storedStudies.iterator().next() : null;
    }

    /**
     * PS3.18 10.5.3: 200 when all were stored, 202 when some were, 400 when none could even be
     * read, 409 when none were stored for another reason.
     */
    public int status() {
        if (!stored.isEmpty()) {
            return failed.isEmpty() ? 200 : 202;
        }
        return failed.stream().allMatch(f -> f.reason() == StoreFailure.CANNOT_UNDERSTAND) ? 400 : 409;
    }

    /** Distinct explanations, for the Warning header; they name faults, never values. */
    public Set<String> explanations() {
        Set<String> out = new LinkedHashSet<>();
        failed.forEach(f -> out.add(f.explanation()));
        return out;
    }
}
