package org.veil.dicom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The Native DICOM Model (PS3.19 A.1) as XML, from the DICOM JSON (PS3.18 Annex F) Veil keeps
 * for every instance and search result: the same attributes, values, person name components,
 * bulk data references and inline binaries, so that XML and JSON answers never differ in what
 * they hold. One document per data set, for one part of a multipart/related answer.
 */
public final class DicomXmlWriter {
    public static final String NAMESPACE = "http://dicom.nema.org/PS3.19/models/NativeDICOM";
    /** Decimals read exactly, so that a DS value is written as the JSON held it, not as a double. */
    private static final ObjectMapper JSON = new ObjectMapper(StoredJson.FACTORY)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));
    private static final XMLOutputFactory XML = XMLOutputFactory.newFactory();
    private static final String[] NAME_PARTS = {"FamilyName", "GivenName", "MiddleName", "NamePrefix", "NameSuffix"};

    private DicomXmlWriter() {
    }

    /** Writes the data set given as one DICOM JSON object as a NativeDicomModel document. */
    public static void write(String dicomJson, OutputStream out) throws IOException {
        JsonNode dataset = JSON.readTree(dicomJson);
        try {
            XMLStreamWriter w = XML.createXMLStreamWriter(out, "UTF-8");
            w.writeStartDocument("UTF-8", "1.0");
            w.writeStartElement("NativeDicomModel");
            w.writeDefaultNamespace(NAMESPACE);
            w.writeAttribute("xml:space", "preserve");
            attributes(w, dataset);
            w.writeEndElement();
            w.writeEndDocument();
            w.flush();
        } catch (XMLStreamException e) {
            throw new IOException("the XML could not be written", e);
        }
    }

    private static void attributes(XMLStreamWriter w, JsonNode dataset) throws XMLStreamException {
        Iterator<Map.Entry<String, JsonNode>> fields = dataset.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            int tag = (int) Long.parseLong(f.getKey(), 16);
            JsonNode a = f.getValue();
            String vr = a.path("vr").asText();
            w.writeStartElement("DicomAttribute");
            w.writeAttribute("tag", f.getKey().toUpperCase(java.util.Locale.ROOT));
            w.writeAttribute("vr", vr);
            if ((Tag.group(tag) & 1) == 0) {
                DataDictionary.keywordForTag(tag).ifPresent(k -> attribute(w, "keyword", k));
            } else if (Tag.element(tag) >= 0x1000) {
                // A private element names its creator (PS3.19 A.1.1): the value of (gggg,00xx) beside it.
                String creator = String.format("%04X%04X", Tag.group(tag), Tag.element(tag) >> 8);
                JsonNode c = dataset.path(creator).path("Value").path(0);
                if (c.isTextual()) {
                    attribute(w, "privateCreator", xmlSafe(c.asText().strip()));
                }
            }
            if (a.has("BulkDataURI")) {
                w.writeEmptyElement("BulkData");
                w.writeAttribute("uri", xmlSafe(a.get("BulkDataURI").asText()));
            } else if (a.has("InlineBinary")) {
                w.writeStartElement("InlineBinary");
                w.writeCharacters(xmlSafe(a.get("InlineBinary").asText()));
                w.writeEndElement();
            } else if (a.has("Value")) {
                int number = 1;
                for (JsonNode v : a.get("Value")) {
                    value(w, vr, v, number++);
                }
            }
            w.writeEndElement();
        }
    }

    private static void value(XMLStreamWriter w, String vr, JsonNode v, int number) throws XMLStreamException {
        if (vr.equals("SQ")) {
            w.writeStartElement("Item");
            w.writeAttribute("number", Integer.toString(number));
            attributes(w, v);
            w.writeEndElement();
        } else if (vr.equals("PN")) {
            w.writeStartElement("PersonName");
            w.writeAttribute("number", Integer.toString(number));
            for (String group : new String[] {"Alphabetic", "Ideographic", "Phonetic"}) {
                if (v.hasNonNull(group)) {
                    w.writeStartElement(group);
                    String[] parts = v.get(group).asText().split("\\^", -1);
                    for (int i = 0; i < parts.length && i < NAME_PARTS.length; i++) {
                        if (!parts[i].isEmpty()) {
                            w.writeStartElement(NAME_PARTS[i]);
                            w.writeCharacters(xmlSafe(parts[i]));
                            w.writeEndElement();
                        }
                    }
                    w.writeEndElement();
                }
            }
            w.writeEndElement();
        } else if (v.isNull()) {
            w.writeEmptyElement("Value");
            w.writeAttribute("number", Integer.toString(number));
        } else {
            w.writeStartElement("Value");
            w.writeAttribute("number", Integer.toString(number));
            w.writeCharacters(xmlSafe(v.isBigDecimal() ? v.decimalValue().toString() : v.asText()));
            w.writeEndElement();
        }
    }

    /**
     * XML 1.0 cannot carry every character a DICOM string may hold (control characters such as
     * the ESC of ISO 2022 code extensions, lone surrogates): those become U+FFFD, which the JSON
     * answer does not need (PS3.19 leaves the encoding of such values to XML's rules).
     */
    public static String xmlSafe(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0xD800) || (c >= 0xE000 && c <= 0xFFFD);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                if (out != null) {
                    out.append(c).append(s.charAt(i + 1));
                }
                i++;
                continue;
            }
            if (!ok && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                out.append(ok ? c : '\uFFFD');
            }
        }
        return out == null ? s : out.toString();
    }

    private static void attribute(XMLStreamWriter w, String name, String value) {
        try {
            w.writeAttribute(name, value);
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
    }
}
