package org.veil.derivatives;

import org.veil.deid.Deidentifier;
import org.veil.deid.Keys;
import org.veil.deid.Profile;
import org.veil.deid.Profiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.channels.FileChannel;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;
import org.veil.dicomweb.IndexReset;
import org.veil.storage.BlobStore;

/** The derivative cache on the real database and file store, with instances stored through STOW. */
@QuarkusTest
class DerivativeStoreTest {
    private static final String STUDY = "1.2.826.0.1.3680043.99.5";
    /** A second study, of another patient: patient attributes are kept per study. */
    private static final String OTHER_STUDY = "1.2.826.0.1.3680043.99.6";

    @Inject
    Deidentification deid;
    @Inject
    AgroalDataSource db;
    @Inject
    BlobStore blobs;
    @Inject
    Transactions tx;
    private final IndexReset reset = new IndexReset();

    private DerivativeStore store;
    private final Profile teaching = Profiles.defaults().get("teaching").orElseThrow();

    @BeforeEach
    void storeAStudy() throws Exception {
        reset.reset();
        store = deid.store().orElseThrow();
        List<byte[]> files = List.of(ct(1, "P-1"), ct(2, "P-1"),
                Part10Editor.read(TestData.file("real/simpleImageWithIcon.dcm")).set(Tag.StudyInstanceUID, STUDY)
                        .set(Tag.PatientID, "P-1").toBytes());
        assertThat(DicomWebClient.stow(files.toArray(byte[][]::new)).statusCode()).isEqualTo(200);
        assertThat(DicomWebClient.stow(Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm"))
                .set(Tag.StudyInstanceUID, OTHER_STUDY).set(Tag.SeriesInstanceUID, OTHER_STUDY + ".1")
                .set(Tag.SOPInstanceUID, sop(3)).set(Tag.PatientID, "P-2").toBytes()).statusCode()).isEqualTo(200);
    }

    @Test
    void aDerivativeIsMadeOnceThenServedFromTheCache() throws Exception {
        Derivative first = store.derive(sop(1), teaching, "teaching").orElseThrow();
        assertThat(first.cached()).isFalse();
        assertThat(first.withheld()).isFalse();
        assertThat(first.derivedSopUid()).startsWith("2.25.");
        Derivative second = store.derive(sop(1), teaching, "teaching").orElseThrow();
        assertThat(second.cached()).isTrue();
        assertThat(second.storageKey()).isEqualTo(first.storageKey());
        byte[] bytes = blobs.readAll(first.storageKey());
        assertThat(Part10Editor.read(bytes).root().string(Tag.SOPInstanceUID)).contains(first.derivedSopUid());
        assertThat(store.originalOf(first.derivedSopUid())).contains(sop(1));
        assertThat(store.originalOf(first.derivedStudyUid())).contains(STUDY);
        assertThat(store.originalOf("2.25.1")).isEmpty();
        assertThat(store.derive("1.2.3.4.5.6.7", teaching, "teaching")).isEmpty();
    }

    /** A view's build makes its study's derivatives in one batch: one journal, one round of flushes, one transaction. */
    @Test
    void aBatchMakesEachInstanceInOrderWithTheWithheldAndWithoutTheUnknown() throws Exception {
        String icon = Part10Editor.read(TestData.file("real/simpleImageWithIcon.dcm")).root().string(Tag.SOPInstanceUID).orElseThrow();
        List<String> asked = List.of(sop(2), "1.2.3.4.5.6.7", icon, sop(1));
        List<Derivative> made = store.deriveAll(asked, teaching, "teaching");
        assertThat(made).extracting(Derivative::originalSopUid).containsExactly(sop(2), icon, sop(1));
        assertThat(made).noneMatch(Derivative::cached);
        assertThat(made).extracting(Derivative::withheld).containsExactly(false, true, false);
        for (Derivative d : List.of(made.get(0), made.get(2))) {
            assertThat(Part10Editor.read(blobs.readAll(d.storageKey())).root().string(Tag.SOPInstanceUID)).contains(d.derivedSopUid());
            assertThat(store.originalOf(d.derivedSopUid())).contains(d.originalSopUid());
        }
        assertThat(made.get(0).storageKey()).isNotEqualTo(made.get(2).storageKey());

        List<Derivative> again = store.deriveAll(asked, teaching, "teaching");
        assertThat(again).allMatch(Derivative::cached);
        assertThat(again).extracting(Derivative::storageKey).containsExactlyElementsOf(made.stream().map(Derivative::storageKey).toList());
        assertThat(again.get(1).withheldReason()).isEqualTo(made.get(1).withheldReason());
    }

