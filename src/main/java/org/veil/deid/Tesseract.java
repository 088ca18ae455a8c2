package org.veil.deid;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import static org.veil.dicom.ForeignLibrary.function;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.veil.dicom.ForeignLibrary;

/**
 * Reads words from grey images with Tesseract (Debian's libtesseract5 and its English model),
 * through Tesseract's C API (capi.h) and the Java foreign-function API: no binding library, and
 * the same code in the JVM and in the native executable. A handle holds the English model
 * (13 MiB), serves one read at a time and takes 80-300 ms to make, so handles are made on demand
 * and kept in a small pool (one per core, at least two) for the next read, whichever thread makes
 * it. None is made at start-up (the start-up check makes one and releases it): a replica that
 * never reads text should neither wait for one nor keep one. A model that cannot be loaded is
 * found on the first read, which then throws {@link TextReader.Unavailable}, as does every later
 * read without trying again.
 *
 * <p>libtesseract parallelises with OpenMP, which on two cores makes each call two to three times
 * slower; {@code OMP_THREAD_LIMIT=1} is set before the library is loaded (libgomp reads it once).
 */
public final class Tesseract implements TextReader {
    /** Page segmentation mode 7: the image is one line of text, which is what the finder hands over. */
    private static final int PSM_SINGLE_LINE = 7;
    private static final int RIL_WORD = 3;

    private static final Optional<Api> API = Api.load();

    /**
     * Handles not in use, at most one per core (at least two). A handle is not tied to a thread:
     * the worker threads that read come and go (a pool shrinks when idle), and a handle kept per
     * thread was lost with its thread, 13 MiB of native memory each, while the next thread spent
     * 80-300 ms making its own. A burst of more readers than this makes handles that are freed
     * after use.
     */
    private final BlockingQueue<MemorySegment> idle =
            new ArrayBlockingQueue<>(Math.max(2, Runtime.getRuntime().availableProcessors()));
    private final String dataPath;
    /** Why no handle can be made here, once one attempt has failed; null until then. */
    private volatile String unusable;
    /** Handles this reader has tried to make, and handles it has freed: for tests. */
    final AtomicInteger attempts = new AtomicInteger();
    final AtomicInteger freed = new AtomicInteger();
    /** The most handles alive (in use or idle) when one was made: for tests. */
    final AtomicInteger mostAlive = new AtomicInteger();

    private Tesseract(String dataPath) {
        this.dataPath = dataPath;
    }

    private static final Optional<TextReader> SHARED = API.map(api -> new Tesseract(null));

    /**
     * Tesseract, if its library loads here; empty otherwise. One reader for the process, whose
     * handles are made when a read finds none idle, and kept for the next read (up to one per core).
     */
    public static Optional<TextReader> available() {
        return SHARED;
    }

    /** A reader that looks for its models in this directory instead of Tesseract's own: for tests. */
    static Tesseract withModelsIn(String dataPath) {
        API.orElseThrow(() -> new IllegalStateException("libtesseract is not available"));
        return new Tesseract(dataPath);
    }

    /**
     * Whether a handle can be made here: loads the English model once and lets it go. For the
     * start-up log, off the path to ready; the reads do not depend on it.
     */
    public static Optional<String> problem() {
        if (API.isEmpty()) {
            return Optional.of("libtesseract is not available");
        }
        Tesseract probe = new Tesseract(null);
        try {
            MemorySegment h = probe.newHandle();
            API.get().delete.invokeExact(h);
            return Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.of(e.getMessage());
        } catch (Throwable e) {
            return Optional.of("Tesseract could not be released: " + e);
        }
    }

    /** The version the loaded library reports, for the log. */
    public static String version() {
        return API.map(Api::version).orElse("not available");
    }

    @Override
    public List<Word> read(byte[] grey, int width, int height) {
        MemorySegment h = acquire();
        List<Word> words;
        try {
            words = read(h, grey, width, height);
        } catch (RuntimeException | Error e) {
            try {
                release(h, false);
            } catch (RuntimeException released) {
                e.addSuppressed(released);
            }
            throw e;
        }
        release(h, true);
        return words;
    }

