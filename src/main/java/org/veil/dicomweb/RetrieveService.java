package org.veil.dicomweb;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.StreamingOutput;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.veil.dicom.BulkDataUris;
import org.veil.dicom.FrameIndex;
import org.veil.dicom.MultipartWriter;
import org.veil.dicom.RangeCopier;
import org.veil.dicom.UndecodablePixelDataException;
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
    /**
     * The metadata text one chunk holds at most, whatever its count: an instance's metadata may be
     * megabytes (a per-frame functional group for every frame, long text values), and 200 of the
     * largest would not fit in memory together. One instance larger than this is a chunk alone.
     */
    static final long METADATA_CHUNK_BYTES = 16L << 20;

    /** What a request reaches: the UIDs in its path, in the index the policy chose. */
    public record Target(IndexTarget index, InstanceRef ref) {
    }

    /** A response decided: its Content-Type, the body to stream, and its entity tag when it has one. */
    /**
     * An answer. {@code release}: what the answer holds beyond its writing (decoded pixel data,
     * {@link DecodedAnswers}), let go when it has been written or when it never will be (a 304, a
     * client gone first); the resource runs it once the exchange ends, whichever way.
     */
    public record Payload(String contentType, StreamingOutput body, String etag, int status, Map<String, String> headers,
                          Runnable release) {
        private static final Runnable NOTHING_HELD = () -> { };

        public Payload(String contentType, StreamingOutput body) {
            this(contentType, body, null, 200, Map.of());
        }

        public Payload(String contentType, StreamingOutput body, String etag) {
            this(contentType, body, etag, 200, Map.of());
        }

        public Payload(String contentType, StreamingOutput body, String etag, int status, Map<String, String> headers) {
            this(contentType, body, etag, status, headers, NOTHING_HELD);
        }

        /** Whether the answer holds anything to let go ({@link #release}). */
        boolean holds() {
            return release != NOTHING_HELD;
        }

        /** This answer holding {@code hold} until it has been written, or until {@link #release} runs. */
        Payload holding(DecodedAnswers.Hold hold) {
            StreamingOutput written = out -> {
                try {
                    body.write(out);
                } finally {
                    hold.close();
                }
            };
            return new Payload(contentType, written, etag, status, headers, hold::close);
        }
    }

    /**
     * A weak entity tag (RFC 9110 8.8.3) for what a retrieval sends: the instances it reaches, as
     * stored (an instance row and its object never change; a derived view is rebuilt with new
     * rows), in which index, as which representation. Weak, because a multipart body's boundary
     * differs from one answer to the next while what it carries does not. It names no UID and no
     * value: a hash of row ids, object keys and sizes.
     */
    static String etag(String representation, IndexTarget index, List<StoredInstance> found) {
        java.security.MessageDigest d;
        try {
            d = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        d.update((representation + "\n" + index + "\n").getBytes(StandardCharsets.UTF_8));
        for (StoredInstance i : found) {
            d.update((i.id() + ":" + i.storageKey() + ":" + i.sizeBytes() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return "W/\"" + java.util.HexFormat.of().formatHex(d.digest(), 0, 16) + "\"";
    }

    private final InstanceRepository instances;
    private final BlobStore store;
    private final RequestAudit audit;
    private final DicomWebConfig config;
    private final DeflatedReads deflatedReads;
    private final org.veil.dicom.ComputeGate gate;
    private final ExplicitTranscoding transcoding;
    private final DecodedAnswers decodedAnswers;

    public RetrieveService(InstanceRepository instances, BlobStore store, RequestAudit audit, DicomWebConfig config,
                           org.veil.dicom.ComputeGate gate, ExplicitTranscoding transcoding, DecodedAnswers decodedAnswers) {
        this.config = config;
        this.decodedAnswers = decodedAnswers;
        this.deflatedReads = new DeflatedReads(config);
        this.gate = gate;
        this.transcoding = transcoding;
        this.instances = instances;
        this.store = store;
        this.audit = audit;
    }

    /**
     * Instances in the syntax negotiated. {@code ifNoneMatch} is the client's If-None-Match: a
     * named answer the client already holds is answered 304 without decoding anything for it.
     */
    public Payload instances(Target ref, String accept, String baseUrl, String ifNoneMatch) throws UnknownResourceException,
            NotAcceptableException, SQLException, UndecodablePixelDataException, java.io.IOException, InvalidRequestException {
        if (Negotiation.bulkDataInstead(accept)) {
            return bulkDataOf(ref, accept, baseUrl);
        }
        List<StoredInstance> found = find(ref);
        boolean transcodable = found.stream().allMatch(i -> transcoding.route(i, true) != ExplicitTranscoding.Route.NONE);
        Negotiation.InstanceSyntax syntax = Negotiation.instances(accept,
                found.stream().map(StoredInstance::transferSyntaxUid).distinct().toList(), transcodable);
        boolean named = syntax == Negotiation.InstanceSyntax.EXPLICIT_NAMED;
        // Deflated instances rewritten whole: named, each is read three times (checked, its header,
        // its values) and beyond what one request inflates the answer is 413; by default twice, and
        // those beyond the allowance are sent as stored, as any instance the default cannot convert.
        if (named) {
            deflatedReads.requireRewrites(found, 3);
        }
        Map<Long, ExplicitTranscoding.Route> routes = routes(found, syntax);
        String etag = etag("instances " + syntax + " " + config.maxRenderDecodedBytes() + " "
                + deflatedReads.rewritesAllowed(2) + " " + accept, ref.index(), found);
        java.util.Map<Long, byte[]> decoded = java.util.Map.of();
        if (named) {
            if (WadoResource.namesTag(ifNoneMatch, etag)) {
                // The client holds this answer (RFC 9110 13.1.2): it will be 304, so nothing is read
                // or decoded for it. The tag names these rows, their stored objects and this
                // representation, so the client had it in a 200: what it names was rewritable then,
                // and stored objects do not change.
                return new Payload("multipart/related; type=\"application/dicom\"", out -> { }, etag);
            }
            // Named, every instance is in it or the request is 406: settled before the answer
            // starts, so that a failure is a status rather than a body cut short.
            transcoding.requireRewritable(routed(found, routes, ExplicitTranscoding.Route.REWRITE));
            List<StoredInstance> toDecode = routed(found, routes, ExplicitTranscoding.Route.DECODE);
            if (!toDecode.isEmpty()) {
                decodedAnswers.requireRoom();
            }
            decoded = transcoding.decodeAll(toDecode);
        }
        // Named, what was decoded is held from now until the answer has been written (503 when there is no room now).
        DecodedAnswers.Hold namedHold = decoded.isEmpty() ? null
                : decodedAnswers.hold(null, decoded.values().stream().mapToLong(b -> b.length).sum());
        java.util.Map<Long, byte[]> decodedNamed = decoded;
        String boundary = MultipartWriter.newBoundary();
        Payload payload = new Payload("multipart/related; type=\"application/dicom\"; boundary=" + boundary, out -> {
            MultipartWriter mp = new MultipartWriter(out, boundary);
            for (StoredInstance i : found) {
                ExplicitTranscoding.Route route = routes.get(i.id());
                byte[] n = route == ExplicitTranscoding.Route.DECODE && named ? decodedNamed.get(i.id()) : null;
                if (n != null) {
                    mp.startPart("application/dicom; transfer-syntax=" + TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid());
                    mp.stream().write(n);
                    continue;
                }
                byte[] c = route == ExplicitTranscoding.Route.DECODE && !named ? transcoding.decodedOrNull(i) : null;
                // By default, one decoded instance at a time, held while it is written; without room it goes as stored.
                DecodedAnswers.Hold h = c == null ? null : decodedAnswers.tryHold(null, c.length);
                if (h != null) {
                    try (h) {
                        mp.startPart("application/dicom; transfer-syntax=" + TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid());
                        mp.stream().write(c);
                    }
                    continue;
                }
                c = null; // let the decoded copy go before the stored one is sent
                try (FileChannel ch = store.open(i.storageKey())) {
                    org.veil.dicom.ExplicitLittleEndianCopy copy = route == ExplicitTranscoding.Route.REWRITE
                            ? transcoding.rewriteOrNull(ch) : null;
                    if (copy != null) {
                        mp.startPart("application/dicom; transfer-syntax=" + TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid());
                        copy.writeTo(mp.stream());
                        continue;
                    }
                    mp.startPart("application/dicom; transfer-syntax=" + i.transferSyntaxUid());
                    RangeCopier.copyWhole(ch, mp.stream());
                }
            }
            mp.finish();
        }, etag);
        return namedHold == null ? payload : payload.holding(namedHold);
    }

    /**
     * How each instance goes in the syntax negotiated, decided once for the request: by default,
     * the deflated instances beyond what one request may rewrite go as stored.
     */
    private Map<Long, ExplicitTranscoding.Route> routes(List<StoredInstance> found, Negotiation.InstanceSyntax syntax) {
        boolean named = syntax == Negotiation.InstanceSyntax.EXPLICIT_NAMED;
        long rewritesLeft = deflatedReads.rewritesAllowed(2);
        Map<Long, ExplicitTranscoding.Route> routes = new java.util.HashMap<>();
        for (StoredInstance i : found) {
            ExplicitTranscoding.Route route = syntax == Negotiation.InstanceSyntax.STORED ? ExplicitTranscoding.Route.NONE
                    : transcoding.route(i, named);
            if (!named && route == ExplicitTranscoding.Route.REWRITE && DeflatedReads.isDeflated(i) && rewritesLeft-- <= 0) {
                route = ExplicitTranscoding.Route.NONE;
            }
            routes.put(i.id(), route);
        }
        return routes;
    }

    private static List<StoredInstance> routed(List<StoredInstance> found, Map<Long, ExplicitTranscoding.Route> routes,
                                               ExplicitTranscoding.Route route) {
        return found.stream().filter(i -> routes.get(i.id()) == route).toList();
    }

    public Payload metadata(Target ref, String accept, String baseUrl)
            throws UnknownResourceException, NotAcceptableException, SQLException, RequestTooLargeException {
        List<StoredInstance> found = find(ref);
        boolean xml = Negotiation.metadata(accept);
        long bytes = found.stream().mapToLong(StoredInstance::metadataBytes).sum();
        long bound = xml ? config.maxConvertedMetadataBytes() : config.maxMetadataAnswerBytes();
        if (bytes > bound) {
            // Streaming JSON costs little a byte; converting it to XML costs twenty times more.
            throw tooMuchMetadata(ref.ref(), bound, xml);
        }
        List<List<Long>> chunks = metadataChunks(found, METADATA_CHUNK, METADATA_CHUNK_BYTES);
        if (xml) {
            // One Native DICOM Model document per instance, each a part (PS3.18 10.4.4).
            String boundary = MultipartWriter.newBoundary();
            return new Payload("multipart/related; type=\"" + Negotiation.DICOM_XML + "\"; boundary=" + boundary, out -> {
                MultipartWriter mp = new MultipartWriter(out, boundary);
                for (List<Long> chunk : chunks) {
                    for (byte[] json : metadataOf(ref.index(), chunk)) {
                        mp.startPart(Negotiation.DICOM_XML);
                        org.veil.dicom.DicomXmlWriter.write(json, baseUrl, mp.stream());
                    }
                }
                mp.finish();
            }, etag("metadata xml " + baseUrl, ref.index(), found));
        }
        byte[] base = BulkDataUris.prefix(baseUrl).getBytes(StandardCharsets.UTF_8);
        return new Payload("application/dicom+json", out -> {
            out.write('[');
            boolean first = true;
            for (List<Long> chunk : chunks) {
                for (byte[] json : metadataOf(ref.index(), chunk)) {
                    if (!first) {
                        out.write(',');
                    }
                    first = false;
                    BulkDataUris.writeAbsolute(json, base, out);
                }
            }
            out.write(']');
        }, etag("metadata " + baseUrl, ref.index(), found));
    }

    /**
     * Frames. One native little-endian frame may also be asked for as a single
     * {@code application/octet-stream} body; one frame, either way, may be asked for in part with
     * {@code Range}, which then ranges over the frame's bytes (docs/conformance.md, "Ranges").
     */
    public Payload frames(Target ref, List<Integer> numbers, String accept, String range, String instanceUrl)
            throws UnknownResourceException, NotAcceptableException, SQLException, RangeNotSatisfiableException,
            UndecodablePixelDataException, java.io.IOException, InvalidRequestException {
        StoredInstance i = instances.withIndexes(ref.index(), find(ref).get(0));
        FrameIndex index = i.frameIndex();
        for (int n : numbers) {
            if (n > index.count()) {
                throw new UnknownResourceException("frame");
            }
        }
        TransferSyntax ts = TransferSyntax.forUid(i.transferSyntaxUid()).orElseThrow();
        if (Negotiation.decodedFrames(accept, ts) && (ts.isBigEndian() || org.veil.dicom.Part10Editor.canDecode(ts.uid()))) {
            return decodedFrames(i, numbers, instanceUrl);
        }
        boolean single = numbers.size() == 1 && !ts.isEncapsulated() && !ts.isBigEndian() && Negotiation.singleOctetStream(accept);
        String partType = single ? Negotiation.OCTET_STREAM + "; transfer-syntax=" + TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid()
                : Negotiation.frames(accept, ts);
        List<List<FrameIndex.Range>> ranges = new ArrayList<>();
        numbers.forEach(n -> ranges.add(index.frames().get(n - 1)));
        if (DeflatedReads.isDeflated(i)) {
            deflatedReads.requireForward(i, ranges.stream().flatMap(List::stream).toList());
        }
        return ranged(i, ts, partType, ranges, single, numbers.size() == 1 ? range : null,
                part -> instanceUrl + "/frames/" + numbers.get(part));
    }

    /**
     * Frames decoded to native little-endian samples, as octet-stream in Explicit VR Little
     * Endian (PS3.18 8.7.3.5), from a compressed or big-endian instance: decoded before the
     * answer starts, in one turn at the compute gate, within the rendering bound on what an
     * instance may decode to. Lossy frames stay as lossy as they were stored (the metadata's
     * LossyImageCompression says so); nothing is re-encoded.
     */
    private Payload decodedFrames(StoredInstance i, List<Integer> numbers, String instanceUrl) throws UndecodablePixelDataException, java.io.IOException {
        if (i.sizeBytes() > config.maxRenderDecodedBytes()) {
            throw new org.veil.dicom.PixelDataTooLargeException("the instance is " + i.sizeBytes()
                    + " bytes, more than decoding holds in memory (" + config.maxRenderDecodedBytes() + ")");
        }
        org.veil.dicom.Part10Editor decoded = transcoding.decodedInstance(i);
        // The last frame cut now, so that a decoded value too short for the frames is a status;
        // the others are cut one at a time as they are written: the answer holds the decoded
        // instance (shared with the cache of recently decoded ones), not a copy of every frame.
        decoded.nativeFrame(numbers.stream().mapToInt(Integer::intValue).max().orElse(1));
        // Held, counted once however many answers share it, until written (503 when there is no room now).
        DecodedAnswers.Hold hold = decodedAnswers.hold(decoded, Math.max(decoded.decodedPixelBytes(), i.sizeBytes()));
        String type = Negotiation.OCTET_STREAM + "; transfer-syntax=" + TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid();
        String boundary = MultipartWriter.newBoundary();
        return new Payload("multipart/related; type=\"" + Negotiation.OCTET_STREAM + "\"; boundary=" + boundary, out -> {
            MultipartWriter mp = new MultipartWriter(out, boundary);
            for (int n : numbers) {
                mp.startPart(type, null, instanceUrl + "/frames/" + n);
                try {
                    mp.stream().write(decoded.nativeFrame(n));
                } catch (UndecodablePixelDataException e) {
                    throw new java.io.IOException("a decoded frame could not be cut", e);
                }
            }
            mp.finish();
        }).holding(hold);
    }

    /**
     * Pixel Data asked for as octet-stream in Explicit VR Little Endian (the default of PS3.18
     * 8.7.3.4) of a compressed or big-endian instance: the decoded value, one part, as a native
     * little-endian instance's Pixel Data would be, its frames written one after another. Null
     * when it cannot be decoded (busy, beyond the decoding bound, samples not in whole bytes): the
     * value is then answered as it would be without decoding. Decoded, it is held as decoded frames
     * are ({@link DecodedAnswers}: 503 when there is no room).
     */
    private Payload decodedPixelData(StoredInstance i, String location) {
        org.veil.dicom.Part10Editor decoded;
        int frames = i.frameIndex().count();
        try {
            if (i.sizeBytes() > config.maxRenderDecodedBytes()) {
                return null;
            }
            decoded = transcoding.decodedInstance(i);
            decoded.nativeFrame(frames);
        } catch (UndecodablePixelDataException | java.io.IOException | RuntimeException e) {
            return null;
        }
        DecodedAnswers.Hold hold = decodedAnswers.hold(decoded, Math.max(decoded.decodedPixelBytes(), i.sizeBytes()));
        String boundary = MultipartWriter.newBoundary();
        return new Payload("multipart/related; type=\"" + Negotiation.OCTET_STREAM + "\"; boundary=" + boundary, out -> {
            MultipartWriter mp = new MultipartWriter(out, boundary);
            mp.startPart(Negotiation.OCTET_STREAM + "; transfer-syntax=" + TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid(), null, location);
            for (int n = 1; n <= frames; n++) {
                try {
                    mp.stream().write(decoded.nativeFrame(n));
                } catch (UndecodablePixelDataException e) {
                    throw new java.io.IOException("a decoded frame could not be cut", e);
                }
            }
            mp.finish();
        }).holding(hold);
    }

    /**
     * The bulk data of a study, series or instance (PS3.18 10.4.1.1.3): every value each instance's
     * metadata names by a BulkDataURI, one part each, named by that URI (Content-Location), in
     * file order; Pixel Data as it is stored, an encapsulated one frame by frame in its
     * codestream's media type. Nothing is decoded.
     */
    public Payload bulkDataOf(Target ref, String accept, String baseUrl) throws UnknownResourceException, NotAcceptableException,
            SQLException, InvalidRequestException {
        Negotiation.bulkData(accept);
        // A study of small deflated files may inflate to many gigabytes: the bound is weighed
        // now, over their indexes, each read when its row left it unread and let go once weighed.
        List<StoredInstance> found = find(ref);
        deflatedReads.requireBulkData(found, listed -> instances.withIndexes(ref.index(), listed));
        String boundary = MultipartWriter.newBoundary();
        return new Payload("multipart/related; type=\"" + Negotiation.OCTET_STREAM + "\"; boundary=" + boundary, out -> {
            MultipartWriter mp = new MultipartWriter(out, boundary);
            for (StoredInstance listed : found) {
                // An instance whose indexes the list left unread is read here, one at a time.
                StoredInstance i;
                try {
                    i = instances.withIndexes(ref.index(), listed);
                } catch (SQLException e) {
                    throw new java.io.IOException("an instance's indexes could not be read", e);
                }
                TransferSyntax ts = TransferSyntax.forUid(i.transferSyntaxUid()).orElseThrow();
                String instanceUrl = ServiceUrls.instance(baseUrl, i.studyInstanceUid(), i.seriesInstanceUid(), i.sopInstanceUid());
                String valueType = ts.isBigEndian() ? Negotiation.OCTET_STREAM + "; transfer-syntax=" + ts.uid() : Negotiation.OCTET_STREAM;
                List<Map.Entry<String, FrameIndex.Range>> values = new ArrayList<>(i.bulkDataIndex().entrySet());
                values.sort(java.util.Comparator.comparingLong(e -> e.getValue().offset()));
                try (FileChannel ch = store.open(i.storageKey())) {
                    RangeCopier.Sequence ranges = new RangeCopier.Sequence(ch, i.datasetOffset(), ts);
                    for (Map.Entry<String, FrameIndex.Range> value : values) {
                        if (value.getKey().equals("7FE00010") && ts.isEncapsulated()) {
                            List<List<FrameIndex.Range>> frames = i.frameIndex().frames();
                            for (int n = 0; n < frames.size(); n++) {
                                mp.startPart(ts.frameMediaType() + "; transfer-syntax=" + ts.uid(), null, instanceUrl + "/frames/" + (n + 1));
                                for (FrameIndex.Range r : frames.get(n)) {
                                    ranges.copy(r, mp.stream());
                                }
                            }
                        } else {
                            mp.startPart(valueType, null, instanceUrl + "/bulkdata/" + value.getKey());
                            ranges.copy(value.getValue(), mp.stream());
                        }
                    }
                }
            }
            mp.finish();
        });
    }

    public Payload bulkData(Target ref, String path, String accept, String range, String instanceUrl)
            throws UnknownResourceException, NotAcceptableException, SQLException, RangeNotSatisfiableException,
            RequestTooLargeException {
        StoredInstance i = instances.withIndexes(ref.index(), find(ref).get(0));
        Map<String, FrameIndex.Range> bulk = i.bulkDataIndex();
        FrameIndex.Range value = bulk.get(path);
        if (value == null) {
            throw new UnknownResourceException("bulk data");
        }
        TransferSyntax ts = TransferSyntax.forUid(i.transferSyntaxUid()).orElseThrow();
        String location = instanceUrl + "/bulkdata/" + path;
        if (path.equals("7FE00010") && Negotiation.decodedFrames(accept, ts)
                && (ts.isBigEndian() || org.veil.dicom.Part10Editor.canDecode(ts.uid()))) {
            Payload decoded = decodedPixelData(i, location);
            if (decoded != null) {
                return decoded;
            }
        }
        if (path.equals("7FE00010") && ts.isEncapsulated()) {
            // Pixel Data is served frame by frame, in its stored syntax (PS3.18 10.4.1.1.3), each
            // part named by its frame's resource (10.4.3.3.6).
            return multipartOfRanges(i, ts, Negotiation.frames(accept, ts), i.frameIndex().frames(),
                    part -> instanceUrl + "/frames/" + (part + 1));
        }
        boolean single = Negotiation.singleOctetStream(accept);
        if (!single) {
            Negotiation.bulkData(accept);
        }
        // Big-endian values are sent as stored, and say so (docs/conformance.md).
        String type = ts.isBigEndian() ? Negotiation.OCTET_STREAM + "; transfer-syntax=" + ts.uid() : Negotiation.OCTET_STREAM;
        return ranged(i, ts, type, List.of(List.of(value)), single, range, part -> location);
    }

    /**
     * One content (a frame, a bulk data value) or several, as a single body or as multipart
     * parts. With a Range over one content: 206 and those bytes only, named by Content-Range on
     * the body or on its part. Deflated data sets are sent whole: their file bytes are not the
     * content's, so a range of them cannot be cut without inflating all before it.
     */
    private Payload ranged(StoredInstance i, TransferSyntax ts, String type, List<List<FrameIndex.Range>> contents,
                           boolean single, String rangeHeader, java.util.function.IntFunction<String> location)
            throws RangeNotSatisfiableException {
        boolean rangeable = ts != TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN && contents.size() == 1;
        java.util.Optional<ByteRange> range = rangeable ? ByteRange.parse(rangeHeader) : java.util.Optional.empty();
        Map<String, String> headers = rangeable ? Map.of("Accept-Ranges", "bytes") : Map.of();
        if (range.isEmpty()) {
            if (!single) {
                Payload whole = multipartOfRanges(i, ts, type, contents, location);
                return new Payload(whole.contentType(), whole.body(), null, 200, headers);
            }
            return new Payload(type, out -> {
                try (FileChannel ch = store.open(i.storageKey())) {
                    RangeCopier.Sequence ranges = new RangeCopier.Sequence(ch, i.datasetOffset(), ts);
                    for (FrameIndex.Range r : contents.get(0)) {
                        ranges.copy(r, out);
                    }
                }
            }, null, 200, headers);
        }
        List<FrameIndex.Range> parts = contents.get(0);
        long total = parts.stream().mapToLong(FrameIndex.Range::length).sum();
        long[] span = range.get().within(total);
        String contentRange = "bytes " + span[0] + "-" + (span[1] - 1) + "/" + total;
        StreamingOutput bytes = out -> {
            try (FileChannel ch = store.open(i.storageKey())) {
                RangeCopier.copyPart(ch, parts, span[0], span[1], out);
            }
        };
        if (single) {
            return new Payload(type, bytes, null, 206, Map.of("Accept-Ranges", "bytes", "Content-Range", contentRange));
        }
        String boundary = MultipartWriter.newBoundary();
        String root = type.substring(0, type.indexOf(';') < 0 ? type.length() : type.indexOf(';'));
        return new Payload("multipart/related; type=\"" + root + "\"; boundary=" + boundary, out -> {
            MultipartWriter mp = new MultipartWriter(out, boundary);
            mp.startPart(type, contentRange, location.apply(0));
            bytes.write(mp.stream());
            mp.finish();
        }, null, 206, headers);
    }

    /** The contents as parts, each named by the location of its index (the frame or value it is). */
    private Payload multipartOfRanges(StoredInstance i, TransferSyntax ts, String partType,
                                      List<List<FrameIndex.Range>> parts, java.util.function.IntFunction<String> location) {
        String boundary = MultipartWriter.newBoundary();
        String type = partType.substring(0, partType.indexOf(';') < 0 ? partType.length() : partType.indexOf(';'));
        return new Payload("multipart/related; type=\"" + type + "\"; boundary=" + boundary, out -> {
            MultipartWriter mp = new MultipartWriter(out, boundary);
            try (FileChannel ch = store.open(i.storageKey())) {
                RangeCopier.Sequence ranges = new RangeCopier.Sequence(ch, i.datasetOffset(), ts);
                for (int n = 0; n < parts.size(); n++) {
                    mp.startPart(partType, null, location.apply(n));
                    for (FrameIndex.Range r : parts.get(n)) {
                        ranges.copy(r, mp.stream());
                    }
                }
            }
            mp.finish();
        });
    }

    private List<StoredInstance> find(Target target) throws UnknownResourceException, SQLException, RequestTooLargeException {
        return find(instances, audit, target, config.maxInstancesPerRetrieval());
    }

    /**
     * The instances a request reaches, counted on its audit row; none is an unknown resource
     * (404), more than {@code max} a request too large (413): a study may hold any number of
     * instances, and each listed row is held until the answer has been written.
     */
    static List<StoredInstance> find(InstanceRepository instances, RequestAudit audit, Target target, int max)
            throws UnknownResourceException, SQLException, RequestTooLargeException {
        InstanceRef ref = target.ref();
        max = Math.max(1, Math.min(max, Integer.MAX_VALUE - 1)); // at least the instance asked for
        List<StoredInstance> found = instances.find(target.index(), ref.study(), ref.series(), ref.instance(), max + 1);
        if (found.isEmpty()) {
            throw new UnknownResourceException(ref.level());
        }
        if (found.size() > max) {
            throw new RequestTooLargeException("the " + ref.level() + " holds more than " + max
                    + " instances, more than one retrieval lists: retrieve it " + (ref.series() == null ? "series by series"
                    : "in parts (search its instances with QIDO-RS and retrieve each)"));
        }
        audit.instances(found.size());
        return found;
    }

    /** Why a metadata answer is refused, and what to ask for instead: JSON, or the study or series in parts. */
    private static RequestTooLargeException tooMuchMetadata(InstanceRef ref, long bound, boolean xml) {
        List<String> instead = new ArrayList<>();
        if (xml) {
            instead.add("ask for application/dicom+json");
        }
        if (ref.instance() == null) {
            instead.add("retrieve it " + (ref.series() == null ? "series by series" : "instance by instance"));
        }
        String reason = "the " + ref.level() + "'s metadata is more than " + bound + " bytes" + (xml ? " to convert to XML" : "");
        return new RequestTooLargeException(instead.isEmpty() ? reason : reason + "; " + String.join(", or ", instead));
    }

    /** The instances' ids in order, in chunks of at most {@code count} instances and {@code bytes} of metadata (at least one instance each). */
    static List<List<Long>> metadataChunks(List<StoredInstance> instances, int count, long bytes) {
        List<List<Long>> chunks = new ArrayList<>();
        List<Long> chunk = new ArrayList<>();
        long held = 0;
        for (StoredInstance i : instances) {
            if (!chunk.isEmpty() && (chunk.size() == count || held + i.metadataBytes() > bytes)) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
                held = 0;
            }
            chunk.add(i.id());
            held += i.metadataBytes();
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        return chunks;
    }

    /** Read while the body streams, after the request's scope has ended: no request-bound state here. */
    private List<byte[]> metadataOf(IndexTarget index, List<Long> ids) throws java.io.IOException {
        try {
            return instances.metadataOf(index, ids);
        } catch (SQLException e) {
            throw new java.io.IOException("index", e);
        }
    }
}
