package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veil.TempTree;
import org.veil.TestData;
import org.veil.dicom.ComputeGate;
import org.veil.dicom.Part10Editor;
import org.veil.index.StoredInstance;
import org.veil.storage.BlobStore;
import org.veil.storage.FileBlobStore;
import org.veil.storage.StagedBlob;

/**
 * The cache of recently decoded instances is bounded by what its entries hold: a file whose
 * header claims one small frame but which carries 700 KB besides is weighed at 700 KB, so two of
 * them do not both stay in a cache of 1 MiB (weighed by their 8 KB of samples, a few hundred would).
 */
class DecodedCacheWeightTest {

    @Test
    void entriesAreWeighedByWhatTheFileHolds() throws Exception {
        Path root = Files.createTempDirectory("veil-decoded");
        try {
            FileBlobStore store = new FileBlobStore(root);
            DicomWebConfig config = (DicomWebConfig) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {DicomWebConfig.class},
                    (proxy, method, args) -> method.getName().equals("maxRenderDecodedBytes") ? 1L << 20 : null);
            ExplicitTranscoding transcoding = new ExplicitTranscoding(store, config, new ComputeGate(1, 4, 10_000));
            StoredInstance a = stored(store, "2.25.7001");
            StoredInstance b = stored(store, "2.25.7002");
            Part10Editor first = transcoding.decodedInstance(a);
            assertThat(transcoding.decodedInstance(a)).as("kept while it fits").isSameAs(first);
            transcoding.decodedInstance(b);
            cache(transcoding).cleanUp();
            assertThat(cache(transcoding).estimatedSize()).as("two files of 700 KB in 1 MiB").isEqualTo(1);
        } finally {
            TempTree.delete(root);
        }
    }

    private static StoredInstance stored(BlobStore store, String sop) throws Exception {
        byte[] file = Part10Editor.read(TestData.file("pydicom/MR_small.dcm")).set(org.veil.dicom.Tag.SOPInstanceUID, sop).toBytes();
        // 700 KB after Pixel Data: read with the file, counted by no attribute of the header.
        byte[] extra = privateBlock(700_000);
        StagedBlob blob = store.stage();
        blob.output().write(file);
        blob.output().write(extra);
        blob.seal();
        String key = BlobStore.keyOf(blob);
        store.publish(List.of(blob));
        return new StoredInstance(1, "2.25.1", "2.25.1.1", sop, "1.2.840.10008.1.2.1", key, file.length + extra.length, 0, "", "", 0);
    }

    private static byte[] privateBlock(int length) {
        // (7FE1,0010) LO creator, (7FE1,1000) OB value: after Pixel Data in tag order.
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12 + 8 + 12 + length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0x7FE1).putShort((short) 0x0010).put("LO".getBytes()).putShort((short) 8).put("VEILTEST".getBytes());
        b.putShort((short) 0x7FE1).putShort((short) 0x1000).put("OB".getBytes()).putShort((short) 0).putInt(length).put(new byte[length]);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    @SuppressWarnings("unchecked")
    private static com.github.benmanes.caffeine.cache.Cache<String, ?> cache(ExplicitTranscoding t) throws Exception {
        java.lang.reflect.Field f = ExplicitTranscoding.class.getDeclaredField("recentlyDecoded");
        f.setAccessible(true);
        return (com.github.benmanes.caffeine.cache.Cache<String, ?>) f.get(t);
    }
}
