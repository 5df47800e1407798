package dev.metricsgateway.auth;

import java.nio.file.attribute.FileTime;

/**
 * What the registry compares to decide whether the store file changed: modification time, size
 * and file key (the inode on Unix, which every atomic replace changes). Immutable.
 *
 * @param exists       whether the file exists at all
 * @param lastModified its modification time, {@code null} when absent
 * @param size         its size in bytes, 0 when absent
 * @param fileKey      {@link java.nio.file.attribute.BasicFileAttributes#fileKey()}, may be {@code null}
 */
record FileSignature(boolean exists, FileTime lastModified, long size, Object fileKey) {

    /** The signature of a file that does not exist. */
    static final FileSignature ABSENT = new FileSignature(false, null, 0, null);
}
