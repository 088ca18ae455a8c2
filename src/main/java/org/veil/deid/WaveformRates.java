package org.veil.deid;

import java.util.Optional;
import org.veil.dicom.EditableDataset;

/**
 * Sound hides in waveform classes that are not audio: a General ECG with one channel sampled at
 * 8,000 Hz is a telephone-quality recording of whatever was said beside the patient. Electrical
 * signals of the body are recorded at up to 2,000 Hz (diagnostic ECG 500–1,000 Hz, high-resolution
 * and intracardiac ECG up to 2,000 Hz), and speech needs more to be understood (its band reaches
 * 3,400 Hz, so 6,800 samples a second). A multiplex group (PS3.3 C.10.9) sampled faster, or whose
 * rate cannot be read, withholds the instance: Veil cannot tell a signal from a voice.
 */
final class WaveformRates {
    static final int WAVEFORM_SEQUENCE = 0x54000100;
    static final int SAMPLING_FREQUENCY = 0x003A001A;
    /** Hertz. */
    static final double MOST = 2_000;

    private WaveformRates() {
    }

    static final int NUMBER_OF_CHANNELS = 0x003A0005;
    static final int NUMBER_OF_SAMPLES = 0x003A0010;
    static final int BITS_ALLOCATED = 0x54001004;
    static final int WAVEFORM_DATA = 0x54001010;

    /**
     * Why the waveform instance must be withheld, if it must. Also a group whose Waveform Data is
     * longer than its channels times its samples (PS3.3 C.10.9.1): the bytes past the samples are
     * read by no viewer and checked by nothing, as Pixel Data past its frames would be (and those
     * are cut off).
     */
    static Optional<String> withheld(EditableDataset root) {
        for (EditableDataset group : root.items(WAVEFORM_SEQUENCE)) {
            if (group.contains(WAVEFORM_DATA)) {
                long expected;
                try {
                    expected = Long.parseLong(group.string(NUMBER_OF_CHANNELS).orElse("").trim())
                            * Long.parseLong(group.string(NUMBER_OF_SAMPLES).orElse("").trim())
                            * (Long.parseLong(group.string(BITS_ALLOCATED).orElse("").trim()) / 8);
                } catch (NumberFormatException e) {
                    return Optional.of("a waveform's channels, samples or bits cannot be read");
                }
                if (group.bytes(WAVEFORM_DATA).length > expected + (expected & 1)) {
                    return Optional.of("a waveform's data is longer than its samples");
                }
            }
            double hz;
            try {
                hz = Double.parseDouble(group.string(SAMPLING_FREQUENCY).orElse("").trim());
            } catch (NumberFormatException e) {
                return Optional.of("a waveform's sampling frequency cannot be read");
            }
            if (!(hz > 0 && hz <= MOST)) {
                return Optional.of("a waveform sampled faster than " + (int) MOST + " Hz may carry sound");
            }
        }
        return Optional.empty();
    }
}
