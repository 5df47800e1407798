package dev.metricsgateway.auth;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A service account as stored: who it is, what it may do, and its API keys (hashes only).
 *
 * <p>An account holds one or two keys ({@value #MAX_KEYS}): two only while a key is being
 * rotated, so clients can move to the new key before the old one is revoked. Any of its
 * unexpired keys authenticates it.
 *
 * <p>Immutable and validated when built, so a loaded store can never hold a nameless, roleless
 * or keyless account. {@link #toString()} leaves the key hashes out.
 *
 * @param id          32 lowercase hex characters, unique within the store
 * @param name        1 to {@value #MAX_NAME_LENGTH} characters, no control characters
 * @param description free text up to {@value #MAX_DESCRIPTION_LENGTH} characters; {@code null}
 *                    becomes {@code ""}
 * @param roles       at least one role (an unmodifiable {@link EnumSet} copy)
 * @param keys        1 to {@value #MAX_KEYS} keys with distinct ids, oldest first (an
 *                    unmodifiable copy)
 * @param createdAt   when the account was created
 */
public record ServiceAccount(String id, String name, String description, Set<Role> roles, List<AccountKey> keys,
                             Instant createdAt) {

    /** Longest accepted name, in characters (as for label values elsewhere in the gateway). */
    public static final int MAX_NAME_LENGTH = 128;

    /** Longest accepted description, in characters. */
    public static final int MAX_DESCRIPTION_LENGTH = 1024;

    /** Most keys an account holds at once: the current one and the one replacing it. */
    public static final int MAX_KEYS = 2;

    public ServiceAccount {
        if (id == null || id.length() != ApiKeys.ID_HEX_LENGTH || !ApiKeys.isLowerHex(id)) {
            throw new IllegalArgumentException(id + ": id must be " + ApiKeys.ID_HEX_LENGTH
                    + " lowercase hex characters");
        }
        name = requireValidName(name);
        description = requireValidDescription(description);
        roles = requireValidRoles(roles);
        keys = requireValidKeys(keys);
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** The key with this id, if the account holds it. */
    public Optional<AccountKey> key(String keyId) {
        return keys.stream().filter(key -> key.id().equals(keyId)).findFirst();
    }

    /** This account with {@code key} added after its current keys. */
    public ServiceAccount withKey(AccountKey key) {
        List<AccountKey> more = new ArrayList<>(keys);
        more.add(key);
        return new ServiceAccount(id, name, description, roles, more, createdAt);
    }

    /** This account without the key {@code keyId}. */
    public ServiceAccount withoutKey(String keyId) {
        List<AccountKey> fewer = new ArrayList<>(keys);
        fewer.removeIf(key -> key.id().equals(keyId));
        return new ServiceAccount(id, name, description, roles, fewer, createdAt);
    }

    /** Whether this account may do what {@code required} allows (admin may do everything). */
    public boolean hasRole(Role required) {
        for (Role role : roles) {
            if (role.implies(required)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns {@code name} if it is a valid account name.
     *
     * @throws IllegalArgumentException {@code "<name>: <rule>"}
     */
    public static String requireValidName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("\"" + (name == null ? "" : name) + "\": name must not be empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(name.substring(0, 20) + "…: name must be at most "
                    + MAX_NAME_LENGTH + " characters");
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            // Names end up in a table on a terminal: a newline or escape would corrupt it.
            throw new IllegalArgumentException(name.strip() + ": name must not contain control characters");
        }
        return name;
    }

    /**
     * Returns {@code description}, or {@code ""} for {@code null}, if it is a valid description.
     *
     * @throws IllegalArgumentException when it is too long
     */
    public static String requireValidDescription(String description) {
        if (description == null) {
            return "";
        }
        if (description.length() > MAX_DESCRIPTION_LENGTH) {
            throw new IllegalArgumentException(description.substring(0, 20) + "…: description must be at most "
                    + MAX_DESCRIPTION_LENGTH + " characters");
        }
        return description;
    }

    /**
     * Returns an unmodifiable {@link EnumSet} copy of {@code roles}.
     *
     * @throws IllegalArgumentException when there is no role
     */
    public static Set<Role> requireValidRoles(Collection<Role> roles) {
        if (roles == null || roles.isEmpty()) {
            throw new IllegalArgumentException("[]: at least one role is required; valid roles: "
                    + Role.validNames());
        }
        EnumSet<Role> copy = EnumSet.noneOf(Role.class);
        for (Role role : roles) {
            copy.add(Objects.requireNonNull(role, "role"));
        }
        return Collections.unmodifiableSet(copy);
    }

    /**
     * Returns an unmodifiable copy of {@code keys}.
     *
     * @throws IllegalArgumentException when there is no key, more than {@value #MAX_KEYS}, or two
     *         with the same id
     */
    public static List<AccountKey> requireValidKeys(List<AccountKey> keys) {
        if (keys == null || keys.isEmpty()) {
            throw new IllegalArgumentException("[]: an account needs at least one key");
        }
        List<AccountKey> copy = List.copyOf(keys);
        if (copy.size() > MAX_KEYS) {
            throw new IllegalArgumentException(copy.size() + " keys: an account holds at most " + MAX_KEYS);
        }
        Set<String> ids = new HashSet<>();
        for (AccountKey key : copy) {
            if (!ids.add(key.id())) {
                throw new IllegalArgumentException(key.id() + ": duplicate key id");
            }
        }
        return copy;
    }

    @Override
    public String toString() {
        return "ServiceAccount[id=" + id + ", name=" + name + ", description=" + description
                + ", roles=" + roles + ", keys=" + keys + ", createdAt=" + createdAt + "]";
    }
}
