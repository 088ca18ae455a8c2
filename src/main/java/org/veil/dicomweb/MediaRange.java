package org.veil.dicomweb;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One media range of an Accept header (RFC 9110 12.5.1), with its parameters unquoted and
 * lowercased names, so that {@code type="application/dicom"} and {@code type=application/dicom}
 * are the same.
 */
record MediaRange(String type, String subtype, Map<String, String> params, double q) {

    static List<MediaRange> parseAccept(String header) {
        List<MediaRange> out = new ArrayList<>();
        if (header == null || header.isBlank()) {
            out.add(new MediaRange("*", "*", Map.of(), 1.0));
            return out;
        }
        for (String item : splitOutsideQuotes(header, ',')) {
            MediaRange r = parse(item);
            if (r != null && r.q > 0) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparingDouble(MediaRange::q).reversed());
        return out;
    }

    private static final java.util.regex.Pattern QVALUE = java.util.regex.Pattern.compile("0(\\.\\d{0,3})?|1(\\.0{0,3})?");

    static MediaRange parse(String item) {
        List<String> pieces = splitOutsideQuotes(item, ';');
        String full = pieces.get(0).trim().toLowerCase(Locale.ROOT);
        int slash = full.indexOf('/');
        if (slash <= 0) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        double q = 1.0;
        for (String p : pieces.subList(1, pieces.size())) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = p.substring(eq + 1).trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            if (name.equals("q")) {
                // RFC 9110 12.4.2: 0 to 1, three decimals at most; anything else weighs nothing.
                q = QVALUE.matcher(value).matches() ? Double.parseDouble(value) : 0;
            } else {
                // A media type named in a parameter is case-insensitive, as the range's own (RFC 6838 4.2).
                params.put(name, name.equals("type") ? value.toLowerCase(Locale.ROOT) : value);
            }
        }
        return new MediaRange(full.substring(0, slash), full.substring(slash + 1), params, q);
    }

    boolean matches(String type, String subtype) {
        return (this.type.equals("*") || this.type.equals(type)) && (this.subtype.equals("*") || this.subtype.equals(subtype));
    }

    String param(String name) {
        return params.get(name);
    }

    private static List<String> splitOutsideQuotes(String s, char sep) {
        List<String> out = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == sep && !quoted) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }
}