    private static List<Word> read(MemorySegment h, byte[] grey, int width, int height) {
        Api api = API.orElseThrow();
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
                // Freed however the walk ends: a handle whose read failed is freed too, and the
                // iterator is the caller's to delete (capi.h).
                try {
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
                } finally {
                    api.deleteIterator.invokeExact(it);
                }
            }
            api.clear.invokeExact(h);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("Tesseract failed", e);
        }
        return words;
    }

    /**
     * An idle handle, or a new one when none is idle; the reason as Unavailable once making one
     * has failed. The caller has it alone until {@link #release}.
     */
    MemorySegment acquire() {
        String reason = unusable;
        if (reason != null) {
            throw new Unavailable(reason);
        }
        MemorySegment h = idle.poll();
        if (h != null) {
            return h;
        }
        try {
            return newHandle();
        } catch (IllegalStateException e) {
            // Initialising costs up to 300 ms: a missing model must not cost that on every read.
            // The failures are all of the installation (no model, a variable this version does not
            // know), so no later attempt would do better; said once, for the operator.
            if (unusable == null) {
                System.getLogger(Tesseract.class.getName()).log(System.Logger.Level.WARNING,
                        "Tesseract cannot read here ({0}): images that show lines of text are withheld", e.getMessage());
            }
            unusable = e.getMessage();
            throw new Unavailable(e.getMessage());
        }
    }

    /**
     * Back to the idle handles after a read that went through; freed when the read failed (its
     * state is unknown) or when as many handles as cores are idle already.
     */
    void release(MemorySegment h, boolean sound) {
        if (sound && idle.offer(h)) {
            return;
        }
        freed.incrementAndGet();
        try {
            API.orElseThrow().delete.invokeExact(h);
        } catch (Throwable e) {
            throw new IllegalStateException("Tesseract could not be released", e);
        }
    }

    /** Handles kept for the next read: for tests. */
    int idleHandles() {
        return idle.size();
    }

    /** Frees the idle handles: for tests, whose readers are not the process's one. */
    void freeIdle() {
        for (MemorySegment h = idle.poll(); h != null; h = idle.poll()) {
            release(h, false);
        }
    }

    private MemorySegment newHandle() {
        int made = attempts.incrementAndGet();
        mostAlive.accumulateAndGet(made - freed.get(), Math::max);
        Api api = API.orElseThrow(() -> new IllegalStateException("libtesseract is not available"));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment h = (MemorySegment) api.create.invokeExact();
            MemorySegment path = dataPath == null ? MemorySegment.NULL : arena.allocateFrom(dataPath);
            int rc = (int) api.init.invokeExact(h, path, arena.allocateFrom("eng"));
            if (rc != 0) {
                api.delete.invokeExact(h);
                throw new IllegalStateException("Tesseract's English model is not installed (tesseract-ocr-eng)");
            }
            try {
                set(api, h, arena, "debug_file", "/dev/null");
                // Inverted text is inverted by the caller: Tesseract's own second pass doubles the cost.
                set(api, h, arena, "tessedit_do_invert", "0");
                api.setPageSegMode.invokeExact(h, PSM_SINGLE_LINE);
            } catch (Throwable e) {
                api.delete.invokeExact(h);
                throw e;
            }
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

    /**
     * The C functions Veil calls (tesseract/capi.h), and libc's setenv: declared here, looked up
     * once at run time. Reading the declarations does not initialise {@link Tesseract}.
     */
    public static final class Functions {
        private Functions() {
        }

        public static ForeignLibrary tesseract() {
            return new ForeignLibrary("libtesseract.so.5", List.of(
                    function("TessVersion", ADDRESS),
                    function("TessBaseAPICreate", ADDRESS),
                    function("TessBaseAPIInit3", JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
                    function("TessBaseAPISetVariable", JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
                    function("TessBaseAPISetPageSegMode", null, ADDRESS, JAVA_INT),
                    function("TessBaseAPISetImage", null, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
                    function("TessBaseAPIRecognize", JAVA_INT, ADDRESS, ADDRESS),
                    function("TessBaseAPIGetIterator", ADDRESS, ADDRESS),
                    function("TessResultIteratorGetPageIterator", ADDRESS, ADDRESS),
                    function("TessResultIteratorGetUTF8Text", ADDRESS, ADDRESS, JAVA_INT),
                    function("TessResultIteratorConfidence", JAVA_FLOAT, ADDRESS, JAVA_INT),
                    function("TessPageIteratorBoundingBox", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS),
                    function("TessResultIteratorNext", JAVA_INT, ADDRESS, JAVA_INT),
                    function("TessResultIteratorDelete", null, ADDRESS),
                    function("TessDeleteText", null, ADDRESS),
                    function("TessBaseAPIClear", null, ADDRESS),
                    function("TessBaseAPIDelete", null, ADDRESS)));
        }

        /** setenv(3), to limit OpenMP before libtesseract loads libgomp. */
        public static ForeignLibrary libc() {
            return new ForeignLibrary(null, List.of(function("setenv", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT)));
        }
    }

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
            try {
                limitOpenMp();
                ForeignLibrary.Handles fn = Functions.tesseract().bind();
                return Optional.of(new Api(fn.get("TessVersion"), fn.get("TessBaseAPICreate"), fn.get("TessBaseAPIInit3"),
                        fn.get("TessBaseAPISetVariable"), fn.get("TessBaseAPISetPageSegMode"), fn.get("TessBaseAPISetImage"),
                        fn.get("TessBaseAPIRecognize"), fn.get("TessBaseAPIGetIterator"), fn.get("TessResultIteratorGetPageIterator"),
                        fn.get("TessResultIteratorGetUTF8Text"), fn.get("TessResultIteratorConfidence"),
                        fn.get("TessPageIteratorBoundingBox"), fn.get("TessResultIteratorNext"), fn.get("TessResultIteratorDelete"),
                        fn.get("TessDeleteText"), fn.get("TessBaseAPIClear"), fn.get("TessBaseAPIDelete")));
            } catch (RuntimeException | LinkageError e) {
                // no library, or no foreign-function support here: the feature is unavailable, and
                // what needs it is withheld rather than served unchecked
                return Optional.empty();
            }
        }

        /** OMP_THREAD_LIMIT=1 through libc's setenv, unless the environment already says otherwise. */
        private static void limitOpenMp() {
            if (System.getenv("OMP_THREAD_LIMIT") != null) {
                return;
            }
            try (Arena arena = Arena.ofConfined()) {
                int rc = (int) Functions.libc().bind().get("setenv")
                        .invokeExact(arena.allocateFrom("OMP_THREAD_LIMIT"), arena.allocateFrom("1"), 0);
            } catch (Throwable e) {
                // only a speed matter: OCR still works with more threads
            }
        }
    }
}
