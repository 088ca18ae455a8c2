package org.veil.dicomweb;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.veil.dicom.ComputeGate;
import org.veil.dicom.MultipartWriter;
import org.veil.dicom.NotAnImageException;
import org.veil.dicom.Renderer;
import org.veil.dicom.UndecodablePixelDataException;
import org.veil.index.InstanceRepository;
import org.veil.index.StoredInstance;
import org.veil.storage.BlobStore;
import org.veil.dicomweb.RetrieveService.Payload;
import org.veil.dicomweb.RetrieveService.Target;

/**
 * WADO-RS rendered and thumbnail resources (PS3.18 8.3.5, 10.4.1.1.3, Sup 203): the stored
 * instances decoded and drawn as consumer images, within bounds on what one answer may read,
 * decode and produce, since a single request names a whole study.
 */
@ApplicationScoped
public class RenderedRetrieval {
    private final InstanceRepository instances;
    private final BlobStore store;
    private final RequestAudit audit;
    private final DicomWebConfig config;
    private final ComputeGate gate;

    public RenderedRetrieval(InstanceRepository instances, BlobStore store, RequestAudit audit, DicomWebConfig config,
                             ComputeGate gate) {
        this.instances = instances;
        this.store = store;
        this.audit = audit;
        this.config = config;
        this.gate = gate;
    }

    /** What to render: the frames asked for (empty for the resource's own choice), whether a thumbnail, how. */
    public record RenderRequest(List<Integer> frames, boolean thumbnail, java.util.Optional<Renderer.Window> window,
                                java.util.Optional<Renderer.Viewport> viewport, int quality) {
    }

    /** Thumbnails fit in this square unless a viewport says otherwise. */
    private static final Renderer.Viewport THUMBNAIL = new Renderer.Viewport(128, 128);

    /**
     * Rendered and thumbnail resources (PS3.18 8.3.5, Sup 203), rendered before the answer is
     * started so that a failure is a status, never a broken image. Study and series render one
     * image per instance (its first frame); an instance all its frames, or the first when one
     * image is asked for; a thumbnail is one image of the middle instance.
     */
    public Payload rendered(Target target, RenderRequest request, String accept) throws UnknownResourceException,
            NotAcceptableException, SQLException, java.io.IOException, UndecodablePixelDataException, NotAnImageException,
            InvalidRequestException {
        List<StoredInstance> found = RetrieveService.find(instances, audit, target, config.maxInstancesPerRetrieval());
        InstanceRef ref = target.ref();
        boolean instanceLevel = ref.instance() != null;
        // One frame may come as a single image or as a multipart of one (PS3.18 10.4.4); several
        // frames are a multipart of one image each (a single image would answer the first alone,
        // and say nothing of the rest); a thumbnail is one image.
        Negotiation.Shape shape = request.thumbnail() ? Negotiation.Shape.SINGLE
                : instanceLevel && request.frames().size() <= 1 ? Negotiation.Shape.EITHER : Negotiation.Shape.MULTIPART;
        Negotiation.Rendering how = Negotiation.rendered(accept, shape);
        Renderer.Options options = new Renderer.Options(request.window(),
                request.viewport().or(() -> request.thumbnail() ? java.util.Optional.of(THUMBNAIL) : java.util.Optional.empty()),
                how.format(), request.quality());
        List<byte[]> images = new ArrayList<>();
        // Rendering decodes: one turn at the gate for the whole answer, a bound on what each
        // instance may decode, and a bound on the pixels of all images together.
        Budget budget = new Budget(config.maxRenderedPixels(), config.maxRenderDecodedBytes() * RENDERED_INSTANCES_DECODED,
                config.maxConvertedMetadataBytes());
        try (ComputeGate.Turn turn = gate.enter()) {
            if (request.thumbnail() && !instanceLevel) {
                images.add(thumbnailOf(found, options, budget));
            } else if (instanceLevel) {
                List<Integer> frames = request.frames();
                if (frames.isEmpty()) {
                    frames = how.multipart() ? null : List.of(1);
                }
                images.addAll(render(found.get(0), frames, options, budget));
            } else {
                // Each image of a study or series costs a whole instance read and decoded, however
                // small the viewport: the instances are bounded as the frames of one are.
                if (found.size() > config.maxFramesPerRequest()) {
                    throw new InvalidRequestException("more than " + config.maxFramesPerRequest()
                            + " instances to render in one answer; ask for a series or for instances");
                }
                for (StoredInstance i : found) {
                    try {
                        images.add(render(i, List.of(1), options, budget).get(0));
                    } catch (NotAnImageException | UndecodablePixelDataException e) {
                        // Reports and other non-images in a study have nothing to show, and an image
                        // that cannot be decoded (a video, a 12-bit JPEG, one over the size bound)
                        // does not take the others' images with it.
                    }
                }
                if (images.isEmpty()) {
                    throw new NotAnImageException();
                }
            }
        }
        if (!how.multipart()) {
            byte[] image = images.get(0);
            return new Payload(how.format().mediaType, out -> out.write(image));
        }
        String boundary = MultipartWriter.newBoundary();
        return new Payload("multipart/related; type=\"" + how.format().mediaType + "\"; boundary=" + boundary, out -> {
            MultipartWriter mp = new MultipartWriter(out, boundary);
            for (byte[] image : images) {
                mp.startPart(how.format().mediaType);
                mp.stream().write(image);
            }
            mp.finish();
        });
    }

