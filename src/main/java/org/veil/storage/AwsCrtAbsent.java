package org.veil.storage;

import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;
import software.amazon.awssdk.checksums.SdkChecksum;
import software.amazon.awssdk.checksums.spi.ChecksumAlgorithm;

/**
 * For the native executable only: the AWS SDK names aws-crt's checksum classes directly, and Veil
 * does not ship aws-crt (its PUTs use the SDK's own CRC32). Without these replacements the image
 * build stops on the missing classes; with them, asking for a CRT checksum fails as it does on the
 * JVM without aws-crt. The JVM never loads this class. (A substitution may declare no fields of its
 * own, hence the repeated message.)
 */
@TargetClass(className = "software.amazon.awssdk.checksums.internal.ChecksumProvider")
final class AwsCrtAbsent {
    private AwsCrtAbsent() {
    }

    @Substitute
    static SdkChecksum createCrtCrc32C() {
        throw new IllegalStateException("this checksum needs software.amazon.awssdk.crt:aws-crt, which Veil does not ship");
    }

    @Substitute
    static SdkChecksum crtXxHash(ChecksumAlgorithm algorithm) {
        throw new IllegalStateException("this checksum needs software.amazon.awssdk.crt:aws-crt, which Veil does not ship");
    }

    @Substitute
    static SdkChecksum crc64NvmeCrtImplementation() {
        throw new IllegalStateException("this checksum needs software.amazon.awssdk.crt:aws-crt, which Veil does not ship");
    }
}
