package org.veil.dicom;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * JPEG-LS (PS3.5 8.2.3, ISO/IEC 14495-1) decoded by CharLS, Debian's libcharls2, through its C
 * API and the Java foreign-function API. No maintained JPEG-LS decoder in Java exists on Maven
 * Central (docs/conformance.md); CharLS is the reference implementation most archives use. A
 * decoder is made per frame: it is cheap, and CharLS decoders are not shared between threads.
 */
final class CharLs {
    private static final Optional<Api> API = Api.load();

    /** A decoded frame: samples little-endian, colour by pixel unless {@code planar}. */
    record Frame(byte[] samples, int width, int height, int bitsPerSample, int components, boolean planar) {
    }

    private CharLs() {
    }

    static boolean available() {
        return API.isPresent();
    }

    static Frame decode(byte[] codestream) throws UndecodablePixelDataException {
        Api api = API.orElseThrow(() -> new UndecodablePixelDataException("JPEG-LS needs libcharls2, which is not installed"));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment decoder = (MemorySegment) api.create.invokeExact();
            if (decoder.equals(MemorySegment.NULL)) {
                throw new UndecodablePixelDataException("JPEG-LS decoder could not be made");
            }
            try {
                MemorySegment source = arena.allocate(codestream.length);
                MemorySegment.copy(codestream, 0, source, JAVA_BYTE, 0, codestream.length);
                check((int) api.setSource.invokeExact(decoder, source, (long) codestream.length));
                check((int) api.readHeader.invokeExact(decoder));
                MemorySegment info = arena.allocate(JAVA_INT, 4);
                check((int) api.frameInfo.invokeExact(decoder, info));
                int width = info.getAtIndex(JAVA_INT, 0);
                int height = info.getAtIndex(JAVA_INT, 1);
                int bits = info.getAtIndex(JAVA_INT, 2);
                int components = info.getAtIndex(JAVA_INT, 3);
                MemorySegment mode = arena.allocate(JAVA_INT);
                check((int) api.interleave.invokeExact(decoder, mode));
                MemorySegment size = arena.allocate(JAVA_LONG);
                check((int) api.destinationSize.invokeExact(decoder, 0, size));
                long bytes = size.get(JAVA_LONG, 0);
                long expected = (long) width * height * components * (bits > 8 ? 2 : 1);
                if (width <= 0 || height <= 0 || bytes != expected || bytes > Integer.MAX_VALUE - 8) {
                    throw new UndecodablePixelDataException("the JPEG-LS frame header is not one Veil can decode");
                }
                MemorySegment destination = arena.allocate(bytes);
                check((int) api.decode.invokeExact(decoder, destination, bytes, 0));
                // interleave mode 0 (none) decodes plane after plane
                return new Frame(destination.toArray(JAVA_BYTE), width, height, bits, components,
                        components > 1 && mode.get(JAVA_INT, 0) == 0);
            } finally {
                api.destroy.invokeExact(decoder);
            }
        } catch (UndecodablePixelDataException e) {
            throw e;
        } catch (Throwable e) {
            throw new UndecodablePixelDataException("the JPEG-LS frame cannot be decoded");
        }
    }

    private static void check(int errc) throws UndecodablePixelDataException {
        if (errc != 0) {
            throw new UndecodablePixelDataException("the JPEG-LS frame cannot be decoded (CharLS error " + errc + ")");
        }
    }

    /** The C functions of libcharls.so.2 ({@link ForeignLibrary#charls()}), looked up once. */
    private record Api(MethodHandle create, MethodHandle destroy, MethodHandle setSource, MethodHandle readHeader,
                       MethodHandle frameInfo, MethodHandle interleave, MethodHandle destinationSize, MethodHandle decode) {

        static Optional<Api> load() {
            try {
                ForeignLibrary.Handles fn = ForeignLibrary.charls().bind();
                return Optional.of(new Api(fn.get("charls_jpegls_decoder_create"), fn.get("charls_jpegls_decoder_destroy"),
                        fn.get("charls_jpegls_decoder_set_source_buffer"), fn.get("charls_jpegls_decoder_read_header"),
                        fn.get("charls_jpegls_decoder_get_frame_info"), fn.get("charls_jpegls_decoder_get_interleave_mode"),
                        fn.get("charls_jpegls_decoder_get_destination_size"), fn.get("charls_jpegls_decoder_decode_to_buffer")));
            } catch (RuntimeException | LinkageError e) {
                // no library, or no foreign-function support here: the feature is unavailable, and
                // what needs it is withheld rather than served unchecked
                return Optional.empty();
            }
        }
    }
}
