package org.veil;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;
import org.veil.security.TestTokens;

/**
 * Requests an attacker or a broken client sends, drawn at random: Part 10 files with flipped,
 * inserted or cut bytes in their header; multipart framing that lies; QIDO parameters with
 * control characters, huge numbers and unknown names; WADO paths with junk UIDs, frame lists and
 * viewports; consent JSON that is cut, padded or of the wrong types; unknown routes and methods.
 * Each is answered 4xx (or 2xx when chance left it valid) and never 5xx: {@link MixedLoad} counts.
 */
final class HostileRequests {
    /** A request, and for a STOW the SHA-256 of the instance it carries (its acknowledgement is checked later). */
    record Case(HttpRequest request, String sha256) {
    }

    private static final String[] JUNK = {"", "%00", "..%2F..%2Fetc", "1.2.3", "1..2", "abc", "9".repeat(70),
            "%E2%80%AE", "*", "1.2.840.10008.1.2.1", "-1", "0", "2147483648", "%C0%AE", "1%0D%0ASet-Cookie:x"};
    private static final String[] QIDO_NAMES = {"PatientName", "PatientID", "StudyDate", "StudyTime", "limit", "offset",
            "includefield", "fuzzymatching", "00100010", "0020000D", "ModalitiesInStudy", "SeriesNumber", "Unknown",
            "0010,0010", "PatientName.x", "%00", "includefield%00"};
    private static final String[] QIDO_VALUES = {"*", "?", "A*B?", "19990101-", "-", "20200230", "1-2-3", "99999999999",
            "-5", "true", "all", "\\", "%00", "%FF%FE", "\u00e9", "x".repeat(300), "1.2\\3.4", "DOE^JOHN", "%0A"};

    private HostileRequests() {
    }

    static Case next(Random random, String base, byte[] template, long n, List<MixedLoad.Acked> acked) throws Exception {
        String token = TestTokens.treatingClinician();
        return switch (random.nextInt(6)) {
            case 0, 1 -> mutatedInstance(random, base, template, n, token);
            case 2 -> new Case(lyingMultipart(random, base, template, token), null);
            case 3 -> new Case(MixedLoad.get(base + "/dicomweb/" + qido(random), token, "application/dicom+json"), null);
            case 4 -> new Case(MixedLoad.get(base + wado(random, acked), token, random.nextBoolean() ? "*/*" : "image/png"), null);
            default -> new Case(consent(random, base, acked), null);
        };
    }

