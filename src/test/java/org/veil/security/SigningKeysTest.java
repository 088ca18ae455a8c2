package org.veil.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.Uni;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * When {@link SigningKeys} fetches the provider's key set and what it admits between fetches,
 * with the fetch answering sets (or failures) in turn and a clock the test moves. The real
 * provider's withdrawal is {@code WithdrawnSigningKeyTest}.
 */
class SigningKeysTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final AtomicInteger fetches = new AtomicInteger();
    /** What each fetch answers in turn: a set, a failure, or a Uni (one that answers later, or never). */
    private final Deque<Object> answers = new ArrayDeque<>();
    private final SigningKeys keys = new SigningKeys(Duration.ofSeconds(60), () -> {
        fetches.incrementAndGet();
        Object next = answers.isEmpty() ? new IllegalStateException("provider down") : answers.poll();
        @SuppressWarnings("unchecked")
        Uni<Set<String>> answer = next instanceof Set<?> set ? Uni.createFrom().item((Set<String>) set)
                : next instanceof Uni<?> later ? (Uni<Set<String>>) later : Uni.createFrom().failure((Throwable) next);
        return answer;
    }, now::get, "Default");

    @Test
    void aKeyWithdrawnFromTheSetIsNoLongerAdmittedAndAKeptTokenOfItGoesToTheFullCheck() {
        answers.add(Set.of("old", "leaked"));
        assertThat(admits(token("leaked"))).isTrue();
        assertThat(fetches).hasValue(1);
        assertThat(keys.keyStillPublished(token("leaked"))).isTrue();

        answers.add(Set.of("old"));
        keys.fetchNow().done().await().indefinitely();
        assertThat(keys.keyStillPublished(token("leaked"))).isFalse();
        assertThat(admits(token("leaked"))).isFalse();
        assertThat(admits(token("old"))).isTrue();
    }

    @Test
    void aKeyIdNotInTheSetFetchesItAgainAtOnceButNotMoreOftenThanTheMissInterval() {
        answers.add(Set.of("old"));
        keys.fetchNow().done().await().indefinitely(); // the timer's
        assertThat(admits(token("old"))).isTrue();
        answers.add(Set.of("old", "rotated"));
        assertThat(admits(token("rotated"))).as("a key added just after the timer's fetch").isTrue();
        assertThat(fetches).hasValue(2);

        // A key id the provider does not publish: one more fetch, then none for the miss interval.
        answers.add(Set.of("old", "rotated"));
        now.addAndGet(SigningKeys.MISS_INTERVAL.toNanos());
        assertThat(admits(token("unknown"))).isFalse();
        assertThat(admits(token("unknown"))).isFalse();
        assertThat(fetches).hasValue(3);
        now.addAndGet(SigningKeys.MISS_INTERVAL.toNanos());
        answers.add(Set.of("old", "rotated"));
        assertThat(admits(token("unknown"))).isFalse();
        assertThat(fetches).hasValue(4);
    }

    @Test
    void aFailedFetchLeavesTheLastSetAndBeforeAnySetTheVerificationStandsAlone() {
        assertThat(admits(token("any"))).as("no set fetched yet: quarkus-oidc's verification alone").isTrue();
        assertThat(fetches).hasValue(1);

        answers.add(Set.of("old"));
        now.addAndGet(SigningKeys.MISS_INTERVAL.toNanos());
        keys.fetchNow().done().await().indefinitely();
        keys.fetchNow().done().await().indefinitely(); // the provider is down now
        assertThat(fetches).hasValue(3);
        assertThat(admits(token("old"))).isTrue();
        assertThat(admits(token("gone"))).isFalse();
    }

    @Test
    void aTokenNamingNoKeyIsRefusedOnceASetIsKnown() {
        answers.add(Set.of("old"));
        keys.fetchNow().done().await().indefinitely();
        String noKid = b64("{\"alg\":\"RS256\"}") + ".e30.c2ln";
        assertThat(SigningKeys.keyId(noKid)).isNull();
        assertThat(SigningKeys.keyId("not a token")).isNull();
        assertThat(SigningKeys.keyId("!!!.e30.c2ln")).isNull();
        assertThat(admits(noKid)).isFalse();
        assertThat(keys.keyStillPublished(noKid)).isFalse();
    }

    @Test
    void offTrustsEveryKeyAndFetchesNothing() {
        SigningKeys off = new SigningKeys(Duration.ZERO, () -> {
            fetches.incrementAndGet();
            return Uni.createFrom().item(Set.of());
        }, now::get, "Default");
        assertThat(off.admits(token("any")).await().indefinitely()).isTrue();
        assertThat(off.keyStillPublished(token("any"))).isTrue();
        assertThat(fetches).hasValue(0);
    }

    /**
     * A key added after the timer's fetch began, named by a token while that fetch still runs:
     * the miss joins it, finds the old set, and fetches once more rather than refusing.
     */
    @Test
    void aMissThatJoinsAFetchBegunBeforeItFetchesOnceMore() {
        java.util.concurrent.CompletableFuture<Set<String>> slow = new java.util.concurrent.CompletableFuture<>();
        answers.add(Uni.createFrom().completionStage(slow));
        answers.add(Set.of("old", "added"));
        Uni<Void> timers = keys.fetchNow().done();
        timers.subscribe().with(done -> {
        });
        now.addAndGet(1_000_000_000L);
        Uni<Boolean> answer = keys.admits(token("added"));
        java.util.concurrent.CompletableFuture<Boolean> admitted = answer.subscribeAsCompletionStage().toCompletableFuture();
        assertThat(admitted).isNotDone();
        slow.complete(Set.of("old"));
        assertThat(admitted.join()).isTrue();
        assertThat(fetches).hasValue(2);
    }

    /** A provider that never answers ends the fetch within its bound, and the set before it stands. */
    @Test
    void aFetchThatNeverAnswersEndsAndTheSetBeforeStands() {
        answers.add(Set.of("old"));
        keys.fetchNow().done().await().indefinitely();
        answers.add(Uni.createFrom().nothing());
        // A hang guard, not a speed target: the fetch's own bound is 5 s.
        keys.fetchNow().done().await().atMost(Duration.ofSeconds(60));
        assertThat(fetches).hasValue(2);
        assertThat(admits(token("old"))).isTrue();
        answers.add(Set.of("old"));
        assertThat(keys.fetchNow().done().await().atMost(Duration.ofSeconds(60))).as("a new fetch after it").isNull();
        assertThat(fetches).hasValue(3);
    }

    @Test
    void onlyTheDefaultTenantsSignedTokensAreHeldToTheSet() {
        answers.add(Set.of("old"));
        keys.fetchNow().done().await().indefinitely();
        io.quarkus.security.identity.SecurityIdentity ours = io.quarkus.security.runtime.QuarkusSecurityIdentity.builder()
                .setPrincipal(() -> "someone").addAttribute("tenant-id", "Default").build();
        io.quarkus.security.identity.SecurityIdentity another = io.quarkus.security.runtime.QuarkusSecurityIdentity.builder()
                .setPrincipal(() -> "someone").addAttribute("tenant-id", "partner").build();
        assertThat(keys.checks(ours)).isTrue();
        assertThat(keys.checks(another)).isFalse();
        String encrypted = b64("{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\",\"kid\":\"veils-own\"}") + ".a.b.c.d";
        assertThat(admits(encrypted)).as("an encrypted token names Veil's key, not the provider's").isTrue();
        assertThat(keys.keyStillPublished(encrypted)).isTrue();
    }

    @Test
    void theKeyIdsOfAJwkSet() throws Exception {
        assertThat(SigningKeys.keyIds("""
                {"keys":[{"kid":"a","kty":"RSA","use":"sig"},{"kid":"b","kty":"RSA","use":"enc"},{"kty":"EC"},{"kid":7}]}"""))
                .containsExactlyInAnyOrder("a", "b");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SigningKeys.keyIds("{\"keys\":{}}"))
                .isInstanceOf(java.io.IOException.class);
    }

    private boolean admits(String token) {
        return keys.admits(token).await().indefinitely();
    }

    private static String token(String kid) {
        return b64("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}") + ".e30.c2ln";
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
