package org.veil.dicom;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
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

    /**
     * Writes the data set given as one DICOM JSON object as a NativeDicomModel document, as it is
     * read: no tree of the whole is built, because an instance's metadata may hold a million
     * elements (veil.dicomweb.max-elements), which as nodes take about ten times their text. Only
     * one person name value at a time, and the private creators of the data set being written, are
     * held. Each attribute's "vr" comes first in the JSON Veil writes (PS3.18 F.2.2 lists it first
     * too); an attribute whose "vr" comes later is read whole and then written the same way. Of
     * "BulkDataURI", "InlineBinary" and "Value", which PS3.18 F.2.3 makes exclusive, the first is written.
     */
    public static void write(String dicomJson, OutputStream out) throws IOException {
        try (JsonParser p = JSON.getFactory().createParser(dicomJson)) {
            write(p, null, out);
        }
    }

    /**
     * Writes stored DICOM JSON (UTF-8, its BulkDataURIs relative to the service) as a
     * NativeDicomModel document, each BulkData URI made absolute under {@code bulkDataBase}
     * ({@link BulkDataUris}): read from the bytes as they are, with no copy of the text.
     */
    public static void write(byte[] storedJson, String bulkDataBase, OutputStream out) throws IOException {
        try (JsonParser p = JSON.getFactory().createParser(storedJson)) {
            write(p, BulkDataUris.prefix(bulkDataBase), out);
        }
    }

    private static void write(JsonParser p, String bulkDataPrefix, OutputStream out) throws IOException {
        try {
            XMLStreamWriter w = XML.createXMLStreamWriter(out, "UTF-8");
            w.writeStartDocument("UTF-8", "1.0");
            w.writeStartElement("NativeDicomModel");
            w.writeDefaultNamespace(NAMESPACE);
            w.writeAttribute("xml:space", "preserve");
            if (p.nextToken() == JsonToken.START_OBJECT) {
                attributes(w, p, bulkDataPrefix);
            }
            w.writeEndElement();
            w.writeEndDocument();
            w.flush();
        } catch (XMLStreamException e) {
            throw new IOException("the XML could not be written", e);
        }
    }

    /** The attributes of the data set whose START_OBJECT the parser is at, up to its END_OBJECT. */
    private static void attributes(XMLStreamWriter w, JsonParser p, String bulkDataPrefix) throws IOException, XMLStreamException {
        // A private element names its creator (PS3.19 A.1.1): the value of (gggg,00xx), which
        // comes before the block it reserves in tag order.
        Map<String, String> creators = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            int tag = (int) Long.parseLong(key, 16);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                startAttribute(w, key, tag, "", creators);
                w.writeEndElement();
                continue;
            }
            JsonParser attribute = vrFirst(p);
            attribute.nextToken();
            String vr = attribute.getValueAsString("");
            startAttribute(w, key, tag, vr, creators);
            boolean written = false;
            while (attribute.nextToken() == JsonToken.FIELD_NAME) {
                String field = attribute.currentName();
                JsonToken value = attribute.nextToken();
                if (written) {
                    attribute.skipChildren();
                } else if (field.equals("BulkDataURI")) {
                    w.writeEmptyElement("BulkData");
                    String uri = scalarText(attribute);
                    w.writeAttribute("uri", xmlSafe(bulkDataPrefix == null ? uri : bulkDataPrefix + uri));
                    written = true;
                } else if (field.equals("InlineBinary")) {
                    w.writeStartElement("InlineBinary");
                    w.writeCharacters(xmlSafe(scalarText(attribute)));
                    w.writeEndElement();
                    written = true;
                } else if (field.equals("Value")) {
                    if (value == JsonToken.START_ARRAY) {
                        values(w, attribute, vr, isCreator(tag) ? key.toUpperCase(java.util.Locale.ROOT) : null, creators,
                                bulkDataPrefix);
                    } else {
                        attribute.skipChildren();
                    }
                    written = true;
                } else {
                    attribute.skipChildren();
                }
            }
            w.writeEndElement();
        }
    }

    /**
     * From an attribute's START_OBJECT, a parser at its "vr" field name: {@code p} itself when
     * "vr" comes first, as Veil writes it; otherwise a parser over the attribute read whole and
     * reordered, "vr" first ("" when absent), {@code p} being left at the attribute's END_OBJECT.
     */
    private static JsonParser vrFirst(JsonParser p) throws IOException {
        if (p.nextToken() == JsonToken.FIELD_NAME && p.currentName().equals("vr")) {
            return p;
        }
        ObjectNode rest = JSON.createObjectNode();
        while (p.currentToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            rest.set(field, JSON.readTree(p));
            p.nextToken();
        }
        ObjectNode ordered = JSON.createObjectNode();
        ordered.put("vr", rest.path("vr").asText());
        rest.remove("vr");
        ordered.setAll(rest);
        JsonParser tree = JSON.treeAsTokens(ordered);
        tree.nextToken(); // START_OBJECT
        tree.nextToken(); // "vr"
        return tree;
    }

    private static void startAttribute(XMLStreamWriter w, String key, int tag, String vr, Map<String, String> creators)
            throws XMLStreamException {
        w.writeStartElement("DicomAttribute");
        w.writeAttribute("tag", key.toUpperCase(java.util.Locale.ROOT));
        w.writeAttribute("vr", vr);
        if ((Tag.group(tag) & 1) == 0) {
            DataDictionary.keywordForTag(tag).ifPresent(k -> attribute(w, "keyword", k));
        } else if (Tag.element(tag) >= 0x1000) {
            String creator = creators.get(String.format("%04X%04X", Tag.group(tag), Tag.element(tag) >> 8));
            if (creator != null) {
                attribute(w, "privateCreator", xmlSafe(creator.strip()));
            }
        }
    }

    /** A Private Creator Data Element (PS3.5 7.8.1): (gggg,0010-00FF) of an odd group. */
    private static boolean isCreator(int tag) {
        return (Tag.group(tag) & 1) == 1 && Tag.element(tag) >= 0x0010 && Tag.element(tag) <= 0x00FF;
    }

    /** The values of the array the parser is at, numbered from 1; a creator's first text value is kept under {@code creatorKey}. */
    private static void values(XMLStreamWriter w, JsonParser p, String vr, String creatorKey, Map<String, String> creators,
                               String bulkDataPrefix) throws IOException, XMLStreamException {
        int number = 1;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY && t != null; t = p.nextToken(), number++) {
            if (vr.equals("SQ")) {
                w.writeStartElement("Item");
                w.writeAttribute("number", Integer.toString(number));
                if (t == JsonToken.START_OBJECT) {
                    attributes(w, p, bulkDataPrefix);
                } else {
                    p.skipChildren();
                }
                w.writeEndElement();
            } else if (vr.equals("PN")) {
                personName(w, JSON.readTree(p), number);
            } else if (t == JsonToken.VALUE_NULL) {
                w.writeEmptyElement("Value");
                w.writeAttribute("number", Integer.toString(number));
            } else {
                if (number == 1 && creatorKey != null && t == JsonToken.VALUE_STRING) {
                    creators.put(creatorKey, p.getText());
                }
                w.writeStartElement("Value");
                w.writeAttribute("number", Integer.toString(number));
                w.writeCharacters(xmlSafe(scalarText(p)));
                w.writeEndElement();
            }
        }
    }

    private static void personName(XMLStreamWriter w, JsonNode v, int number) throws XMLStreamException {
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
    }

    /**
     * The value the parser is at as text: a decimal as its exact value's text (not as a double,
     * so that a DS value is written as the JSON held it), an integer as its digits, a string as it
     * is; an object or array, which no value of these VRs is, as nothing.
     */
    private static String scalarText(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_NUMBER_FLOAT -> p.getDecimalValue().toString();
            case VALUE_NUMBER_INT -> p.getNumberValue().toString();
            case START_OBJECT, START_ARRAY -> {
                p.skipChildren();
                yield "";
            }
            case VALUE_NULL -> "";
            default -> p.getText();
        };
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