    /**
     * A study's or series' thumbnail: its middle instance's first frame, or, when that is no
     * image Veil can render (a report, a video), the nearest one that is, outward from the middle;
     * within the answer's budget, which bounds how many are tried.
     */
    private byte[] thumbnailOf(List<StoredInstance> found, Renderer.Options options, Budget budget)
            throws java.io.IOException, UndecodablePixelDataException, NotAnImageException, UnknownResourceException,
            InvalidRequestException {
        int middle = found.size() / 2;
        Exception last = null;
        int tried = 0;
        for (int step = 0; step < 2 * found.size() && tried < config.maxFramesPerRequest(); step++) {
            // middle, middle + 1, middle - 1, middle + 2, …
            int at = middle + ((step & 1) == 1 ? (step + 1) / 2 : -(step / 2));
            if (at < 0 || at >= found.size()) {
                continue;
            }
            tried++;
            try {
                return render(found.get(at), List.of(1), options, budget).get(0);
            } catch (NotAnImageException | UndecodablePixelDataException e) {
                last = e;
            }
        }
        if (last instanceof UndecodablePixelDataException u) {
            throw u;
        }
        throw new NotAnImageException();
    }

    /** How many instances of the largest renderable size one rendered answer may read and decode. */
    private static final long RENDERED_INSTANCES_DECODED = 4;

    /** The pixels one rendered answer may still produce, and the stored bytes it may still read and decode, over all its images. */
    private static final class Budget {
        private final long max;
        private final long maxRead;
        private final long maxHeaders;
        private long used;
        private long read;
        private long headers;

        Budget(long max, long maxRead, long maxHeaders) {
            this.max = max;
            this.maxRead = maxRead;
            this.maxHeaders = maxHeaders;
        }

        /**
         * An instance's header, parsed before its pixels: counted by its metadata's size, since
         * a deflated header of 113 kB can inflate to 31 MB and take seconds to parse.
         */
        void header(long metadataBytes) throws RequestTooLargeException {
            headers += metadataBytes;
            if (headers > maxHeaders) {
                throw new RequestTooLargeException("the rendered answer would parse more than " + maxHeaders
                        + " bytes of metadata; ask for a series or for instances");
            }
        }

        void read(long bytes) throws InvalidRequestException {
            read += bytes;
            if (read > maxRead) {
                throw new InvalidRequestException("the rendered answer would decode more than " + maxRead
                        + " bytes of stored or decoded instances; ask for a series or for instances");
            }
        }

        void spend(long pixels) throws InvalidRequestException {
            used += pixels;
            if (used > max) {
                throw new InvalidRequestException("the rendered answer would hold more than " + max
                        + " pixels; ask for fewer frames or a smaller viewport");
            }
        }
    }

    /** Frames of one stored instance, counted from 1; null for every frame. */
    private List<byte[]> render(StoredInstance i, List<Integer> frames, Renderer.Options options, Budget budget)
            throws java.io.IOException, UndecodablePixelDataException, NotAnImageException, UnknownResourceException,
            InvalidRequestException {
        if (!i.hasPixelData()) {
            // No Pixel Data (a report, a structure set): nothing to show, and its header, which
            // may be the largest of the study, is not parsed to find that out.
            throw new NotAnImageException();
        }
        budget.header(i.metadataBytes());
        if (i.sizeBytes() > config.maxRenderDecodedBytes()) {
            // Rendering holds the whole instance in memory; one this large is not rendered at all.
            throw new org.veil.dicom.PixelDataTooLargeException("the instance is " + i.sizeBytes()
                    + " bytes, more than rendering holds in memory (" + config.maxRenderDecodedBytes() + ")");
        }
        budget.read(i.sizeBytes());
        Renderer renderer;
        try {
            renderer = Renderer.open(store.readAll(i.storageKey()), i.transferSyntaxUid(), options.window(),
                    config.maxRenderDecodedBytes());
        } catch (org.veil.dicom.MalformedDicomException e) {
            throw new UndecodablePixelDataException("the stored instance cannot be read for rendering");
        }
        // What was decoded counts, not only what was read: a 2 MB RLE cine decodes to 256 MB,
        // all its frames, to render its first. Charged as the larger of the two.
        budget.read(Math.max(0, renderer.decodedBytes() - i.sizeBytes()));
        List<Integer> wanted = frames;
        if (wanted == null) {
            if (renderer.frames() > config.maxFramesPerRequest()) {
                throw new InvalidRequestException("the instance has more than " + config.maxFramesPerRequest()
                        + " frames; ask for them by number, at most that many at a time");
            }
            wanted = java.util.stream.IntStream.rangeClosed(1, renderer.frames()).boxed().toList();
        }
        for (int n : wanted) {
            if (n > renderer.frames()) {
                throw new UnknownResourceException("frame");
            }
        }
        budget.spend(renderer.outputPixels(options) * wanted.size());
        List<byte[]> out = new ArrayList<>();
        for (int n : wanted) {
            out.add(renderer.render(n, options));
        }
        return out;
    }
}
