package dev.metricsgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void generatedKeysAre64LowercaseHexCharacters() {
        assertThat(ApiKeys.generate()).hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void generatedKeysNeverRepeat() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            keys.add(ApiKeys.generate());
        }
        assertThat(keys).hasSize(10_000);
    }

    @Test
    void generatedKeysUseEveryHexDigitEvenly() {
        // 1000 keys = 64000 digits, 4000 expected per digit, standard deviation about 61:
        // a bound of ±500 fails only for a broken generator.
        int[] counts = new int[16];
        for (int i = 0; i < 1000; i++) {
            for (char c : ApiKeys.generate().toCharArray()) {
                counts[Character.digit(c, 16)]++;
            }
        }
        for (int digit = 0; digit < 16; digit++) {
            assertThat(counts[digit]).as("digit %x", digit).isBetween(3500, 4500);
        }
    }

    @Test
    void accountIdsAre32LowercaseHexCharacters() {
        assertThat(ApiKeys.newAccountId()).matches("[0-9a-f]{32}");
        assertThat(ApiKeys.newAccountId()).isNotEqualTo(ApiKeys.newAccountId());
    }

    @Test
    void keyIdsAre16LowercaseHexCharacters() {
        assertThat(ApiKeys.newKeyId()).matches("[0-9a-f]{16}");
        assertThat(ApiKeys.newKeyId()).isNotEqualTo(ApiKeys.newKeyId());
    }

    @Test
    void theLegacyKeyIdIsAStableKeyIdUnrelatedToTheHashText() {
        String hash = ApiKeys.hash("a-key-stored-before-rotation-existed");

        assertThat(ApiKeys.legacyKeyId(hash)).isEqualTo(ApiKeys.legacyKeyId(hash)).matches("[0-9a-f]{16}");
        assertThat(hash).doesNotContain(ApiKeys.legacyKeyId(hash));
        assertThat(ApiKeys.legacyKeyId(hash)).isNotEqualTo(ApiKeys.legacyKeyId(ApiKeys.hash("another")));
    }

    @Test
    void hashIsTheSha256HexOfTheKey() {
        // FIPS 180-2 test vector for "abc".
        assertThat(ApiKeys.hash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void matchesAcceptsTheKeyOfTheHash() {
        String key = ApiKeys.generate();
        assertThat(ApiKeys.matches(key, ApiKeys.hash(key))).isTrue();
    }

    @Test
    void matchesRejectsKeysDifferingInTheFirstOrLastCharacter() {
        String key = "a".repeat(63) + "b";
        String hash = ApiKeys.hash(key);
        assertThat(ApiKeys.matches("c" + key.substring(1), hash)).isFalse();
        assertThat(ApiKeys.matches(key.substring(0, 63) + "c", hash)).isFalse();
        assertThat(ApiKeys.matches(key.substring(0, 63), hash)).isFalse();
    }

    @Test
    void matchesRejectsNullKeysAndMalformedHashes() {
        String key = ApiKeys.generate();
        assertThat(ApiKeys.matches(null, ApiKeys.hash(key))).isFalse();
        assertThat(ApiKeys.matches(key, null)).isFalse();
        assertThat(ApiKeys.matches(key, "not-a-hash")).isFalse();
        assertThat(ApiKeys.matches(key, ApiKeys.hash(key).toUpperCase())).isFalse();
    }
}
