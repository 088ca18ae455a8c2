package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything a caller can read of the studies it sees, through every DICOMweb endpoint: QIDO at
 * study, series and instance level with every field, each study's metadata and instances, every
 * instance's frames, rendered frames and bulk data. Bodies are kept by path, with the InlineBinary
 * values of the JSON answers decoded beside them, since base64 would hide a marker from a byte
 * scan.
 */
final class EndpointScan {
    private static final Pattern INLINE = Pattern.compile("\"InlineBinary\"\\s*:\\s*\"([A-Za-z0-9+/=]*)\"");

    private final String token;
    private final Map<String, byte[]> bodies = new LinkedHashMap<>();

    EndpointScan(String token) {
        this.token = token;
    }

    /** Reads everything of every study the search shows; returns the bodies by path. */
    Map<String, byte[]> everything() {
        Response studies = get("/dicomweb/studies?includefield=all&limit=1000", "application/dicom+json");
        for (Object o : studies.jsonPath().getList("'0020000D'.Value")) {
            String study = String.valueOf(((List<?>) o).get(0));
            String base = "/dicomweb/studies/" + study;
            get(base + "/series?includefield=all", "application/dicom+json");
            get(base + "/instances?includefield=all", "application/dicom+json");
            Response metadata = get(base + "/metadata", "application/dicom+json");
            get(base, "multipart/related; type=\"application/dicom\"");
            List<Map<String, Object>> instances = metadata.jsonPath().getList("$");
            for (int i = 0; i < instances.size(); i++) {
                String instance = base + "/series/" + metadata.jsonPath().getString("[" + i + "].'0020000E'.Value[0]")
                        + "/instances/" + metadata.jsonPath().getString("[" + i + "].'00080018'.Value[0]");
                if (instances.get(i).containsKey("7FE00010")) {
                    get(instance + "/frames/1", "multipart/related; type=\"application/octet-stream\"");
                    rendered(instance + "/frames/1/rendered");
                }
                List<String> bulk = new ArrayList<>();
                collectBulkDataUris(instances.get(i), bulk);
                for (String uri : bulk) {
                    get(uri.substring(uri.indexOf("/dicomweb/")), "multipart/related; type=\"application/octet-stream\"");
                }
            }
        }
        return bodies;
    }

    /** A rendering, where the image can be rendered (an original with hostile functional groups may answer 501). */
    private void rendered(String path) {
        Response r = RestAssured.given().header("Authorization", "Bearer " + token).accept("image/png").get(path);
        assertThat(r.statusCode()).as(path + " " + r.asString()).isIn(200, 501);
        bodies.put(path, r.asByteArray());
    }

    private Response get(String path, String accept) {
        Response r = RestAssured.given().header("Authorization", "Bearer " + token).accept(accept).get(path);
        assertThat(r.statusCode()).as(path + " " + r.asString()).isEqualTo(200);
        byte[] body = r.asByteArray();
        bodies.put(path, body);
        if (accept.contains("json")) {
            Matcher m = INLINE.matcher(r.asString());
            int n = 0;
            while (m.find()) {
                bodies.put(path + " InlineBinary " + n++, Base64.getDecoder().decode(m.group(1)));
            }
        }
        r.headers().forEach(h -> bodies.merge(path + " headers", (h.getName() + ": " + h.getValue() + "\n").getBytes(),
                (a, b) -> AdversarialCorpus.concat(a, b)));
        return r;
    }

    @SuppressWarnings("unchecked")
    static void collectBulkDataUris(Map<String, Object> dataset, List<String> into) {
        for (Object attribute : dataset.values()) {
            Map<String, Object> a = (Map<String, Object>) attribute;
            if (a.get("BulkDataURI") instanceof String uri) {
                into.add(uri);
            }
            if ("SQ".equals(a.get("vr")) && a.get("Value") instanceof List<?> items) {
                items.forEach(item -> collectBulkDataUris((Map<String, Object>) item, into));
            }
        }
    }

    /** Where a marker is found among the bodies; empty when nowhere. */
    static List<String> find(Map<String, byte[]> bodies, String marker) {
        List<String> where = new ArrayList<>();
        byte[] needle = AdversarialCorpus.needle(marker);
        bodies.forEach((path, body) -> {
            if (LeakCorpusTest.indexOf(body, needle) >= 0) {
                where.add(path);
            }
        });
        return where;
    }
}
