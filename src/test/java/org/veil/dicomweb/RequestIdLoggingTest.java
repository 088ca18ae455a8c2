package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.security.TestTokens;

/**
 * Every log line written while a request is served names that request's id, on whichever thread
 * the line is written (the event loop, a worker), and the id is the one the answer carries: the
 * client's own X-Request-Id when it sent a plain token, Veil's otherwise. The request log line
 * (RequestAuditFilter, at DEBUG) is one such line per audited request.
 */
@QuarkusTest
@TestProfile(RequestIdLoggingTest.RequestLog.class)
class RequestIdLoggingTest {
    private static final String STUDY = "1.2.826.0.1.3680043.99.79";

    public static class RequestLog implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.category.\"org.veil.dicomweb.RequestAuditFilter\".level", "DEBUG");
        }
    }

    /** Lines of the request log with the request id their record carried when written. */
    private record Line(String message, String requestId, String thread) {
    }

    private final List<Line> lines = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLoggerName().equals(RequestAuditFilter.class.getName()) && r instanceof ExtLogRecord ext) {
                synchronized (lines) {
                    lines.add(new Line(ext.getFormattedMessage(), ext.getMdc("requestId"), Thread.currentThread().getName()));
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() throws Exception {
        new IndexReset().reset();
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stop() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void eachLineNamesTheIdItsAnswerCarries() throws Exception {
        byte[] ct = Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm")).set(Tag.StudyInstanceUID, STUDY)
                .set(Tag.SeriesInstanceUID, STUDY + ".1").set(Tag.SOPInstanceUID, STUDY + ".1.1").toBytes();
        List<Response> answers = new ArrayList<>();
        answers.add(DicomWebClient.stow(ct));
        answers.add(DicomWebClient.given().header("X-Request-Id", "ward-7-trace-0042").accept("application/dicom+json")
                .get("/dicomweb/studies"));
        answers.add(DicomWebClient.given().accept("application/dicom+json").get("/dicomweb/studies/" + STUDY + "/metadata"));
        answers.add(DicomWebClient.given().accept("application/dicom+json").get("/dicomweb/studies/2.25.404/metadata"));
        answers.add(RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("researcher", "openid purpose:research"))
                .accept("application/dicom+json").get("/dicomweb/studies/" + STUDY + "/metadata"));
        assertThat(answers).extracting(Response::statusCode).containsExactly(200, 200, 200, 404, 404);
        assertThat(answers.get(1).header("X-Request-Id")).isEqualTo("ward-7-trace-0042");

        List<String> ids = answers.stream().map(r -> r.header("X-Request-Id")).toList();
        assertThat(ids).doesNotContainNull().doesNotHaveDuplicates();
        List<Line> seen;
        synchronized (lines) {
            seen = List.copyOf(lines);
        }
        assertThat(seen).extracting(Line::requestId).containsExactlyElementsOf(ids);
        assertThat(seen).extracting(Line::message)
                .containsExactly("store answered 200", "query study answered 200", "retrieve metadata answered 200",
                        "retrieve metadata answered 404", "retrieve metadata answered 404");
        assertThat(seen).extracting(Line::message).noneMatch(m -> m.contains(STUDY));
    }
}
