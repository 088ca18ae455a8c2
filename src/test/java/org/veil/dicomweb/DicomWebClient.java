package org.veil.dicomweb;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.veil.security.TestTokens;

/**
 * Test-side DICOMweb client: builds STOW bodies and splits multipart responses with its own
 * small parser, independent of Veil's.
 */
public final class DicomWebClient {
    public static final String BOUNDARY = "test-boundary-7d3f";

    private DicomWebClient() {
    }

    /** A request as a clinician treating the patient, the caller most tests are. */
    public static RequestSpecification given() {
        return RestAssured.given().header("Authorization", "Bearer " + TestTokens.treatingClinician());
    }

    public static byte[] multipart(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(("--" + BOUNDARY + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(p);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    public static Response stow(byte[]... files) {
        return stowTo("/dicomweb/studies", files);
    }

    public static Response stowTo(String path, byte[]... files) {
        return given().contentType("multipart/related; type=\"application/dicom\"; boundary=" + BOUNDARY)
                .body(multipart(List.of(files)))
                .post(path);
    }

    /** Splits a multipart/related body into its parts' contents. */
    public static List<Part> parts(Response r) {
        return parts(r.asByteArray(), r.getContentType());
    }

    public static List<Part> parts(byte[] body, String ct) {
        int b = ct.indexOf("boundary=");
        String boundary = ct.substring(b + 9).split(";")[0].replace("\"", "").trim();
        byte[] delim = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        List<Part> out = new ArrayList<>();
        int pos = indexOf(body, delim, 0);
        while (pos >= 0) {
            int start = pos + delim.length;
            if (body[start] == '-' && body[start + 1] == '-') {
                break;
            }
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), start);
            String headers = new String(body, start, headersEnd - start, StandardCharsets.US_ASCII);
            int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII), headersEnd + 4);
            out.add(new Part(headers.trim(), Arrays.copyOfRange(body, headersEnd + 4, next)));
            pos = next + 2;
        }
        return out;
    }

    public record Part(String headers, byte[] content) {
        public String contentType() {
            for (String line : headers.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-type:")) {
                    return line.substring(13).trim();
                }
            }
            return null;
        }
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