    /** More instances than one batch holds: the batches follow each other and every instance is made once. */
    @Test
    void aStudyLargerThanABatchIsMadeInSeveralBatches() throws Exception {
        List<byte[]> files = new java.util.ArrayList<>();
        List<String> sops = new java.util.ArrayList<>();
        for (int n = 10; n < 44; n++) {
            files.add(ct(n, "P-1"));
            sops.add(sop(n));
        }
        assertThat(DicomWebClient.stow(files.toArray(byte[][]::new)).statusCode()).isEqualTo(200);
        List<Derivative> made = store.deriveAll(sops, teaching, "teaching");
        assertThat(made).hasSize(34).noneMatch(Derivative::cached).noneMatch(Derivative::withheld);
        assertThat(made).extracting(Derivative::originalSopUid).containsExactlyElementsOf(sops);
        assertThat(made.stream().map(Derivative::storageKey).distinct()).hasSize(34);
        assertThat(store.deriveAll(sops, teaching, "teaching")).hasSize(34).allMatch(Derivative::cached);
    }

    /** An instance that fails to be made fails the call, but those made before it in its batch are kept. */
    @Test
    void aFailingInstanceKeepsThoseMadeBeforeItInItsBatch() throws Exception {
        int[] reads = {0};
        BlobStore failingSecondRead = intercepted((method, args) -> {
            if (method.equals("readAll") && ++reads[0] == 2) {
                throw new java.io.IOException("the disk went away");
            }
        }, (method, args) -> { });
        DerivativeStore broken = new DerivativeStore(db, tx, failingSecondRead, store.engine(), 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> broken.deriveAll(List.of(sop(1), sop(2)), teaching, "teaching"))
                .isInstanceOf(java.io.IOException.class);
        assertThat(reads[0]).isEqualTo(2);
        List<Derivative> after = store.deriveAll(List.of(sop(1), sop(2)), teaching, "teaching");
        assertThat(after).extracting(Derivative::cached).containsExactly(true, false);
        assertThat(exists(after.get(0).storageKey())).isTrue();
    }

    @Test
    void aWithheldInstanceIsRememberedWithItsReason() throws Exception {
        String icon = Part10Editor.read(TestData.file("real/simpleImageWithIcon.dcm")).root().string(Tag.SOPInstanceUID).orElseThrow();
        Derivative first = store.derive(icon, teaching, "teaching").orElseThrow();
        assertThat(first.withheldReason()).hasValueSatisfying(r -> assertThat(r).contains("secondary capture"));
        Derivative again = store.derive(icon, teaching, "teaching").orElseThrow();
        assertThat(again.cached()).isTrue();
        assertThat(again.withheldReason()).isEqualTo(first.withheldReason());
        assertThat(again.storageKey()).isNull();
    }

    @Test
    void invalidationByStudyPatientAndContextRemovesRowsAndFiles() throws Exception {
        Derivative a = store.derive(sop(1), teaching, "teaching").orElseThrow();
        Derivative b = store.derive(sop(3), teaching, "teaching").orElseThrow();
        Derivative c = store.derive(sop(2), teaching, "share-7").orElseThrow();
        assertThat(store.cache().invalidatePatient("", "P-2")).isEqualTo(1);
        assertThat(exists(b.storageKey())).isFalse();
        assertThat(exists(a.storageKey())).isTrue();
        assertThat(store.cache().invalidateContext("share-7")).isEqualTo(1);
        assertThat(exists(c.storageKey())).isFalse();
        assertThat(store.cache().invalidateStudy(STUDY)).isEqualTo(1);
        assertThat(exists(a.storageKey())).isFalse();
        assertThat(store.derive(sop(1), teaching, "teaching").orElseThrow().cached()).isFalse();
    }

