package org.veil.dicomweb;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.veil.audit.AuditEvent;
import org.veil.audit.AuditLog;
import org.veil.dicom.DicomReader;
import org.veil.dicom.InstanceParser;
import org.veil.dicom.MalformedDicomException;
import org.veil.dicom.MalformedMultipartException;
import org.veil.dicom.MultipartReader;
import org.veil.dicom.ParsedInstance;
import org.veil.dicom.PayloadTooLargeException;
import org.veil.dicom.UnknownTransferSyntaxException;
import org.veil.index.IndexOutcome;
import org.veil.index.IndexTarget;
import org.veil.index.IndexWriter;
import org.veil.index.InstanceRepository;
import org.veil.index.NewInstance;
import org.veil.logging.Failures;
import org.veil.storage.BlobStore;
import org.veil.storage.StagedBlob;

/**
 * STOW-RS (PS3.18 10.5): streams each part to a staged file, checks it, publishes the good ones
 * durably, then indexes them in one transaction. A part that fails is reported and dropped; the
 * others are stored. If indexing fails, the published files are removed again, and a crash in
 * between is undone at the next start by the storage journal.
 */
@ApplicationScoped
public class StoreService {
    private static final Logger LOG = Logger.getLogger(StoreService.class);

    private final BlobStore store;
    private final InstanceRepository instances;
    private final DicomWebConfig config;
    private final org.veil.derivatives.Deidentification derivatives;
    private final RequestAudit audit;
    private final AgroalDataSource dataSource;
    private final AuditLog auditLog;
    private final org.veil.consent.PatientConsents patientConsents;

    public StoreService(BlobStore store, InstanceRepository instances, DicomWebConfig config,
                        org.veil.derivatives.Deidentification derivatives, RequestAudit audit, AgroalDataSource dataSource,
                        AuditLog auditLog, org.veil.consent.PatientConsents patientConsents) {
        this.patientConsents = patientConsents;
        this.audit = audit;
        this.dataSource = dataSource;
        this.auditLog = auditLog;
        this.store = store;
        this.instances = instances;
        this.config = config;
        this.derivatives = derivatives;
    }

    /** What a pixel data fragment and its frame range hold on the heap, in characters of metadata (bytes). */
    static final long HELD_CHARS_PER_FRAGMENT = 96;

    /**
     * What an element or a sequence item of the parsed data set holds on the heap until indexing,
     * in characters of metadata: a part of a million empty items makes 3 MB of JSON and held some
     * 60 MB, so the characters alone let a request hold gigabytes.
     */
    static final long HELD_CHARS_PER_NODE = 48;

