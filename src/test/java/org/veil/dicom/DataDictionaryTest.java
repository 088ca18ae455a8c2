package org.veil.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Multiplicities from PixelMed's dictionary, with PS3.6's own where PixelMed's file narrows them. */
class DataDictionaryTest {

    @Test
    void fixedMultiplicitiesAreBounds() {
        assertThat(DataDictionary.maxValues(0x00181310)).as("Acquisition Matrix, 4").hasValue(4);
        assertThat(DataDictionary.maxValues(0x00280030)).as("Pixel Spacing, 2").hasValue(2);
        assertThat(DataDictionary.maxValues(0x00540081)).as("Number of Slices, 1").hasValue(1);
        assertThat(DataDictionary.maxValues(0x00880912)).as("Topic Keywords, 1-32").hasValue(32);
    }

    @Test
    void openMultiplicitiesHaveNoBound() {
        assertThat(DataDictionary.maxValues(0x00080008)).as("Image Type, 2-n").isEmpty();
        assertThat(DataDictionary.maxValues(0x30060050)).as("Contour Data, 3-3n (PixelMed writes 3-3)").isEmpty();
        assertThat(DataDictionary.maxValues(0x0040A0B0)).as("Referenced Waveform Channels, 2-2n").isEmpty();
        assertThat(DataDictionary.maxValues(0x00540050)).as("Rotation Vector, 1-n").isEmpty();
        assertThat(DataDictionary.maxValues(0x001199F1)).as("a tag no dictionary knows").isEmpty();
    }

    /**
     * Every attribute PS3.15 Table E.1-1 names has a VR here, those newer than PixelMed's dictionary
     * included: de-identification removes what it cannot tell the VR of, and checks the VR on the
     * wire against this one.
     */
    @Test
    void everyAttributeOfTheDeidentificationTableHasAVr() throws Exception {
        String table;
        try (java.io.InputStream in = DataDictionaryTest.class.getResourceAsStream("/deid/ps3.15-table-e.1-1.json")) {
            table = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-fA-F]{8})\"").matcher(table);
        java.util.List<String> unknown = new java.util.ArrayList<>();
        int rows = 0;
        while (id.find()) {
            rows++;
            int tag = Integer.parseUnsignedInt(id.group(1), 16);
            // Selector UN Value (0072,006D) is UN by definition; every other row has a VR of its own.
            if (DataDictionary.vrForTag(tag) == Vr.UN && tag != 0x0072006D || DataDictionary.keywordForTag(tag).isEmpty()) {
                unknown.add(id.group(1));
            }
        }
        assertThat(rows).as("rows with a single tag").isGreaterThan(500);
        assertThat(unknown).isEmpty();
        assertThat(DataDictionary.vrForTag(0x30020121)).as("Position Acquisition Template Name").isEqualTo(Vr.LO);
        assertThat(DataDictionary.vrForTag(0x00181205)).as("Date of Installation").isEqualTo(Vr.DA);
        assertThat(DataDictionary.maxValues(0x00181205)).hasValue(1);
        assertThat(DataDictionary.tagForKeyword("ROIDateTime")).hasValue(0x3006002D);
    }
}
