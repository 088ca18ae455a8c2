package org.veil.derivatives;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.veil.deid.DeidSettings;
import org.veil.deid.Deidentifier;
import org.veil.deid.Profiles;
import org.veil.deid.Tesseract;
import org.veil.storage.BlobStore;

/**
 * The server's de-identification: profiles, and the derivative store when a secret is
 * configured. Without a secret Veil still serves treatment; de-identified access then answers
 * that it is not configured rather than invent a secret. Built at start-up, so that a bad
 * secret, profile or rule file stops Veil before it serves anything.
 */
@io.quarkus.runtime.Startup
@ApplicationScoped
public class Deidentification {
    private static final Logger LOG = Logger.getLogger(Deidentification.class);

    private final Profiles profiles;
    private final Optional<DerivativeStore> store;
    private final Optional<DerivedViews> views;
    private final AgroalDataSource db;

    @Inject
    public Deidentification(DeidConfig config, AgroalDataSource db, Transactions tx, BlobStore blobs, org.veil.dicom.ComputeGate gate,
                            org.veil.dicom.DicomReader.Limits readerLimits) {
        this.db = db;
        this.profiles = DeidSettings.profiles(config.profiles());
        // Derived UIDs are how the server keeps each purpose's and share's copies apart and finds
        // a derived UID's original; a profile keeping the originals would serve them, collide
        // across contexts and answer 404 to every retrieval. The offline command may keep them.
        profiles.all().values().stream().filter(p -> p.has(org.veil.deid.Option.RETAIN_UIDS)).findFirst().ifPresent(p -> {
            throw new IllegalStateException("veil.deid.profiles." + p.name() + ": retain-uids cannot be served, the server answers with"
                    + " derived UIDs only; keep it for the offline command (make deid)");
        });
        Optional<DerivativeStore> s = Optional.empty();
        Optional<DerivedViews> v = Optional.empty();
        if (config.secret().filter(secret -> !secret.isBlank()).isPresent()) {
            try {
                Deidentifier engine = DeidSettings.engine(DeidSettings.keys(config.secret()), config.pixelRules(),
                        config.descriptorWords(), config.maxDecodedBytes());
                s = Optional.of(new DerivativeStore(db, tx, blobs, engine, config.cacheMaxBytes()));
                v = Optional.of(new DerivedViews(db, tx, blobs, s.get(), readerLimits, gate));
                LOG.infof("de-identification ready: %d profiles, key version %s, text reader Tesseract %s", profiles.all().size(),
                        engine.keys().version(), Tesseract.version());
                warnWithoutTextReader();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            LOG.warn("no de-identification secret (VEIL_DEID_SECRET): only treatment can reach images");
        }
        this.store = s;
        this.views = v;
    }

    /**
     * Whether Tesseract's model loads is found out beside the start, not before it: loading it
     * takes 80-300 ms, and the handle made for the look is let go (docs/deployment.md, "Native
     * executable"). Reads do not wait for this; without a model they withhold what shows text.
     */
    private static void warnWithoutTextReader() {
        // A platform thread: a foreign call pins a virtual thread's carrier for as long as it runs.
        Thread.ofPlatform().daemon().name("text-reader-check").start(() -> Tesseract.problem().ifPresent(problem -> LOG.warnf(
                "no text reader (%s; install libtesseract5 and tesseract-ocr-eng): images that show lines of text are withheld",
                problem)));
    }

    public Profiles profiles() {
        return profiles;
    }

    /** The derivative store; empty when no secret is configured. */
    public Optional<DerivativeStore> store() {
        return store;
    }

    /** The de-identified index; empty when no secret is configured. */
    public Optional<DerivedViews> views() {
        return views;
    }

    /** Whether a storage key belongs to a derivative, with or without a secret: for crash recovery. */
    public boolean isStorageKeyUsed(String key) throws IOException {
        return DerivativeFiles.isStorageKeyUsed(db, key);
    }
}
