package org.veil.dicom;

import java.util.Optional;

/**
 * The File Meta Information names a transfer syntax Veil does not store (PS3.18 failure C122).
 * It carries the SOP Class and Instance UIDs the File Meta Information names (Media Storage SOP
 * Class and Instance UID, PS3.10 7.1), when they are valid UIDs, so that the STOW response can
 * say which instance failed.
 */
public class UnknownTransferSyntaxException extends MalformedDicomException {
    private final String sopClassUid;
    private final String sopInstanceUid;

    public UnknownTransferSyntaxException(String sopClassUid, String sopInstanceUid) {
        super("transfer syntax is not supported");
        this.sopClassUid = InstanceParser.isValidUid(sopClassUid) ? sopClassUid : null;
        this.sopInstanceUid = InstanceParser.isValidUid(sopInstanceUid) ? sopInstanceUid : null;
    }

    public Optional<String> sopClassUid() {
        return Optional.ofNullable(sopClassUid);
    }

    public Optional<String> sopInstanceUid() {
        return Optional.ofNullable(sopInstanceUid);
    }
}
