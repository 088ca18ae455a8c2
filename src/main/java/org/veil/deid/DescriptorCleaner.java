package org.veil.deid;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Cleans free text by keeping only words from a list of clinical vocabulary and small numbers.
 * Names, identifiers, dates and places written into a description are not on the list, so they
 * are dropped; so is anything else unrecognised. This errs towards losing descriptive words
 * rather than keeping identifying ones: a "clean" text is what remains of an allow list, never
 * what survives a block list.
 */
public final class DescriptorCleaner {
    private static final Pattern SEPARATORS = Pattern.compile("[\\s,;:/\\\\()\\[\\]{}\"'^=_|+*#!?<>]+");
    private static final Pattern SMALL_NUMBER = Pattern.compile("\\d{1,3}([.]\\d{1,2})?");

    private final Set<String> words;

    public DescriptorCleaner(Set<String> words) {
        this.words = new HashSet<>();
        words.forEach(w -> this.words.add(w.toUpperCase(Locale.ROOT)));
    }

    /** A cleaner with the vocabulary Veil ships. */
    public static DescriptorCleaner standard() {
        return new DescriptorCleaner(standardWords());
    }

    /** The vocabulary Veil ships, {@code deid/descriptor-words.txt}. */
    public static Set<String> standardWords() {
        try (InputStream in = DescriptorCleaner.class.getResourceAsStream("/deid/descriptor-words.txt")) {
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Words from a list file: whitespace-separated, {@code #} starts a comment. */
    public static Set<String> read(InputStream in) throws IOException {
        Set<String> out = new HashSet<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            int hash = line.indexOf('#');
            String content = hash >= 0 ? line.substring(0, hash) : line;
            for (String w : content.trim().split("\\s+")) {
                if (!w.isEmpty()) {
                    out.add(w);
                }
            }
        }
        return out;
    }

    /** The kept words of the text, in order, separated by single spaces; empty when none is kept. */
    public String clean(String text) {
        StringJoiner kept = new StringJoiner(" ");
        for (String token : SEPARATORS.split(text)) {
            String t = stripDots(token);
            if (t.isEmpty()) {
                continue;
            }
            if (words.contains(t.toUpperCase(Locale.ROOT)) || SMALL_NUMBER.matcher(t).matches()) {
                kept.add(t);
            }
        }
        return kept.toString();
    }

    /** Trailing and leading dots and dashes belong to the sentence, not the word. */
    private static String stripDots(String token) {
        int from = 0;
        int to = token.length();
        while (from < to && (token.charAt(from) == '.' || token.charAt(from) == '-')) {
            from++;
        }
        while (to > from && (token.charAt(to - 1) == '.' || token.charAt(to - 1) == '-')) {
            to--;
        }
        return token.substring(from, to);
    }
}
