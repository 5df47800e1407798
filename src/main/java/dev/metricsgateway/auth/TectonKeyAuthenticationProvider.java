package dev.metricsgateway.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.authorization.Authorization;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a {@code Tecton-key} ({@link TokenCredentials}) against the {@link ServiceAccountRegistry}.
 * On success the {@link User}'s principal holds the account's {@code id} and {@code name} (never
 * the key), and its authorizations hold one {@link RoleBasedAuthorization} per role, under the
 * provider id {@value #PROVIDER_ID}.
 *
 * <p>Threading: thread-safe and non-blocking (the registry lookup is in memory); the returned
 * future is already complete.
 */
public final class TectonKeyAuthenticationProvider implements AuthenticationProvider {

    /** The provider id under which the roles are stored in {@link User#authorizations()}. */
    public static final String PROVIDER_ID = "tecton-key";

    private final ServiceAccountRegistry registry;

    public TectonKeyAuthenticationProvider(ServiceAccountRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public Future<User> authenticate(Credentials credentials) {
        // Never put the credentials into a message: TokenCredentials.toString() prints the token.
        if (!(credentials instanceof TokenCredentials token)) {
            return Future.failedFuture("unsupported credentials: expected a Tecton-key token");
        }
        Optional<ServiceAccount> account = registry.authenticate(token.getToken());
        if (account.isEmpty()) {
            return Future.failedFuture("invalid API key");
        }
        return Future.succeededFuture(toUser(account.get()));
    }

    /** The Vert.x user of an account: principal {@code {id, name}}, one role authorization per role. */
    public static User toUser(ServiceAccount account) {
        User user = User.create(new JsonObject().put("id", account.id()).put("name", account.name()));
        Set<Authorization> roles = new HashSet<>();
        for (Role role : account.roles()) {
            roles.add(RoleBasedAuthorization.create(role.wireName()));
        }
        user.authorizations().put(PROVIDER_ID, roles);
        return user;
    }

    /** Whether {@code user} holds {@code role} or {@link Role#ADMIN}, which implies every role. */
    public static boolean hasRole(User user, Role role) {
        return RoleBasedAuthorization.create(role.wireName()).match(user)
                || RoleBasedAuthorization.create(Role.ADMIN.wireName()).match(user);
    }
}
