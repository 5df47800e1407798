package dev.metricsgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapAdminTest {

    @TempDir
    Path dataDir;

    @Test
    void anEmptyStoreGetsAnAdminWithAGeneratedKeyPrintedOnce() {
        ServiceAccountStore store = new ServiceAccountStore(dataDir);

        Optional<String> line = BootstrapAdmin.ensureAdmin(store, null);

        assertThat(line).hasValueSatisfying(text -> assertThat(text).matches("Bootstrap admin API Key: [0-9a-f]{64}"));
        String key = line.orElseThrow().substring("Bootstrap admin API Key: ".length());
        ServiceAccount admin = new ServiceAccountRegistry(store).authenticate(key).orElseThrow();
        assertThat(admin.roles()).containsExactly(Role.ADMIN);
    }

    @Test
    void aStoreWithAccountsIsLeftAlone() {
        ServiceAccountStore store = new ServiceAccountStore(dataDir);
        store.create("existing", "", Set.of(Role.METRICS_READER));

        assertThat(BootstrapAdmin.ensureAdmin(store, null)).isEmpty();
        assertThat(store.list()).hasSize(1);
    }

    @Test
    void aSuppliedKeyIsUsedAndNotPrinted() {
        ServiceAccountStore store = new ServiceAccountStore(dataDir);
        String key = "supplied-by-the-container-0123456789";

        Optional<String> line = BootstrapAdmin.ensureAdmin(store, key);

        assertThat(line).hasValueSatisfying(text -> assertThat(text).doesNotContain(key));
        assertThat(new ServiceAccountRegistry(store).authenticate(key)).isPresent();
    }

    @Test
    void aBlankSuppliedKeyMeansGenerateOne() {
        assertThat(BootstrapAdmin.ensureAdmin(new ServiceAccountStore(dataDir), "  "))
                .hasValueSatisfying(text -> assertThat(text).startsWith("Bootstrap admin API Key: "));
    }

    @Test
    void aTooShortSuppliedKeyIsRejected() {
        ServiceAccountStore store = new ServiceAccountStore(dataDir);

        assertThatThrownBy(() -> BootstrapAdmin.ensureAdmin(store, "short"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 32 characters");
        assertThat(store.isEmpty()).isTrue();
    }
}
