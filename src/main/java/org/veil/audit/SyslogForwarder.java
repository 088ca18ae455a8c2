package org.veil.audit;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.veil.logging.Failures;

/**
 * Copies every audit row, once committed, to a syslog collector as a DICOM audit message in an
 * RFC 5424 frame (MSGID {@code DICOM+RFC3881}, facility authpriv). The database row is the
 * record; this is its copy, sent after the fact, so a collector outage never holds up a request.
 * The position is kept in {@code audit_forward} and advanced only past rows the collector took;
 * with several replicas, one at a time forwards (an advisory lock), so rows go out once, in order.
 */
@ApplicationScoped
public class SyslogForwarder {
    private static final Logger LOG = Logger.getLogger(SyslogForwarder.class);
    private static final long FORWARD_LOCK = 0x5645494C53595347L;
    private static final int BATCH = 200;
    private static final int AUTHPRIV = 10;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneOffset.UTC);

    private final AuditConfig config;
    private final AuditLog audit;
    private final AgroalDataSource db;
    private ScheduledExecutorService timer;
    private Socket tcp;
    private boolean failing;
    private final String hostname;
    private final String procId = Long.toString(ProcessHandle.current().pid());

    public SyslogForwarder(AuditConfig config, AuditLog audit, AgroalDataSource db) {
        this.config = config;
        this.audit = audit;
        this.db = db;
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            name = "-";
        }
        this.hostname = name.isEmpty() ? "-" : name;
    }

    void start(@Observes StartupEvent event) {
        if (config.syslog().host().isEmpty()) {
            return;
        }
        AuditConfig.Syslog s = config.syslog();
        if (!s.protocol().equals("tcp") && !s.protocol().equals("udp")) {
            throw new IllegalStateException("veil.audit.syslog.protocol must be tcp or udp");
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "veil-audit-syslog");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::forwardQuietly, s.intervalMillis(), s.intervalMillis(), TimeUnit.MILLISECONDS);
        LOG.infof("audit messages are copied to syslog at %s:%d over %s", s.host().get(), s.port(), s.protocol());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdown();
        }
        closeTcp();
    }

    private void forwardQuietly() {
        try {
            forward();
            if (failing) {
                LOG.info("the syslog collector takes audit messages again");
                failing = false;
            }
        } catch (IOException | SQLException | RuntimeException e) {
            if (!failing) {
                LOG.warnf("audit messages cannot be copied to syslog (%s); retrying, nothing is lost", Failures.describe(e));
                failing = true;
            }
            closeTcp();
        }
    }

    /**
     * Sends what was committed since the last position, and moves the position past what was
     * sent. A send that fails mid-batch ends with an IOException, which does not roll back: the
     * position of what did go out is saved, so nothing is sent twice or skipped.
     */
    @Transactional(rollbackOn = SQLException.class)
    void forward() throws IOException, SQLException {
        String target = config.syslog().protocol() + "://" + config.syslog().host().orElseThrow() + ":" + config.syslog().port();
        try (Connection c = db.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
                s.setLong(1, FORWARD_LOCK);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return;
                    }
                }
            }
            long position = position(c, target);
            List<AuditLog.Stored> rows = audit.after(c, position, BATCH);
            try {
                for (AuditLog.Stored row : rows) {
                    send(frame(row));
                    position = row.id();
                }
            } finally {
                save(c, target, position);
            }
        }
    }

    /** RFC 5424: PRI VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA, then the message in UTF-8 with a BOM. */
    byte[] frame(AuditLog.Stored row) {
        int severity = row.event().outcome() == AuditEvent.Outcome.SUCCESS ? 5 : 4;
        // The row's place in the chain as structured data (RFC 5424 6.3; 32473 is the documentation
        // enterprise number of RFC 5612): a collector holds every head the trail ever had, so a
        // rewrite or a truncation of the database's tail shows against it (docs/consent-and-policy.md).
        String chain = "[veilChain@32473 id=\"" + row.id() + "\" hash=\"" + row.hash() + "\" previous=\"" + row.previousHash() + "\""
                + audit.keyFingerprint().map(k -> " key=\"" + k + "\"").orElse("") + "]";
        String header = "<" + (AUTHPRIV * 8 + severity) + ">1 " + TIME.format(row.event().at()) + " " + hostname + " veil "
                + procId + " IHE+RFC-3881 " + chain + " ";
        byte[] head = header.getBytes(StandardCharsets.US_ASCII);
        // The message within what the collector takes (a datagram, at most 65,507 bytes): a search
        // that names a thousand studies would otherwise never go, and hold back every row after it.
        int room = Math.min(config.syslog().maxMessageBytes(), config.syslog().protocol().equals("udp") ? 65_507 : Integer.MAX_VALUE)
                - head.length - 3;
        byte[] xml = DicomAuditMessage.of(row, config.sourceId(), config.siteId(), room).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + 3 + xml.length];
        System.arraycopy(head, 0, out, 0, head.length);
        out[head.length] = (byte) 0xEF;
        out[head.length + 1] = (byte) 0xBB;
        out[head.length + 2] = (byte) 0xBF;
        System.arraycopy(xml, 0, out, head.length + 3, xml.length);
        return out;
    }

    private void send(byte[] message) throws IOException {
        AuditConfig.Syslog s = config.syslog();
        if (s.protocol().equals("udp")) {
            try (DatagramSocket socket = new DatagramSocket()) {
                socket.send(new DatagramPacket(message, message.length, new InetSocketAddress(s.host().orElseThrow(), s.port())));
            }
            return;
        }
        if (tcp == null || tcp.isClosed()) {
            tcp = new Socket();
            tcp.connect(new InetSocketAddress(s.host().orElseThrow(), s.port()), 5000);
            tcp.setSoTimeout(5000);
        }
        // RFC 6587 octet counting: the length, a space, the message.
        OutputStream out = tcp.getOutputStream();
        out.write((message.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.write(message);
        out.flush();
    }

    private static long position(Connection c, String target) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO audit_forward (target, last_id) VALUES (?, 0) ON CONFLICT DO NOTHING")) {
            s.setString(1, target);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("SELECT last_id FROM audit_forward WHERE target = ?")) {
            s.setString(1, target);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void save(Connection c, String target, long position) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE audit_forward SET last_id = ? WHERE target = ?")) {
            s.setLong(1, position);
            s.setString(2, target);
            s.executeUpdate();
        }
    }

    private void closeTcp() {
        if (tcp != null) {
            try {
                tcp.close();
            } catch (IOException ignored) {
                // already broken
            }
            tcp = null;
        }
    }
}
