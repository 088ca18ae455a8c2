package org.veil.dicomweb;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.veil.dicom.ComputeGate;
import org.veil.dicom.ExplicitLittleEndianCopy;
import org.veil.dicom.MalformedDicomException;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.PixelDataTooLargeException;
import org.veil.dicom.TransferSyntax;
import org.veil.dicom.UndecodablePixelDataException;
import org.veil.index.StoredInstance;
import org.veil.storage.BlobStore;

/**
 * Stored instances brought to Explicit VR Little Endian for retrieval (PS3.18 8.7.3.4): which way
 * each one goes, the rewrite of Implicit VR and Deflated data sets, and decoding, in turns at the
 * compute gate and within veil.dicomweb.max-render-decoded-bytes. Decoded instances are kept for
 * half a minute after their last use, so that frames read one by one decode an instance once.
 */
@ApplicationScoped
public class ExplicitTranscoding {
    /** How an instance reaches Explicit VR Little Endian, if it can. */
    enum Route { ALREADY, REWRITE, DECODE, NONE }

    private final BlobStore store;
    private final DicomWebConfig config;
    private final ComputeGate gate;
    /**
     * Instances decoded for frames in the last half minute, by storage key (an object never
     * changes under its key): a viewer or a client that reads a compressed cine frame by frame
     * decodes it once, not once per frame. Bounded by the decoding bound's worth of memory, each
     * entry weighed by its decoded samples or its stored bytes, whichever is more: PixelMed holds
     * the whole file, and a header claiming one small frame does not make a 250 MB file light.
     */
    private final com.github.benmanes.caffeine.cache.Cache<String, Decoded> recentlyDecoded;

    private record Decoded(Part10Editor editor, long bytes) {
    }

