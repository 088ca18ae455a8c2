package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.veil.dicom.TransferSyntax;

class NegotiationTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "multipart/related; type=application/dicom; transfer-syntax=*",
            "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1",
            "text/html, multipart/related; type=application/dicom; transfer-syntax=*; q=0.2",
    })
    void instancesAsStoredWhenStarOrTheirSyntaxIsNamed(String accept) throws Exception {
        assertThat(Negotiation.instances(accept, List.of("1.2.840.10008.1.2.1"), true)).isEqualTo(Negotiation.InstanceSyntax.STORED);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "multipart/related; type=\"application/dicom\"",
            "multipart/related; type=application/dicom",
            "text/html, multipart/related; type=application/dicom; q=0.2",
            "*/*",
            "multipart/related",
    })
    void withoutASyntaxInstancesTakeTheDefaultOfWebServices(String accept) throws Exception {
        // PS3.18 8.7.3.4: Explicit VR Little Endian unless named otherwise, whatever is stored.
        assertThat(Negotiation.instances(accept, List.of("1.2.840.10008.1.2"), false)).isEqualTo(Negotiation.InstanceSyntax.DEFAULT);
        assertThat(Negotiation.instances(accept, List.of("1.2.840.10008.1.2.4.100"), false)).isEqualTo(Negotiation.InstanceSyntax.DEFAULT);
    }

    @Test
    void explicitLittleEndianByNameIsATranscodingWhereVeilCanDecode() throws Exception {
        String ele = "multipart/related; type=application/dicom; transfer-syntax=1.2.840.10008.1.2.1";
        assertThat(Negotiation.instances(ele, List.of("1.2.840.10008.1.2.5"), true)).isEqualTo(Negotiation.InstanceSyntax.EXPLICIT_NAMED);
        assertThatThrownBy(() -> Negotiation.instances(ele, List.of("1.2.840.10008.1.2.4.100"), false))
                .isInstanceOf(NotAcceptableException.class);
        assertThat(Negotiation.instances("multipart/related; type=application/dicom; transfer-syntax=1.2.840.10008.1.2.5",
                List.of("1.2.840.10008.1.2.5"), true)).as("its own syntax named, as stored").isEqualTo(Negotiation.InstanceSyntax.STORED);
    }

    @Test
    void instancesInAnotherSyntaxOrTypeAreNotAcceptable() {
        assertThatThrownBy(() -> Negotiation.instances("multipart/related; type=application/dicom; transfer-syntax=1.2.840.10008.1.2.4.50",
                List.of("1.2.840.10008.1.2.1"), true)).isInstanceOf(NotAcceptableException.class);
        assertThatThrownBy(() -> Negotiation.instances("multipart/related; type=application/dicom; q=0",
                List.of("1.2.840.10008.1.2.1"), true)).isInstanceOf(NotAcceptableException.class);
        assertThatThrownBy(() -> Negotiation.instances("application/json", List.of("1.2.840.10008.1.2.1"), true))
                .isInstanceOf(NotAcceptableException.class);
    }

    /** A search's refusal names search results, not metadata (a black-box probe found it named metadata). */
    @Test
    void aRefusedSearchNamesWhatItAnswers() {
        assertThatThrownBy(() -> Negotiation.metadata("multipart/related; type=\"application/dicom\"", "search results"))
                .isInstanceOf(NotAcceptableException.class).hasMessageStartingWith("search results are available as");
        assertThatThrownBy(() -> Negotiation.metadata("image/png")).hasMessageStartingWith("metadata are available as");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "multipart/related; type=application/octet-stream | IMPLICIT_VR_LITTLE_ENDIAN | application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1",
            "multipart/related; type=application/octet-stream; transfer-syntax=1.2.840.10008.1.2 | IMPLICIT_VR_LITTLE_ENDIAN | application/octet-stream; transfer-syntax=1.2.840.10008.1.2",
            "multipart/related | DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN | application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1",
            "multipart/related; type=application/octet-stream; transfer-syntax=* | JPEG_BASELINE | application/octet-stream; transfer-syntax=1.2.840.10008.1.2.4.50",
            "multipart/related; type=\"image/jpeg\" | JPEG_BASELINE | image/jpeg; transfer-syntax=1.2.840.10008.1.2.4.50",
            "multipart/related; type=\"image/jpeg\"; transfer-syntax=1.2.840.10008.1.2.4.50 | JPEG_BASELINE | image/jpeg; transfer-syntax=1.2.840.10008.1.2.4.50",
            "image/jpeg, multipart/related; type=image/dicom-rle | RLE_LOSSLESS | image/dicom-rle; transfer-syntax=1.2.840.10008.1.2.5",
            "*/* | JPEG_2000 | image/jp2; transfer-syntax=1.2.840.10008.1.2.4.91",
    })
    void framesAreLabelledWithTheirSyntax(String accept, TransferSyntax stored, String partType) throws Exception {
        assertThat(Negotiation.frames(accept, stored)).isEqualTo(partType);
    }

    /**
     * {@code *}/{@code *}, no Accept and a multipart without a type take the frames resource's first
     * row, octet-stream in Explicit VR Little Endian: lossless compressed and big-endian frames are
     * decoded; lossy ones stay their codestream; native little-endian ones need no decoding.
     */
    @Test
    void framesWithoutAChoiceAreTheDefaultOctetStream() {
        for (String accept : new String[] {"*/*", null, "multipart/related"}) {
            assertThat(Negotiation.decodedFrames(accept, TransferSyntax.RLE_LOSSLESS)).as(accept).isTrue();
            assertThat(Negotiation.decodedFrames(accept, TransferSyntax.EXPLICIT_VR_BIG_ENDIAN)).as(accept).isTrue();
            assertThat(Negotiation.decodedFrames(accept, TransferSyntax.JPEG_BASELINE)).as(accept).isFalse();
            assertThat(Negotiation.decodedFrames(accept, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)).as(accept).isFalse();
        }
        assertThat(Negotiation.decodedFrames("multipart/related; type=application/octet-stream; transfer-syntax=*",
                TransferSyntax.RLE_LOSSLESS)).as("as stored, by name").isFalse();
    }

    /** RFC 9110 12.4.2: a weight is 0 to 1 with three decimals; a media type in a parameter is case-insensitive. */
    @Test
    void weightsOutOfTheirRangeWeighNothingAndTypesIgnoreCase() throws Exception {
        assertThat(MediaRange.parseAccept("image/png;q=2, image/gif;q=Infinity, image/jpeg;q=0.5"))
                .extracting(MediaRange::subtype).containsExactly("jpeg");
        assertThat(Negotiation.frames("multipart/related; type=\"Application/Octet-Stream\"; transfer-syntax=*",
                TransferSyntax.RLE_LOSSLESS)).isEqualTo("application/octet-stream; transfer-syntax=1.2.840.10008.1.2.5");
    }

    @Test
    void compressedFramesAreNotDecompressed() {
        assertThatThrownBy(() -> Negotiation.frames("multipart/related; type=application/octet-stream", TransferSyntax.JPEG_BASELINE))
                .isInstanceOf(NotAcceptableException.class);
        assertThatThrownBy(() -> Negotiation.frames("multipart/related; type=image/jpeg", TransferSyntax.RLE_LOSSLESS))
                .isInstanceOf(NotAcceptableException.class);
    }
}