    /**
     * Dropping derivatives deletes their rows, then their files. Whatever stops in between (a
     * SIGKILL, a storage error, here a failing delete) leaves the keys journalled, and recovery
     * deletes the files no row refers to: no orphan (KillLoopIT checks the same under SIGKILL).
     */
    @Test
    void aFileOutlivingItsRowIsLeftToRecoveryNotOrphaned() throws Exception {
        Derivative a = store.derive(sop(1), teaching, "teaching").orElseThrow();
        BlobStore failingDeletes = intercepted((method, args) -> {
            if (method.equals("delete")) {
                throw new java.io.IOException("storage went away");
            }
        }, (method, args) -> { });
        DerivativeStore broken = new DerivativeStore(db, tx, failingDeletes, store.engine(), 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> broken.cache().invalidateStudy(STUDY))
                .isInstanceOf(java.io.IOException.class);
        assertThat(exists(a.storageKey())).as("the file outlived its row").isTrue();
        assertThat(deid.isStorageKeyUsed(a.storageKey())).isFalse();

        assertThat(blobs.recover(key -> {
            try {
                return deid.isStorageKeyUsed(key);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })).isEqualTo(1);
        assertThat(exists(a.storageKey())).isFalse();
    }

    /**
     * A batch whose publication fails after its files are in place (here the flush of their
     * directories) commits no row and leaves no file: the keys journalled before are deleted
     * again, and nothing is left for a withdrawal to miss.
     */
    @Test
    void aBatchThatFailsToPublishLeavesNeitherRowsNorFiles() throws Exception {
        List<String> published = new java.util.ArrayList<>();
        BlobStore failingPublish = intercepted((method, args) -> { }, (method, args) -> {
            if (method.equals("publish")) {
                for (Object blob : (java.util.Collection<?>) args[0]) {
                    published.add(BlobStore.keyOf((org.veil.storage.StagedBlob) blob));
                }
                throw new java.io.IOException("the directory could not be flushed");
            }
        });
        DerivativeStore broken = new DerivativeStore(db, tx, failingPublish, store.engine(), 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> broken.deriveAll(List.of(sop(1), sop(2)), teaching, "teaching"))
                .isInstanceOf(java.io.IOException.class);
        assertThat(published).hasSize(2);
        for (String key : published) {
            assertThat(exists(key)).as("a file of the failed batch").isFalse();
        }
        try (var c = db.getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM derivative WHERE context = 'teaching'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
        assertThat(store.deriveAll(List.of(sop(1), sop(2)), teaching, "teaching")).noneMatch(Derivative::cached).hasSize(2);
    }

    @Test
    void theCacheStaysWithinItsBoundEvictingTheLeastRecentlyUsed() throws Exception {
        Derivative one = store.derive(sop(1), teaching, "teaching").orElseThrow();
        long size = one.sizeBytes();
        Deidentifier engine = Deidentifier.standard(new Keys("veil-test-deid-secret-0123456789".getBytes()));
        DerivativeStore bounded = new DerivativeStore(db, tx, blobs, engine, size * 2 + size / 2);
        bounded.derive(sop(2), teaching, "teaching");
        bounded.derive(sop(3), teaching, "teaching");
        assertThat(bounded.cache().cachedBytes()).isLessThanOrEqualTo(size * 2 + size / 2);
        assertThat(exists(one.storageKey())).as("the oldest derivative was evicted").isFalse();
        assertThat(bounded.derive(sop(3), teaching, "teaching").orElseThrow().cached()).isTrue();
    }

    /**
     * A view whose study does not fit the cache evicts its own derivatives as it is built, at every
     * try: that is the server's state, answered 503 with a reason (CacheTooSmall), not a 500.
     */
    @Test
    void aViewLargerThanTheCacheIsRefusedAsTheServersState() throws Exception {
        long size = store.derive(sop(1), teaching, "teaching").orElseThrow().sizeBytes();
        Deidentifier engine = Deidentifier.standard(new Keys("veil-test-deid-secret-0123456789".getBytes()));
        DerivativeStore tiny = new DerivativeStore(db, tx, blobs, engine, size / 2);
        DerivedViews views = new DerivedViews(db, tx, blobs, tiny, org.veil.dicom.DicomReader.Limits.DEFAULT, gate);
        assertThatThrownBy(() -> views.ensure(STUDY, teaching, "teaching", () -> true))
                .isInstanceOf(DerivedViews.CacheTooSmall.class).hasMessageContaining("do not fit the derivative cache");
    }

    @Inject
    org.veil.dicom.ComputeGate gate;

    @Test
    void racingRequestsMakeOneDerivative() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Derivative>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> store.derive(sop(2), teaching, "teaching").orElseThrow()));
            }
            Set<String> keys = new HashSet<>();
            for (Future<Derivative> f : results) {
                keys.add(f.get().storageKey());
            }
            assertThat(keys).hasSize(1);
            assertThat(exists(keys.iterator().next())).isTrue();
        } finally {
            pool.shutdown();
        }
        try (var c = db.getConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM derivative WHERE context = 'teaching'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void aMissingFileIsMadeAgain() throws Exception {
        Derivative first = store.derive(sop(1), teaching, "teaching").orElseThrow();
        blobs.delete(first.storageKey());
        Derivative again = store.derive(sop(1), teaching, "teaching").orElseThrow();
        assertThat(again.cached()).isFalse();
        assertThat(exists(again.storageKey())).isTrue();
    }

    /** What a test's blob store does around one call of the real one: it may throw instead. */
    @FunctionalInterface
    private interface Hook {
        void run(String method, Object[] args) throws java.io.IOException;
    }

    /** The real blob store, with {@code before} run ahead of every call and {@code after} once it has returned. */
    private BlobStore intercepted(Hook before, Hook after) {
        return (BlobStore) java.lang.reflect.Proxy.newProxyInstance(BlobStore.class.getClassLoader(),
                new Class<?>[] {BlobStore.class}, (proxy, method, args) -> {
                    before.run(method.getName(), args);
                    Object result;
                    try {
                        result = method.invoke(blobs, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                    after.run(method.getName(), args);
                    return result;
                });
    }

    private static String sop(int n) {
        return (n == 3 ? OTHER_STUDY : STUDY) + ".1." + n;
    }

    private static byte[] ct(int n, String patient) throws Exception {
        return Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm"))
                .set(Tag.StudyInstanceUID, STUDY).set(Tag.SeriesInstanceUID, STUDY + ".1")
                .set(Tag.SOPInstanceUID, sop(n)).set(Tag.PatientID, patient).toBytes();
    }

    private boolean exists(String key) {
        try (FileChannel ch = blobs.open(key)) {
            return ch.size() > 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

}
