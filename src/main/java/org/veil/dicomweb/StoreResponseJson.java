package org.veil.dicomweb;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.veil.dicom.Tag;

/** The Store Instances Response Module (PS3.18 Table 10.5.3-1) as DICOM JSON. */
final class StoreResponseJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private StoreResponseJson() {
    }

    static String of(StoreResult r) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            if (r.studyRetrieveUrl() != null && !r.stored().isEmpty()) {
                string(g, Tag.RetrieveURL, "UR", r.studyRetrieveUrl());
            }
            if (!r.failed().isEmpty()) {
                g.writeObjectFieldStart(Tag.toHex(Tag.FailedSOPSequence));
                g.writeStringField("vr", "SQ");
                g.writeArrayFieldStart("Value");
                for (StoreResult.Failed f : r.failed()) {
                    g.writeStartObject();
                    string(g, Tag.ReferencedSOPClassUID, "UI", f.sopClassUid());
                    string(g, Tag.ReferencedSOPInstanceUID, "UI", f.sopInstanceUid());
                    g.writeObjectFieldStart(Tag.toHex(Tag.FailureReason));
                    g.writeStringField("vr", "US");
                    g.writeArrayFieldStart("Value");
                    g.writeNumber(f.reason().code);
                    g.writeEndArray();
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            if (!r.stored().isEmpty()) {
                g.writeObjectFieldStart(Tag.toHex(Tag.ReferencedSOPSequence));
                g.writeStringField("vr", "SQ");
                g.writeArrayFieldStart("Value");
                for (StoreResult.Stored s : r.stored()) {
                    g.writeStartObject();
                    string(g, Tag.RetrieveURL, "UR", s.retrieveUrl());
                    string(g, Tag.ReferencedSOPClassUID, "UI", s.sopClassUid());
                    string(g, Tag.ReferencedSOPInstanceUID, "UI", s.sopInstanceUid());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void string(JsonGenerator g, int tag, String vr, String value) throws IOException {
        g.writeObjectFieldStart(Tag.toHex(tag));
        g.writeStringField("vr", vr);
        if (value != null) {
            g.writeArrayFieldStart("Value");
            g.writeString(value);
            g.writeEndArray();
        }
        g.writeEndObject();
    }
}
