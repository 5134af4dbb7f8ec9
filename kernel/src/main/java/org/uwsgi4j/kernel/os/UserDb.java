package org.uwsgi4j.kernel.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The system's user and group database (whatever NSS serves: /etc/passwd and /etc/group,
 * LDAP, …) through libc's reentrant lookups. {@code --uid}/{@code --gid} values resolve as
 * uWSGI resolves them: a number is taken as it is (it need not have an entry), anything else
 * is a name that must exist.
 */
public final class UserDb {

    private static final int ERANGE = 34;
    /** {@code struct passwd} (LP64 glibc). */
    private static final StructLayout PASSWD = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("pw_name"), ValueLayout.ADDRESS.withName("pw_passwd"),
            ValueLayout.JAVA_INT.withName("pw_uid"), ValueLayout.JAVA_INT.withName("pw_gid"),
            ValueLayout.ADDRESS.withName("pw_gecos"), ValueLayout.ADDRESS.withName("pw_dir"),
            ValueLayout.ADDRESS.withName("pw_shell"));
    /** {@code struct group} (LP64 glibc). */
    private static final StructLayout GROUP = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("gr_name"), ValueLayout.ADDRESS.withName("gr_passwd"),
            ValueLayout.JAVA_INT.withName("gr_gid"), MemoryLayout.paddingLayout(4),
            ValueLayout.ADDRESS.withName("gr_mem"));
    private static final long PW_UID = PASSWD.byteOffset(MemoryLayout.PathElement.groupElement("pw_uid"));
    private static final long GR_GID = GROUP.byteOffset(MemoryLayout.PathElement.groupElement("gr_gid"));

    private final MethodHandle getpwnam;
    private final MethodHandle getpwuid;
    private final MethodHandle getgrnam;
    private final MethodHandle getgrgid;

    public UserDb() {
        var byName = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
        var byId = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
        getpwnam = Libc.plain("getpwnam_r", byName);
        getpwuid = Libc.plain("getpwuid_r", byId);
        getgrnam = Libc.plain("getgrnam_r", byName);
        getgrgid = Libc.plain("getgrgid_r", byId);
    }

    /** The uid {@code value} names: a number as it is, else the user of that name. */
    public OptionalInt uid(String value) {
        OptionalInt number = number(value);
        return number.isPresent() ? number : lookup(getpwnam, value, PASSWD, PW_UID);
    }

    /** The gid {@code value} names: a number as it is, else the group of that name. */
    public OptionalInt gid(String value) {
        OptionalInt number = number(value);
        return number.isPresent() ? number : lookup(getgrnam, value, GROUP, GR_GID);
    }

    /** The name of user {@code uid}, if it has an entry. */
    public Optional<String> userName(int uid) {
        return nameOf(getpwuid, uid, PASSWD, PW_UID);
    }

    /** The name of group {@code gid}, if it has an entry. */
    public Optional<String> groupName(int gid) {
        return nameOf(getgrgid, gid, GROUP, GR_GID);
    }

    private static OptionalInt number(String value) {
        String v = value.strip();
        if (v.isEmpty() || !v.chars().allMatch(Character::isDigit)) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseUnsignedInt(v));
        } catch (NumberFormatException tooBig) {
            return OptionalInt.empty();
        }
    }

    private static OptionalInt lookup(MethodHandle byName, String name, StructLayout layout, long idOffset) {
        return call(layout, idOffset, (arena, entry, buf, result) ->
                (int) byName.invokeExact(arena.allocateFrom(name), entry, buf, buf.byteSize(), result))
                .map(e -> OptionalInt.of(e.id())).orElse(OptionalInt.empty());
    }

    private static Optional<String> nameOf(MethodHandle byId, int id, StructLayout layout, long idOffset) {
        return call(layout, idOffset, (arena, entry, buf, result) ->
                (int) byId.invokeExact(id, entry, buf, buf.byteSize(), result)).map(Entry::name);
    }

    /** What is read of a database entry: its name (the first field) and its id. */
    private record Entry(String name, int id) {
    }

    /** One {@code get*_r} call, with the entry, buffer and result pointer it fills. */
    private interface Lookup {
        int call(Arena arena, MemorySegment entry, MemorySegment buf, MemorySegment result) throws Throwable;
    }

    /** Runs {@code lookup}, growing the buffer while libc answers ERANGE; empty when there is no entry. */
    private static Optional<Entry> call(StructLayout layout, long idOffset, Lookup lookup) {
        for (long size = 1024; size <= 1 << 20; size *= 4) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment entry = arena.allocate(layout);
                MemorySegment buf = arena.allocate(size);
                MemorySegment result = arena.allocate(ValueLayout.ADDRESS);
                int rc = lookup.call(arena, entry, buf, result);
                if (rc == ERANGE) {
                    continue;
                }
                if (rc != 0 || result.get(ValueLayout.ADDRESS, 0).equals(MemorySegment.NULL)) {
                    return Optional.empty();
                }
                return Optional.of(new Entry(Libc.string(entry.get(ValueLayout.ADDRESS, 0)), entry.get(ValueLayout.JAVA_INT, idOffset)));
            } catch (Throwable t) {
                throw new IllegalStateException("user database lookup failed: " + t, t);
            }
        }
        return Optional.empty();
    }
}
