package org.veil.dicom;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A shared library's C functions as Veil calls them through the foreign-function API, each
 * declared once by name and descriptor, and bound at run time: the library opened, each symbol
 * looked up. Declaring touches no library; binding fails as a whole when the library, one of its
 * functions or foreign calls themselves are missing (the native executable built here has none:
 * docs/deployment.md), and the caller then goes without the feature.
 *
 * @param soname the library's file name, or null for the C library already loaded (libc)
 */
public record ForeignLibrary(String soname, List<Function> functions) {

    /** A C function's name and the layouts of its result (none for void) and arguments. */
    public record Function(String name, FunctionDescriptor descriptor) {
    }

    public static Function function(String name, MemoryLayout result, MemoryLayout... args) {
        return new Function(name, result == null ? FunctionDescriptor.ofVoid(args) : FunctionDescriptor.of(result, args));
    }

    /**
     * The library opened (for the life of the process) and every function looked up: the handles
     * by name. Throws when the library or one of its functions is missing, or when foreign calls
     * are not possible here.
     */
    public Handles bind() {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lookup = soname == null ? linker.defaultLookup() : SymbolLookup.libraryLookup(soname, Arena.global());
        Map<String, MethodHandle> handles = new HashMap<>();
        for (Function f : functions) {
            handles.put(f.name(), linker.downcallHandle(lookup.find(f.name())
                    .orElseThrow(() -> new IllegalStateException((soname == null ? "libc" : soname) + " has no " + f.name())),
                    f.descriptor()));
        }
        return new Handles(Map.copyOf(handles));
    }

    /** A bound library's handles by function name. */
    public record Handles(Map<String, MethodHandle> byName) {
        /** The handle of a declared function; a name that was not declared is a mistake in the caller. */
        public MethodHandle get(String name) {
            MethodHandle h = byName.get(name);
            if (h == null) {
                throw new IllegalStateException(name + " is not declared");
            }
            return h;
        }
    }

    /** CharLS's JPEG-LS decoder (charls/charls_jpegls_decoder.h), as {@link CharLs} calls it. */
    public static ForeignLibrary charls() {
        return new ForeignLibrary("libcharls.so.2", List.of(
                function("charls_jpegls_decoder_create", ADDRESS),
                function("charls_jpegls_decoder_destroy", null, ADDRESS),
                function("charls_jpegls_decoder_set_source_buffer", JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG),
                function("charls_jpegls_decoder_read_header", JAVA_INT, ADDRESS),
                function("charls_jpegls_decoder_get_frame_info", JAVA_INT, ADDRESS, ADDRESS),
                function("charls_jpegls_decoder_get_interleave_mode", JAVA_INT, ADDRESS, ADDRESS),
                function("charls_jpegls_decoder_get_destination_size", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS),
                function("charls_jpegls_decoder_decode_to_buffer", JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT)));
    }
}
