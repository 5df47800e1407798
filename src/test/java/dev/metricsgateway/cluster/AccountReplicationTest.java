package dev.metricsgateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.auth.CreatedServiceAccount;
import dev.metricsgateway.auth.Role;
import dev.metricsgateway.auth.ServiceAccountRegistry;
import dev.metricsgateway.auth.ServiceAccountStore;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Service accounts made on one member reach the others' stores through the shared copy. */
class AccountReplicationTest {

    @TempDir
    Path a;
    @TempDir
    Path b;

    private final SharedBytes shared = SharedBytes.inMemory();

    private static boolean authenticates(Path dataDir, String key) {
        return new ServiceAccountRegistry(new ServiceAccountStore(dataDir)).authenticate(key).isPresent();
    }

    @Test
    void anAccountCreatedOnOneMemberWorksOnAnotherAfterOneSyncOfEach() {
        new ServiceAccountStore(a).create("admin", "", Set.of(Role.ADMIN));
        AccountReplication first = new AccountReplication(shared, a, "a");
        AccountReplication second = new AccountReplication(shared, b, "b");
        first.join();
        second.join();

        CreatedServiceAccount reader = new ServiceAccountStore(a).create("scraper", "", Set.of(Role.METRICS_READER));
        assertThat(authenticates(b, reader.plaintextKey())).isFalse();
        first.sync();
        second.sync();

        assertThat(authenticates(b, reader.plaintextKey())).isTrue();
    }

    @Test
    void aDeletionMadeOnTheSecondMemberReachesTheFirst() {
        CreatedServiceAccount reader = new ServiceAccountStore(a).create("scraper", "", Set.of(Role.METRICS_READER));
        AccountReplication first = new AccountReplication(shared, a, "a");
        AccountReplication second = new AccountReplication(shared, b, "b");
        first.join();
        second.join();
        assertThat(authenticates(b, reader.plaintextKey())).isTrue();

        new ServiceAccountStore(b).delete(reader.account().id());
        second.sync();
        first.sync();

        assertThat(authenticates(a, reader.plaintextKey())).isFalse();
    }

    @Test
    void aJoiningMemberTakesTheClustersAccountsOverItsOwn() {
        CreatedServiceAccount clusters = new ServiceAccountStore(a).create("admin", "", Set.of(Role.ADMIN));
        CreatedServiceAccount own = new ServiceAccountStore(b).create("admin", "", Set.of(Role.ADMIN));
        new AccountReplication(shared, a, "a").join();

        boolean replaced = new AccountReplication(shared, b, "b").join();

        assertThat(replaced).isTrue();
        assertThat(authenticates(b, clusters.plaintextKey())).isTrue();
        assertThat(authenticates(b, own.plaintextKey())).isFalse();
    }

    @Test
    void aSyncWithoutChangesWritesNothing() throws Exception {
        new ServiceAccountStore(a).create("admin", "", Set.of(Role.ADMIN));
        AccountReplication first = new AccountReplication(shared, a, "a");
        AccountReplication second = new AccountReplication(shared, b, "b");
        first.join();
        second.join();
        var modified = java.nio.file.Files.getLastModifiedTime(b.resolve(ServiceAccountStore.FILE_NAME));
        byte[] published = shared.get();

        first.sync();
        second.sync();

        assertThat(shared.get()).isEqualTo(published);
        assertThat(java.nio.file.Files.getLastModifiedTime(b.resolve(ServiceAccountStore.FILE_NAME))).isEqualTo(modified);
    }
}