    /** A fresh instance with a few bytes of its header flipped, inserted or cut off. */
    private static Case mutatedInstance(Random random, String base, byte[] template, long n, String token) throws Exception {
        String study = "2.25.8" + n;
        byte[] bytes = Part10Editor.read(template).set(Tag.StudyInstanceUID, study).set(Tag.SeriesInstanceUID, study + ".1")
                .set(Tag.SOPInstanceUID, study + ".1.1").set(Tag.PatientID, "HOSTILE").toBytes();
        int header = Math.min(bytes.length, 2048);
        switch (random.nextInt(3)) {
            case 0 -> {
                for (int i = 0, k = 1 + random.nextInt(8); i < k; i++) {
                    bytes[132 + random.nextInt(header - 132)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> bytes = Arrays.copyOf(bytes, 132 + random.nextInt(bytes.length - 132));
            default -> {
                int at = 132 + random.nextInt(header - 132);
                byte[] longer = new byte[bytes.length + 4];
                System.arraycopy(bytes, 0, longer, 0, at);
                longer[at] = (byte) 0xFF;
                longer[at + 1] = (byte) 0xFF;
                longer[at + 2] = (byte) random.nextInt(256);
                longer[at + 3] = (byte) 0x7F;
                System.arraycopy(bytes, at, longer, at + 4, bytes.length - at);
                bytes = longer;
            }
        }
        return new Case(stow(base, DicomWebClient.multipart(List.of(bytes)), token,
                "multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY), MixedLoad.sha256(bytes));
    }

    private static HttpRequest lyingMultipart(Random random, String base, byte[] template, String token) {
        byte[] body = DicomWebClient.multipart(List.of(Arrays.copyOf(template, 4096)));
        return switch (random.nextInt(5)) {
            case 0 -> stow(base, body, token, "multipart/related; type=\"application/dicom\"; boundary=not-the-one");
            case 1 -> stow(base, Arrays.copyOf(body, random.nextInt(body.length)), token,
                    "multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY);
            case 2 -> stow(base, body, token, "multipart/related; boundary=\"" + "b".repeat(200) + "\"");
            case 3 -> stow(base, body, token, random.nextBoolean() ? "application/json" : "text/plain; charset=utf-8");
            default -> stow(base, "--x\r\n\r\n--x--".repeat(1 + random.nextInt(3000)).getBytes(StandardCharsets.US_ASCII), token,
                    "multipart/related; type=\"application/dicom\"; boundary=x");
        };
    }

    private static String qido(Random random) {
        String[] levels = {"studies", "series", "instances", "studies/1.2.3/series", "studies/1.2.3/series/4.5/instances"};
        StringBuilder q = new StringBuilder(levels[random.nextInt(levels.length)]).append('?');
        for (int i = 0, k = 1 + random.nextInt(4); i < k; i++) {
            q.append(i > 0 ? "&" : "").append(QIDO_NAMES[random.nextInt(QIDO_NAMES.length)]).append('=')
                    .append(encode(QIDO_VALUES[random.nextInt(QIDO_VALUES.length)]));
        }
        return q.toString();
    }

    private static String wado(Random random, List<MixedLoad.Acked> acked) {
        MixedLoad.Acked a = acked.isEmpty() ? null : acked.get(random.nextInt(acked.size()));
        String study = a != null && random.nextBoolean() ? a.study() : JUNK[random.nextInt(JUNK.length)];
        String series = a != null && random.nextBoolean() ? a.series() : JUNK[random.nextInt(JUNK.length)];
        String sop = a != null && random.nextBoolean() ? a.sop() : JUNK[random.nextInt(JUNK.length)];
        String instance = "/dicomweb/studies/" + study + "/series/" + series + "/instances/" + sop;
        return switch (random.nextInt(6)) {
            case 0 -> instance + "/frames/" + List.of("0", "1,1,1", "1," + "2,".repeat(400) + "3", "-1", "1-3", "%00", "99999999999")
                    .get(random.nextInt(7));
            case 1 -> instance + "/rendered?viewport=" + List.of("0,0", "99999,99999", "-1,5", "a,b", "4096,4096", "1")
                    .get(random.nextInt(6)) + "&window=" + List.of("1,1,LINEAR", "x", "1e309,2,SIGMOID").get(random.nextInt(3));
            case 2 -> instance + "/bulkdata/" + JUNK[random.nextInt(JUNK.length)];
            case 3 -> "/dicomweb/studies/" + study + "/thumbnail?viewport=" + random.nextInt(100_000) + "," + random.nextInt(100_000);
            case 4 -> "/" + JUNK[random.nextInt(JUNK.length)] + "/" + JUNK[random.nextInt(JUNK.length)];
            default -> "/dicomweb/studies/" + study + "/metadata?" + JUNK[random.nextInt(JUNK.length)] + "=" + JUNK[random.nextInt(JUNK.length)];
        };
    }

    /** A consent or share body that is cut, padded with garbage or of the wrong shape, for a real study or none. */
    private static HttpRequest consent(Random random, String base, List<MixedLoad.Acked> acked) {
        String study = acked.isEmpty() || random.nextInt(4) == 0 ? "1.2.3.999" : acked.get(random.nextInt(acked.size())).study();
        String valid = "{\"scopes\":[\"research\"],\"method\":\"written\",\"validUntil\":\"2099-01-01T00:00:00Z\"}";
        String body = switch (random.nextInt(7)) {
            case 0 -> valid.substring(0, random.nextInt(valid.length()));
            case 1 -> valid + "garbage";
            case 2 -> valid.replace("\"written\"", "42");
            case 3 -> valid.replace("2099-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z");
            case 4 -> "{\"scopes\":[" + "\"research\",".repeat(5000) + "\"x\"],\"method\":\"written\"}";
            case 5 -> valid.replace("research", "\u0000");
            default -> "[".repeat(10_000);
        };
        String path = random.nextBoolean() ? "/api/v1/studies/" + study + "/consents" : "/api/v1/studies/" + study + "/shares";
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + TestTokens.of("clinician", "openid"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static HttpRequest stow(String base, byte[] body, String token, String contentType) {
        return HttpRequest.newBuilder(URI.create(base + "/dicomweb/studies")).timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + token).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private static String encode(String s) {
        return s.startsWith("%") ? s : URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