    /** Undoes what a crash left half done, before the first request is served. */
    void recover(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent start) throws IOException {
        store.recover(key -> {
            try {
                return instances.isStorageKeyIndexed(key) || derivatives.isStorageKeyUsed(key);
            } catch (SQLException e) {
                throw new UncheckedIOException(new IOException("recovery look-up", e));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    public StoreResult store(InputStream body, String boundary, Optional<String> studyUid, String baseUrl)
            throws IOException, MalformedMultipartException {
        StoreResult result = new StoreResult();
        Map<StagedBlob, ParsedInstance> accepted = new LinkedHashMap<>();
        List<StagedBlob> staged = new ArrayList<>();
        try {
            receive(body, boundary, studyUid, result, accepted, staged);
            if (!accepted.isEmpty()) {
                try {
                    publishAndIndex(accepted, result, baseUrl);
                } catch (IOException e) {
                    // The store refused (a full disk, an object store that fails): nothing is indexed,
                    // and what was published is the journal's to remove. The server's state, not the
                    // request's fault: 503, the client may send it again.
                    LOG.errorf("STOW could not publish its instances (%s); nothing was indexed", Failures.describe(e));
                    throw new StorageUnavailableException();
                }
            }
        } finally {
            for (StagedBlob blob : staged) {
                blob.close();
            }
        }
        result.baseUrl(baseUrl);
        LOG.infof("STOW stored=%d failed=%d", result.stored().size(), result.failed().size());
        return result;
    }

    private void receive(InputStream body, String boundary, Optional<String> studyUid, StoreResult result,
                         Map<StagedBlob, ParsedInstance> accepted, List<StagedBlob> staged)
            throws IOException, MalformedMultipartException {
        MultipartReader parts = new MultipartReader(body, boundary, config.maxPartBytes(), config.maxRequestBytes());
        DicomReader.Limits limits = config.readerLimits();
        int count = 0;
        long metadataChars = 0;
        Map<String, String> headers;
        while ((headers = parts.nextPart()) != null) {
            if (++count > config.maxParts()) {
                // Refused whole: nothing of the request is published (no partial store).
                throw new PayloadTooLargeException("the request has more than " + config.maxParts() + " parts");
            }
            StagedBlob blob = store.stage();
            staged.add(blob);
            parts.copyPartTo(blob.output());
            blob.seal();
            String type = headers.getOrDefault("content-type", "application/dicom").toLowerCase(Locale.ROOT);
            if (!type.startsWith("application/dicom") || type.startsWith("application/dicom+")) {
                result.failed(new StoreResult.Failed(null, null, StoreFailure.CANNOT_UNDERSTAND,
                        "part " + count + " is not application/dicom"));
                staged.remove(blob);
                blob.close();
                continue;
            }
            try {
                ParsedInstance p = InstanceParser.parse(blob.file(), limits);
                if (studyUid.isPresent() && !studyUid.get().equals(p.studyInstanceUid())) {
                    result.failed(new StoreResult.Failed(p.sopClassUid(), p.sopInstanceUid(),
                            StoreFailure.STUDY_UID_MISMATCH, "part " + count + ": StudyInstanceUID does not match the request path"));
                    continue;
                }
                if (p.metadataJson().length() > config.maxInstanceMetadataChars()) {
                    // Every metadata, search and rendered answer carries or parses it again.
                    result.failed(new StoreResult.Failed(p.sopClassUid(), p.sopInstanceUid(), StoreFailure.OUT_OF_RESOURCES,
                            "part " + count + ": the instance's metadata is more than " + config.maxInstanceMetadataChars()
                                    + " characters of DICOM JSON"));
                    continue;
                }
                // A fragment and its range of the frame index are held beside the metadata until the
                // request is indexed: counted as the characters of heap they take, so that a request of
                // parts with a million empty fragments each (8 MB apiece on the wire) is refused
                // before it holds gigabytes.
                // The parsed elements are counted where they hold more than their JSON (empty items, a
                // few characters each): the larger of the two, so that real instances count as before.
                metadataChars += Math.max(p.metadataJson().length(), HELD_CHARS_PER_NODE * p.heldNodes())
                        + p.studyJson().length() + p.seriesJson().length() + HELD_CHARS_PER_FRAGMENT * p.pixelDataFragments();
                if (metadataChars > config.maxRequestMetadataChars()) {
                    // Refused whole, as too many parts are: what is held for indexing is bounded.
                    throw new PayloadTooLargeException("the request's instances make more than "
                            + config.maxRequestMetadataChars() + " characters of metadata and pixel data fragments;"
                            + " send them in several requests");
                }
                accepted.put(blob, p);
            } catch (UnknownTransferSyntaxException e) {
                result.failed(new StoreResult.Failed(e.sopClassUid().orElse(null), e.sopInstanceUid().orElse(null),
                        StoreFailure.TRANSFER_SYNTAX_NOT_SUPPORTED,
                        "part " + count + ": " + e.getMessage()));
            } catch (MalformedDicomException e) {
                String[] uids = salvageSopUids(blob.file(), limits);
                result.failed(new StoreResult.Failed(uids[0], uids[1], StoreFailure.CANNOT_UNDERSTAND,
                        "part " + count + ": " + e.getMessage()));
            }
        }
        if (count == 0) {
            throw new MalformedMultipartException("request contains no parts");
        }
    }

    private void publishAndIndex(Map<StagedBlob, ParsedInstance> accepted, StoreResult result, String baseUrl)
            throws IOException {
        List<String> keys = accepted.keySet().stream().map(BlobStore::keyOf).distinct().toList();
        // The journal entry is settled (closed, so deleted) only when the request has put every
        // object where it belongs: published and indexed, or removed again. A failure on the way (a
        // PUT that fails after others went through, a failed removal) leaves it for recovery, which
        // removes what no row names; closing it then would leave those objects unnamed for good.
        BlobStore.Journal journal = store.begin(keys);
        boolean settled = false;
        try {
            store.publish(accepted.keySet());
            Map<NewInstance, IndexOutcome> outcomes;
            List<NewInstance> batch = accepted.entrySet().stream()
                    .map(e -> new NewInstance(e.getValue(), BlobStore.keyOf(e.getKey()), e.getKey().size(), e.getKey().sha256()))
                    .toList();
            try {
                outcomes = indexAndRecord(batch);
                if (outcomes.values().stream().anyMatch(o -> o == IndexOutcome.STORED || o == IndexOutcome.ALREADY_STORED)) {
                    audit.recorded();
                }
            } catch (SQLException | RuntimeException e) {
                // The SQLState says what PostgreSQL refused; the message could quote a value and is not logged.
                LOG.errorf("STOW index commit failed (%s); removing %d published objects", Failures.describe(e), keys.size());
                removeUnindexed(keys);
                batch.forEach(i -> result.failed(new StoreResult.Failed(i.parsed().sopClassUid(), i.parsed().sopInstanceUid(),
                        StoreFailure.PROCESSING_FAILURE, "the index could not record the instance")));
                settled = true;
                return;
            }
            // From here the instances are stored and on record: what is left to do cannot fail the request.
            try {
                dropDerivedViews(batch, outcomes);
            } catch (IOException e) {
                LOG.warnf("STOW stored its instances, but their studies' de-identified views could not be dropped (%s);"
                        + " a store of the same instances again drops them", Failures.describe(e));
            }
            List<String> refused = new ArrayList<>();
            for (NewInstance i : batch) {
                ParsedInstance p = i.parsed();
                switch (outcomes.get(i)) {
                    case STORED, ALREADY_STORED -> result.stored(new StoreResult.Stored(p.sopClassUid(), p.sopInstanceUid(),
                            ServiceUrls.instance(baseUrl, p.studyInstanceUid(), p.seriesInstanceUid(), p.sopInstanceUid())),
                            p.studyInstanceUid());
                    case CONFLICTING_DUPLICATE -> {
                        refused.add(i.storageKey());
                        result.failed(new StoreResult.Failed(p.sopClassUid(), p.sopInstanceUid(),
                                StoreFailure.DUPLICATE_SOP_INSTANCE, "SOP instance already stored with different content"));
                    }
                    case SERIES_IN_OTHER_STUDY -> {
                        refused.add(i.storageKey());
                        result.failed(new StoreResult.Failed(p.sopClassUid(), p.sopInstanceUid(),
                                StoreFailure.PROCESSING_FAILURE, "series is already stored under another study"));
                    }
                    case STUDY_OF_ANOTHER_PATIENT -> {
                        refused.add(i.storageKey());
                        result.failed(new StoreResult.Failed(p.sopClassUid(), p.sopInstanceUid(),
                                StoreFailure.PROCESSING_FAILURE, "study is already stored for another patient (PatientID, IssuerOfPatientID)"));
                    }
                }
            }
            try {
                removeUnindexed(refused);
                settled = true;
            } catch (IOException e) {
                // Left to the journal: recovery at the next start removes the refused objects no row names.
                LOG.warnf("STOW could not remove %d refused objects (%s); left to recovery", refused.size(), Failures.describe(e));
            }
        } finally {
            if (settled) {
                try {
                    journal.close();
                } catch (IOException e) {
                    // The answer is decided (stored, or failed as the index said): an entry left
                    // open only makes recovery look again, and it removes only what no row names.
                    LOG.warnf("STOW could not settle its journal entry (%s); left to recovery", Failures.describe(e));
                }
            }
        }
    }

    /**
     * Indexes the batch and, when any instance is kept, writes the request's audit row in the
     * same transaction: a stored instance is never without its row, even if the process dies
     * between the two (a SIGKILL after the commit leaves both, before it neither).
     */
    @Transactional(rollbackOn = Exception.class)
    Map<NewInstance, IndexOutcome> indexAndRecord(List<NewInstance> batch) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Map<NewInstance, IndexOutcome> o = IndexWriter.insert(c, batch, IndexTarget.ORIGINAL);
            List<NewInstance> kept = batch.stream()
                    .filter(i -> o.get(i) == IndexOutcome.STORED || o.get(i) == IndexOutcome.ALREADY_STORED).toList();
            List<String> studies = kept.stream().map(i -> i.parsed().studyInstanceUid()).distinct().toList();
            // The row names every study the request's instances were for, refused ones too: an
            // instance refused from a study (another patient's, other content under a stored UID)
            // is an attempt on that study's record, on its trail and its patient's.
            audit.studies(java.util.stream.Stream.concat(studies.stream(), batch.stream().map(i -> i.parsed().studyInstanceUid()))
                    .distinct().toList());
            // An instance sent twice in one request is one instance on record, counted once.
            int instances = (int) kept.stream().map(i -> i.parsed().sopInstanceUid()).distinct().count();
            audit.instances(instances);
            if (!kept.isEmpty()) {
                AuditEvent stored = audit.event(AuditEvent.Outcome.SUCCESS, null, instances);
                // A new study of a patient whose consent covers all their studies gained its
                // consent in this transaction (V10's trigger): on record beside the store.
                List<String> covered = patientConsents.carriedOutOnStore(c, studies);
                auditLog.append(c, stored);
                if (!covered.isEmpty()) {
                    auditLog.append(c, stored.withAct("consent recorded", AuditEvent.PATIENT_RECORD, covered)
                            .withDetail("a patient consent covers the study stored"));
                }
            }
            return o;
        }
    }

    /**
     * A study that gained instances is seen anew by de-identified callers: its views are rebuilt on
     * need. After the commit, in a transaction of its own: a failure or a crash between the two
     * leaves a view without the new instances, so a store of the same instances again (a client's
     * retry, answered as already stored) drops the study's views too.
     */
    private void dropDerivedViews(List<NewInstance> batch, Map<NewInstance, IndexOutcome> outcomes) throws IOException {
        if (derivatives.views().isEmpty()) {
            return;
        }
        for (String study : batch.stream().filter(i -> outcomes.get(i) == IndexOutcome.STORED
                        || outcomes.get(i) == IndexOutcome.ALREADY_STORED)
                .map(i -> i.parsed().studyInstanceUid()).distinct().toList()) {
            derivatives.views().get().dropStudy(study);
        }
    }

    private void removeUnindexed(List<String> keys) throws IOException {
        for (String key : keys) {
            try {
                if (!instances.isStorageKeyIndexed(key)) {
                    store.delete(key);
                }
            } catch (SQLException e) {
                // Left to the journal: recovery at the next start removes what no row refers to.
                throw new IOException("index look-up", e);
            }
        }
    }

    /** The UIDs a failed part names, as far as they can be read (docs/conformance.md, "STOW-RS"). */
    private static String[] salvageSopUids(java.nio.file.Path file, DicomReader.Limits limits) {
        try (InputStream in = new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(file), 64 * 1024)) {
            return org.veil.dicom.DicomReader.salvageSopUids(in, limits);
        } catch (IOException e) {
            return new String[2];
        }
    }
}
