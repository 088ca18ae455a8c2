package org.veil.dicomweb;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.StreamingOutput;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.veil.dicom.FrameIndex;
import org.veil.dicom.MultipartWriter;
import org.veil.dicom.RangeCopier;
import org.veil.dicom.TransferSyntax;
import java.sql.SQLException;
import org.veil.index.IndexTarget;
import org.veil.index.InstanceRepository;
import org.veil.index.StoredInstance;
import org.veil.storage.BlobStore;

/**
 * WADO-RS (PS3.18 10.4): finds what is asked for in the index and settles the response's status
 * and type before returning a stream, because nothing can be changed once bytes are written.
 */
@ApplicationScoped
public class RetrieveService {
    private static final int METADATA_CHUNK = 200;

    /** What a request reaches: the UIDs in its path, in the index the policy chose. */
    public record Target(IndexTarget index, InstanceRef ref) {
    }

    /** A response decided: its Content-Type and the body to stream. */
    public record Payload(String contentType, StreamingOutput body) {
    }

    private final InstanceRepository instances;
    private final BlobStore store;
    private final RequestAudit audit;

    public RetrieveService(InstanceRepository instances, BlobStore store, RequestAudit audit) {
        this.instances = instances;
        this.store = store;
        this.audit = audit;
    }

    public Payload instances(Target ref, String accept) throws UnknownResourceException, NotAcceptableException, SQLException {
        List<StoredInstance> found = find(ref);
        Negotiation.instances(accept, found.stream().map(StoredInstance::transferSyntaxUid).distinct().toList());
        String boundary = MultipartWriter.newBoundary();
        return new Payload("multipart/related; type=\"application/dicom\"; boundary=" + boundary, out -> {
            MultipartWriter mp = new MultipartWriter(out, boundary);
            for (StoredInstance i : found) {
                mp.startPart("application/dicom; transfer-syntax=" + i.transferSyntaxUid());
                try (FileChannel ch = store.open(i.storageKey())) {
                    RangeCopier.copyWhole(ch, mp.stream());
                }
            }
            mp.finish();
        });
    }

    public Payload metadata(Target ref, String accept, String baseUrl)
            throws UnknownResourceException, NotAcceptableException, SQLException {
        List<StoredInstance> found = find(ref);
        Negotiation.metadata(accept);
        List<Long> ids = found.stream().map(StoredInstance::id).toList();
        String bulkPrefix = "\"BulkDataURI\":\"" + baseUrl + "/";
        return new Payload("application/dicom+json", out -> {
            out.write('[');
            boolean first = true;
            for (int from = 0; from < ids.size(); from += METADATA_CHUNK) {
                List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + METADATA_CHUNK));
                for (String json : metadataOf(ref.index(), chunk)) {
                    if (!first) {
                        out.write(',');
                    }
                    first = false;
                    out.write(json.replace("\"BulkDataURI\":\"", bulkPrefix).getBytes(StandardCharsets.UTF_8));
                }
            }
            out.write(']');
        });
    }

    public Payload frames(Target ref, List<Integer> numbers, String accept)
            throws UnknownResourceException, NotAcceptableException, SQLException {
        StoredInstance i = find(ref).get(0);
        FrameIndex index = i.frameIndex();
        for (int n : numbers) {
            if (n > index.count()) {
                throw new UnknownResourceException("frame");
            }
        }
        TransferSyntax ts = TransferSyntax.forUid(i.transferSyntaxUid()).orElseThrow();
        String partType = Negotiation.frames(accept, ts);
        List<List<FrameIndex.Range>> ranges = new ArrayList<>();
        numbers.forEach(n -> ranges.add(index.frames().get(n - 1)));
        return multipartOfRanges(i, ts, partType, ranges);
    }

    public Payload bulkData(Target ref, String path, String accept)
            throws UnknownResourceException, NotAcceptableException, SQLException {
        StoredInstance i = find(ref).get(0);
        Map<String, FrameIndex.Range> bulk = i.bulkDataIndex();
        FrameIndex.Range range = bulk.get(path);
        if (range == null) {
            throw new UnknownResourceException("bulk data");
        }
        TransferSyntax ts = TransferSyntax.forUid(i.transferSyntaxUid()).orElseThrow();
        if (path.equals("7FE00010") && ts.isEncapsulated()) {
            // Pixel Data is served frame by frame, in its stored syntax (PS3.18 10.4.1.1.3).
            return multipartOfRanges(i, ts, Negotiation.frames(accept, ts), i.frameIndex().frames());
        }
        Negotiation.bulkData(accept);
        return multipartOfRanges(i, ts, Negotiation.OCTET_STREAM, List.of(List.of(range)));
    }

    private Payload multipartOfRanges(StoredInstance i, TransferSyntax ts, String partType,
                                      List<List<FrameIndex.Range>> parts) {
        String boundary = MultipartWriter.newBoundary();
        String type = partType.substring(0, partType.indexOf(';') < 0 ? partType.length() : partType.indexOf(';'));
        return new Payload("multipart/related; type=\"" + type + "\"; boundary=" + boundary, out -> {
            MultipartWriter mp = new MultipartWriter(out, boundary);
            try (FileChannel ch = store.open(i.storageKey())) {
                for (List<FrameIndex.Range> part : parts) {
                    mp.startPart(partType);
                    for (FrameIndex.Range r : part) {
                        RangeCopier.copy(ch, i.datasetOffset(), ts, r, mp.stream());
                    }
                }
            }
            mp.finish();
        });
    }

    private List<StoredInstance> find(Target target) throws UnknownResourceException, SQLException {
        InstanceRef ref = target.ref();
        List<StoredInstance> found = instances.find(target.index(), ref.study(), ref.series(), ref.instance());
        if (found.isEmpty()) {
            throw new UnknownResourceException(ref.level());
        }
        audit.instances(found.size());
        return found;
    }

    /** Read while the body streams, after the request's scope has ended: no request-bound state here. */
    private List<String> metadataOf(IndexTarget index, List<Long> ids) throws java.io.IOException {
        try {
            return instances.metadataOf(index, ids);
        } catch (SQLException e) {
            throw new java.io.IOException("index", e);
        }
    }
}
