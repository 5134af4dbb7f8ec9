package org.uwsgi4j.kernel.os;

import java.io.IOException;

/**
 * The process's user and group ids, read and changed ({@link LibcCredentials} does it through
 * glibc). A failed change throws an {@link IOException} whose message is one line naming the
 * call and libc's reason: {@code setuid(65534): Operation not permitted}.
 */
public interface Credentials {

    /** The real user id. */
    int uid();

    /** The real group id. */
    int gid();

    /** The supplementary group ids. */
    int[] groups();

    /** {@code setgid(2)}: as root, sets the real, effective and saved group ids. */
    void setgid(int gid) throws IOException;

    /** {@code setgroups(0, NULL)}: no supplementary groups. */
    void clearGroups() throws IOException;

    /** {@code initgroups(3)}: the supplementary groups of {@code user} in the group database, plus {@code gid}. */
    void initgroups(String user, int gid) throws IOException;

    /** {@code setuid(2)}: as root, sets the real, effective and saved user ids. */
    void setuid(int uid) throws IOException;
}
