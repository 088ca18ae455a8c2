package org.veil.dicom;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Declared C functions bind with their declared types, or not at all. */
public class ForeignLibraryTest {

    /** Every function the library declares binds, with the type it is declared with: for each declared library. */
    public static void assertEveryFunctionBindsWithItsType(ForeignLibrary library) {
        Map<String, MethodHandle> handles = library.bind().byName();
        assertThat(handles).hasSameSizeAs(library.functions());
        for (ForeignLibrary.Function f : library.functions()) {
            assertThat(handles.get(f.name()).type()).as(f.name()).isEqualTo(f.descriptor().toMethodType());
        }
    }

    @Test
    void charlsBindsEveryDeclaredFunctionWithItsType() {
        assertEveryFunctionBindsWithItsType(ForeignLibrary.charls());
    }

    @Test
    void withoutALibraryPathTheCLibraryIsSearched() {
        ForeignLibrary libc = new ForeignLibrary(null, List.of(ForeignLibrary.function("getpid", JAVA_INT)));
        assertThat(libc.bind().byName()).containsOnlyKeys("getpid");
    }

    @Test
    void aNameThatWasNotDeclaredIsAMistakeNotANullHandle() {
        ForeignLibrary.Handles handles = ForeignLibrary.charls().bind();
        assertThatThrownBy(() -> handles.get("charls_jpegls_decoder_create_typo")).isInstanceOf(IllegalStateException.class)
                .hasMessage("charls_jpegls_decoder_create_typo is not declared");
    }

    @Test
    void aMissingFunctionOrLibraryBindsNothing() {
        ForeignLibrary wrongName = new ForeignLibrary("libcharls.so.2", List.of(
                ForeignLibrary.function("charls_jpegls_decoder_create", ADDRESS),
                ForeignLibrary.function("charls_no_such_function", null, ADDRESS)));
        assertThatThrownBy(wrongName::bind).isInstanceOf(IllegalStateException.class)
                .hasMessage("libcharls.so.2 has no charls_no_such_function");
        ForeignLibrary absent = new ForeignLibrary("libveil-absent.so.9", List.of(ForeignLibrary.function("f", JAVA_INT)));
        assertThatThrownBy(absent::bind).isInstanceOf(IllegalArgumentException.class);
    }
}
