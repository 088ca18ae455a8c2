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
}
