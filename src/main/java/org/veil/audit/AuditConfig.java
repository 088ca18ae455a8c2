package org.veil.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** {@code veil.audit.*}: how Veil names itself in audit messages, and where it sends them (docs/consent-and-policy.md). */
@ConfigMapping(prefix = "veil.audit")
public interface AuditConfig {

    /** AuditSourceID of every message: this installation. */
    @WithDefault("veil")
    String sourceId();

    /** AuditEnterpriseSiteID: the hospital, if given. */
    Optional<String> siteId();

    Syslog syslog();

    /**
     * The key of the audit chain (an HMAC key, at least 16 bytes); never logged. Without it the
     * chain is unkeyed SHA-256, which detects careless edits but not a database owner who
     * recomputes the chain; Veil logs a warning.
     */
    Optional<String> secret();

    /**
     * Where keyed rows begin, as recorded when the secret was set (the {@code keyedFrom} of the
     * first verification after it; 1 for a trail keyed from its first row): an unkeyed row from
     * there on breaks the chain. Without it, a database owner could rewrite the whole trail as if
     * it had never been keyed. A verification may also name it ({@code ?keyedSince=}).
     */
    Optional<Long> keyedSince();

    /** A copy of every audit row, as a DICOM audit message, to a syslog collector (RFC 5424). */
    interface Syslog {
        /** The collector; forwarding is off without it. */
        Optional<String> host();

        @WithDefault("514")
        int port();

        /** {@code tcp} (RFC 6587 octet counting) or {@code udp} (RFC 5426, one datagram a message). */
        @WithDefault("tcp")
        String protocol();

        /**
         * The largest message sent, header included: RFC 5425 6.3 says a collector must take
         * 2,048 bytes and should take 8,192. A row that names more studies and patients than fit
         * is sent with as many as fit and how many more it holds.
         */
        @WithDefault("8192")
        int maxMessageBytes();

        /** How often committed rows are looked for and sent. */
        @WithDefault("1000")
        long intervalMillis();
    }
}
