package org.veil.dicomweb;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
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
            // Type 2: always present, empty when the request stored nothing or spanned studies.
            string(g, Tag.RetrieveURL, "UR", r.studyRetrieveUrl());
            // An item names the failed instance by the UIDs that could be read (Type 1 in the
            // item: an unread UID is left out rather than sent empty); a part of which nothing
            // could be read has no item, and is counted in the status and the Warning header
            // (docs/conformance.md, "STOW-RS").
            List<StoreResult.Failed> named = r.failed().stream().filter(f -> f.sopClassUid() != null || f.sopInstanceUid() != null).toList();
            if (!named.isEmpty()) {
                g.writeObjectFieldStart(Tag.toHex(Tag.FailedSOPSequence));
                g.writeStringField("vr", "SQ");
                g.writeArrayFieldStart("Value");
                for (StoreResult.Failed f : named) {
                    g.writeStartObject();
                    if (f.sopClassUid() != null) {
                        string(g, Tag.ReferencedSOPClassUID, "UI", f.sopClassUid());
                    }
                    if (f.sopInstanceUid() != null) {
                        string(g, Tag.ReferencedSOPInstanceUID, "UI", f.sopInstanceUid());
                    }
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
                    // Keys in ascending order (PS3.18 F.2.2): (0008,1150), (0008,1155), then (0008,1190).
                    g.writeStartObject();
                    string(g, Tag.ReferencedSOPClassUID, "UI", s.sopClassUid());
                    string(g, Tag.ReferencedSOPInstanceUID, "UI", s.sopInstanceUid());
                    string(g, Tag.RetrieveURL, "UR", s.retrieveUrl());
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
