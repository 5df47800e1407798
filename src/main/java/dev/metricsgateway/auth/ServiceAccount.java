package dev.metricsgateway.auth;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A service account as stored: who it is, what it may do, and the SHA-256 of its key.
 *
 * <p>Immutable and validated when built, so a loaded store can never hold a nameless or roleless
 * account. {@link #toString()} leaves the key hash out.
 *
 * @param id          32 lowercase hex characters, unique within the store
 * @param name        1 to {@value #MAX_NAME_LENGTH} characters, no control characters
 * @param description free text up to {@value #MAX_DESCRIPTION_LENGTH} characters; {@code null}
 *                    becomes {@code ""}
 * @param roles       at least one role (an unmodifiable {@link EnumSet} copy)
 * @param keyHash     SHA-256 of the key as 64 lowercase hex characters ({@link ApiKeys#hash})
 * @param createdAt   when the account was created
 */
public record ServiceAccount(String id, String name, String description, Set<Role> roles, String keyHash,
                             Instant createdAt) {

    /** Longest accepted name, in characters (as for label values elsewhere in the gateway). */
    public static final int MAX_NAME_LENGTH = 128;

    /** Longest accepted description, in characters. */
    public static final int MAX_DESCRIPTION_LENGTH = 1024;

    public ServiceAccount {
        if (id == null || id.length() != ApiKeys.ID_HEX_LENGTH || !ApiKeys.isLowerHex(id)) {
            throw new IllegalArgumentException(id + ": id must be " + ApiKeys.ID_HEX_LENGTH
                    + " lowercase hex characters");
        }
        name = requireValidName(name);
        description = requireValidDescription(description);
        roles = requireValidRoles(roles);
        if (!ApiKeys.isHashHex(keyHash)) {
            // The value is deliberately not echoed: it is key material.
            throw new IllegalArgumentException("key hash: must be " + ApiKeys.HASH_HEX_LENGTH
                    + " lowercase hex characters");
        }
        Objects.requireNonNull(createdAt, "createdAt");
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

    @Override
    public String toString() {
        return "ServiceAccount[id=" + id + ", name=" + name + ", description=" + description
                + ", roles=" + roles + ", createdAt=" + createdAt + "]";
    }
}
