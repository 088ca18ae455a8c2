package org.veil.viewer;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.veil.policy.Purpose;

/**
 * /viewer/: the purpose is part of the token request, so it is chosen before login. Keycloak
 * issues any purpose asked for; Veil refuses one the user's roles may not claim (403), and
 * decides what each may see.
 */
final class ChooserPage {
    private ChooserPage() {
    }

    static String html() {
        String links = Arrays.stream(Purpose.values())
                .map(p -> "<li><a href=\"" + ViewerRoutes.BASE + p.scopeName() + "/\">" + label(p) + "</a></li>")
                .collect(Collectors.joining("\n      "));
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Veil viewer</title>
                <style>body{font-family:sans-serif;background:#000;color:#ddd;margin:3em}a{color:#5acce6}li{margin:.6em 0}</style>
                </head><body>
                  <h1>Why are you looking?</h1>
                  <p>Your purpose goes into your login. Outside treatment you see only de-identified copies of the studies
                     the patient agreed to, and every look is on record.</p>
                  <ul>
                      %s
                  </ul>
                </body></html>
                """.formatted(links);
    }

    private static String label(Purpose p) {
        return switch (p) {
            case TREATMENT -> "Treatment: caring for the patient";
            case CONSULTATION -> "Consultation: a study shared with you";
            case TEACHING -> "Teaching";
            case RESEARCH -> "Research";
            case PUBLICATION -> "Publication";
        };
    }
}
