package org.veil.deid;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads words from grey images with Tesseract (Debian's libtesseract5 and its English model),
 * through Tesseract's C API (capi.h) and the Java foreign-function API: no binding library, and
 * the same code in the JVM and in the native executable. One Tesseract handle per thread, made on
 * first use and kept, because a handle is not thread-safe and costs 80-300 ms to initialise.
 *
 * <p>libtesseract parallelises with OpenMP, which on two cores makes each call two to three times
 * slower; {@code OMP_THREAD_LIMIT=1} is set before the library is loaded (libgomp reads it once).
 */
public final class Tesseract implements TextReader {
    /** Page segmentation mode 7: the image is one line of text, which is what the finder hands over. */
    private static final int PSM_SINGLE_LINE = 7;
    private static final int RIL_WORD = 3;

    private static final Optional<Api> API = Api.load();

    private final ThreadLocal<MemorySegment> handles = ThreadLocal.withInitial(this::newHandle);
    private final String dataPath;

    private Tesseract(String dataPath) {
        this.dataPath = dataPath;
    }

    private static final Optional<TextReader> SHARED = make();

    /**
     * Tesseract, if its library loads and its English model initialises here; empty otherwise. One
     * reader for the process, whose handles (one per thread) are made once and kept.
     */
    public static Optional<TextReader> available() {
        return SHARED;
    }

    private static Optional<TextReader> make() {
        if (API.isEmpty()) {
            return Optional.empty();
        }
        Tesseract t = new Tesseract(null);
        try {
            t.handles.get();
            return Optional.of(t);
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    /** The version the loaded library reports, for the log. */
    public static String version() {
        return API.map(Api::version).orElse("not available");
    }

    @Override
    public List<Word> read(byte[] grey, int width, int height) {
        Api api = API.orElseThrow();
        MemorySegment h = handles.get();
        List<Word> words = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment image = arena.allocate(grey.length);
            MemorySegment.copy(grey, 0, image, JAVA_BYTE, 0, grey.length);
            api.setImage.invokeExact(h, image, width, height, 1, width);
            int rc = (int) api.recognize.invokeExact(h, MemorySegment.NULL);
            if (rc != 0) {
                api.clear.invokeExact(h);
                throw new IllegalStateException("Tesseract could not recognise the image");
            }
            MemorySegment it = (MemorySegment) api.getIterator.invokeExact(h);
            if (!it.equals(MemorySegment.NULL)) {
                MemorySegment page = (MemorySegment) api.pageIterator.invokeExact(it);
                MemorySegment box = arena.allocate(JAVA_INT, 4);
                do {
                    MemorySegment text = (MemorySegment) api.wordText.invokeExact(it, RIL_WORD);
                    if (text.equals(MemorySegment.NULL)) {
                        continue;
                    }
                    String s = text.reinterpret(Long.MAX_VALUE).getString(0);
                    api.deleteText.invokeExact(text);
                    float confidence = (float) api.confidence.invokeExact(it, RIL_WORD);
                    int ok = (int) api.boundingBox.invokeExact(page, RIL_WORD, box, box.asSlice(4), box.asSlice(8), box.asSlice(12));
                    if (!s.isBlank()) {
                        words.add(new Word(s.strip(), confidence, ok != 0 ? box.getAtIndex(JAVA_INT, 1) : 0,
                                ok != 0 ? box.getAtIndex(JAVA_INT, 3) : height));
                    }
                } while ((int) api.next.invokeExact(it, RIL_WORD) != 0);
                api.deleteIterator.invokeExact(it);
            }
            api.clear.invokeExact(h);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("Tesseract failed", e);
        }
        return words;
    }

    private MemorySegment newHandle() {
        Api api = API.orElseThrow(() -> new IllegalStateException("libtesseract is not available"));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment h = (MemorySegment) api.create.invokeExact();
            MemorySegment path = dataPath == null ? MemorySegment.NULL : arena.allocateFrom(dataPath);
            int rc = (int) api.init.invokeExact(h, path, arena.allocateFrom("eng"));
            if (rc != 0) {
                api.delete.invokeExact(h);
                throw new IllegalStateException("Tesseract's English model is not installed (tesseract-ocr-eng)");
            }
            set(api, h, arena, "debug_file", "/dev/null");
            // Inverted text is inverted by the caller: Tesseract's own second pass doubles the cost.
            set(api, h, arena, "tessedit_do_invert", "0");
            api.setPageSegMode.invokeExact(h, PSM_SINGLE_LINE);
            return h;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("Tesseract could not be initialised", e);
        }
    }

    private static void set(Api api, MemorySegment h, Arena arena, String name, String value) throws Throwable {
        int ok = (int) api.setVariable.invokeExact(h, arena.allocateFrom(name), arena.allocateFrom(value));
        if (ok == 0) {
            throw new IllegalStateException("Tesseract does not know the variable " + name);
        }
    }

    /** The C functions Veil calls, looked up once in libtesseract.so.5. */
    private record Api(MethodHandle versionText, MethodHandle create, MethodHandle init, MethodHandle setVariable,
                       MethodHandle setPageSegMode, MethodHandle setImage, MethodHandle recognize, MethodHandle getIterator,
                       MethodHandle pageIterator, MethodHandle wordText, MethodHandle confidence, MethodHandle boundingBox,
                       MethodHandle next, MethodHandle deleteIterator, MethodHandle deleteText, MethodHandle clear,
                       MethodHandle delete) {

        String version() {
            try {
                MemorySegment v = (MemorySegment) versionText.invokeExact();
                return v.reinterpret(Long.MAX_VALUE).getString(0);
            } catch (Throwable e) {
                return "unknown";
            }
        }

        static Optional<Api> load() {
            Linker linker = Linker.nativeLinker();
            try {
                limitOpenMp(linker);
                SymbolLookup lib = SymbolLookup.libraryLookup("libtesseract.so.5", Arena.global());
                return Optional.of(new Api(
                        fn(linker, lib, "TessVersion", ADDRESS),
                        fn(linker, lib, "TessBaseAPICreate", ADDRESS),
                        fn(linker, lib, "TessBaseAPIInit3", JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
                        fn(linker, lib, "TessBaseAPISetVariable", JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
                        fn(linker, lib, "TessBaseAPISetPageSegMode", null, ADDRESS, JAVA_INT),
                        fn(linker, lib, "TessBaseAPISetImage", null, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
                        fn(linker, lib, "TessBaseAPIRecognize", JAVA_INT, ADDRESS, ADDRESS),
                        fn(linker, lib, "TessBaseAPIGetIterator", ADDRESS, ADDRESS),
                        fn(linker, lib, "TessResultIteratorGetPageIterator", ADDRESS, ADDRESS),
                        fn(linker, lib, "TessResultIteratorGetUTF8Text", ADDRESS, ADDRESS, JAVA_INT),
                        fn(linker, lib, "TessResultIteratorConfidence", JAVA_FLOAT, ADDRESS, JAVA_INT),
                        fn(linker, lib, "TessPageIteratorBoundingBox", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS),
                        fn(linker, lib, "TessResultIteratorNext", JAVA_INT, ADDRESS, JAVA_INT),
                        fn(linker, lib, "TessResultIteratorDelete", null, ADDRESS),
                        fn(linker, lib, "TessDeleteText", null, ADDRESS),
                        fn(linker, lib, "TessBaseAPIClear", null, ADDRESS),
                        fn(linker, lib, "TessBaseAPIDelete", null, ADDRESS)));
            } catch (RuntimeException | LinkageError e) {
                // no library, or no foreign-function support (a native image built without it): the
                // feature is unavailable, and what needs it is withheld rather than served unchecked
                return Optional.empty();
            }
        }

        /** OMP_THREAD_LIMIT=1 through libc's setenv, unless the environment already says otherwise. */
        private static void limitOpenMp(Linker linker) {
            if (System.getenv("OMP_THREAD_LIMIT") != null) {
                return;
            }
            MemorySegment setenv = linker.defaultLookup().find("setenv").orElse(null);
            if (setenv == null) {
                return;
            }
            MethodHandle h = linker.downcallHandle(setenv, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
            try (Arena arena = Arena.ofConfined()) {
                int rc = (int) h.invokeExact(arena.allocateFrom("OMP_THREAD_LIMIT"), arena.allocateFrom("1"), 0);
            } catch (Throwable e) {
                // only a speed matter: OCR still works with more threads
            }
        }

        private static MethodHandle fn(Linker linker, SymbolLookup lib, String name, MemoryLayout result, MemoryLayout... args) {
            MemorySegment symbol = lib.find(name).orElseThrow(() -> new IllegalStateException("libtesseract has no " + name));
            return linker.downcallHandle(symbol, result == null ? FunctionDescriptor.ofVoid(args) : FunctionDescriptor.of(result, args));
        }
    }
}