    public ExplicitTranscoding(BlobStore store, DicomWebConfig config, ComputeGate gate) {
        this.store = store;
        this.config = config;
        this.gate = gate;
        this.recentlyDecoded = com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
                .maximumWeight(config.maxRenderDecodedBytes())
                .weigher((String key, Decoded d) -> (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.bytes())))
                .expireAfterAccess(java.time.Duration.ofSeconds(30)).build();
    }

    /**
     * Explicit VR Little Endian as stored; Implicit VR and Deflated rewritten without decoding;
     * what Veil decodes, within the decoding bound, decoded. Lossy pixel data is decoded only when
     * Explicit VR Little Endian is {@code named}: by default it stays as stored, as PS3.18 8.7.3.4
     * permits, in the syntax that shows what it lost (JPEG 2000 .91 counts as lossy: the syntax
     * allows it, and the index does not say which coding an instance used).
     */
    Route route(StoredInstance i, boolean named) {
        Optional<TransferSyntax> ts = TransferSyntax.forUid(i.transferSyntaxUid());
        if (ts.isEmpty()) {
            return Route.NONE;
        }
        if (ts.get() == TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN) {
            return Route.ALREADY;
        }
        if (ExplicitLittleEndianCopy.copies(ts.get())) {
            return Route.REWRITE;
        }
        if ((named || !ts.get().isLossy()) && Part10Editor.canDecode(ts.get().uid())
                && i.sizeBytes() <= config.maxRenderDecodedBytes()) {
            return Route.DECODE;
        }
        return Route.NONE;
    }

    /**
     * The instance's rewrite in Explicit VR Little Endian, its header read; null when the header
     * does not read within Veil's bounds (then it is sent as stored, its part saying so).
     */
    ExplicitLittleEndianCopy rewriteOrNull(FileChannel ch) throws IOException {
        try {
            return ExplicitLittleEndianCopy.prepare(ch, config.readerLimits());
        } catch (MalformedDicomException e) {
            return null;
        }
    }

    /** 406 unless every one of these Implicit VR or Deflated instances can be rewritten. */
    void requireRewritable(List<StoredInstance> toRewrite) throws NotAcceptableException, IOException {
        for (StoredInstance i : toRewrite) {
            try (FileChannel ch = store.open(i.storageKey())) {
                if (rewriteOrNull(ch) == null) {
                    throw new NotAcceptableException("an instance cannot be written in Explicit VR Little Endian;"
                            + " ask for it in its stored syntax (transfer-syntax=*)");
                }
            }
        }
    }

    /**
     * By default, one instance decoded and written in Explicit VR Little Endian while the answer
     * streams, in a turn at the compute gate of its own; null when it cannot be, for whatever reason
     * (busy, beyond the decoding bound, a codestream that does not decode), and then it is sent as
     * stored. So the default never fails a whole answer, and holds one decoded instance at a time.
     */
    byte[] decodedOrNull(StoredInstance i) {
        try (ComputeGate.Turn turn = gate.enter()) {
            return read(i, config.maxRenderDecodedBytes()).toBytes();
        } catch (UndecodablePixelDataException | MalformedDicomException | IOException | RuntimeException e) {
            // RuntimeException includes the gate's BusyException and codec failures.
            return null;
        }
    }

    /**
     * The instances given, decoded and written in Explicit VR Little Endian, in one turn at the
     * compute gate, when that syntax was named; the answer may hold at most
     * veil.dicomweb.max-render-decoded-bytes of them, and an instance beyond that bound or that
     * does not decode makes the request 406 (ask for fewer, or in the stored syntax). Decoded lossy
     * pixels stay marked lossy: Lossy Image Compression "01" (PS3.3 C.7.6.1.1.5), whatever the
     * stored data set said.
     */
    Map<Long, byte[]> decodeAll(List<StoredInstance> toDecode) throws UndecodablePixelDataException, IOException,
            NotAcceptableException {
        Map<Long, byte[]> out = new HashMap<>();
        if (toDecode.isEmpty()) {
            return out;
        }
        String tooMuch = " bytes; ask for fewer at a time, or in their stored syntax (transfer-syntax=*)";
        long total = 0;
        try (ComputeGate.Turn turn = gate.enter()) {
            for (StoredInstance i : toDecode) {
                Part10Editor decoded;
                try {
                    decoded = read(i, config.maxRenderDecodedBytes() - total);
                } catch (PixelDataTooLargeException e) {
                    throw new NotAcceptableException("decoded, these instances would hold more than "
                            + config.maxRenderDecodedBytes() + tooMuch);
                } catch (MalformedDicomException e) {
                    throw new UndecodablePixelDataException("a stored instance cannot be read for transcoding");
                }
                if (TransferSyntax.forUid(i.transferSyntaxUid()).map(TransferSyntax::isLossy).orElse(false)) {
                    decoded.set(0x00282110, "01");
                }
                byte[] bytes = decoded.toBytes();
                total += bytes.length;
                if (total > config.maxRenderDecodedBytes()) {
                    throw new NotAcceptableException("transcoded, these instances would hold more than "
                            + config.maxRenderDecodedBytes() + tooMuch);
                }
                out.put(i.id(), bytes);
            }
        }
        return out;
    }

    /** The instance decoded, from the half-minute cache or in a turn at the compute gate. */
    Part10Editor decodedInstance(StoredInstance i) throws UndecodablePixelDataException, IOException {
        Decoded cached = recentlyDecoded.getIfPresent(i.storageKey());
        if (cached != null) {
            return cached.editor();
        }
        Part10Editor decoded;
        try (ComputeGate.Turn turn = gate.enter()) {
            decoded = read(i, config.maxRenderDecodedBytes());
        } catch (MalformedDicomException e) {
            throw new UndecodablePixelDataException("the stored instance cannot be read for decoding");
        }
        recentlyDecoded.put(i.storageKey(), new Decoded(decoded, Math.max(decoded.decodedPixelBytes(), i.sizeBytes())));
        return decoded;
    }

    /** The stored instance read with its pixels decoded, refused beyond {@code bound} decoded bytes. */
    private Part10Editor read(StoredInstance i, long bound) throws IOException, MalformedDicomException,
            UndecodablePixelDataException {
        return Part10Editor.readDecoded(store.readAll(i.storageKey()), bound);
    }
}
