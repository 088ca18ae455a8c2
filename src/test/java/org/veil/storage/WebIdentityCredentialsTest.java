package org.veil.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.internal.WebIdentityCredentialsUtils;

/**
 * S3 on AWS without keys (docs/deployment.md): IRSA gives the pod a web identity token, which the
 * SDK's default credentials chain exchanges through STS, and only with the STS module on the
 * class path; without it the chain skipped the token and found no credentials.
 */
class WebIdentityCredentialsTest {

    @Test
    void theStsModuleThatReadsIrsasTokenIsOnTheClassPath() throws Exception {
        assertThat(WebIdentityCredentialsUtils.factory()).as("STS's web identity factory, found by name as the SDK finds it").isNotNull();
        assertThat(WebIdentityCredentialsUtils.factory().getClass().getName()).startsWith("software.amazon.awssdk.services.sts.");
        Path token = Files.createTempFile("irsa-token", ".jwt");
        try {
            Files.writeString(token, "not-a-real-token");
            // Built as the default chain builds it from AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE,
            // which throws without the STS module (asking it for credentials would call STS).
            try (WebIdentityTokenFileCredentialsProvider provider = WebIdentityTokenFileCredentialsProvider.builder()
                    .roleArn("arn:aws:iam::123456789012:role/veil").webIdentityTokenFile(token).build()) {
                assertThat(provider.toString()).startsWith("WebIdentityTokenFileCredentialsProvider");
            }
        } finally {
            Files.deleteIfExists(token);
        }
    }
}
