package org.uwsgi4j.kernel.dispatch;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import org.uwsgi4j.kernel.protocol.RequestVars;

/**
 * Slot 0's target when the mounts belong to more than one runtime (python beside psgi beside
 * rack, an extension over uWSGI): picks the mount of a modifier1 0 request by uWSGI's rule and
 * hands the request to the target of that mount's modifier1, whose worker host picks the same
 * app again and rewrites {@code SCRIPT_NAME}/{@code PATH_INFO} as it always does:
 *
 * <pre>
 *  --manage-script-name: the longest mount point that is PATH_INFO or a prefix of it ending at '/'
 *  else (or none):       the mount point equal to SCRIPT_NAME
 *  else:                 modifier1 0's own runtime (its slot's null object: the default app)
 * </pre>
 *
 * Reads the variables in place: no String, no allocation per request.
 */
final class MountRouter implements Target {

    private final byte[][] points;
    private final int[] modifiers;
    private final boolean manageScriptName;
    private final DispatchTable table;

    MountRouter(Mounts mounts, DispatchTable table) {
        List<Mount> longestFirst = mounts.all().stream()
                .sorted(Comparator.comparingInt((Mount m) -> m.point().length()).reversed()).toList();
        this.points = longestFirst.stream().map(m -> m.point().getBytes(StandardCharsets.ISO_8859_1)).toArray(byte[][]::new);
        this.modifiers = longestFirst.stream().mapToInt(Mount::modifier1).toArray();
        this.manageScriptName = mounts.manageScriptName();
        this.table = table;
    }

    @Override
    public void submit(ClientRequest request) {
        table.routed(modifierOf(request.requestVars())).submit(request);
    }

    /** The turn of modifier1 0's own runtime: the request it will bring is not known yet. */
    @Override
    public void awaitTurn(RequestQueue.Lane lane) throws InterruptedException {
        table.routed(0).awaitTurn(lane);
    }

    @Override
    public void expire() {
        // the runtimes behind it are swept in their own slots
    }

    /** The modifier1 whose runtime serves the app these variables pick (0 when no mount matches). */
    int modifierOf(RequestVars vars) {
        byte[] blob = vars.blob();
        if (manageScriptName) {
            int at = vars.valueOffset("PATH_INFO");
            int length = at < 0 ? 0 : vars.valueEnd(at) - at;
            if (length > 1) {
                for (int i = 0; i < points.length; i++) {
                    int n = points[i].length;
                    if (n <= length && startsWith(blob, at, points[i]) && (n == length || blob[at + n] == '/')) {
                        return modifiers[i];
                    }
                }
            }
        }
        int at = vars.valueOffset("SCRIPT_NAME");
        int length = at < 0 ? 0 : vars.valueEnd(at) - at;
        for (int i = 0; i < points.length; i++) {
            if (points[i].length == length && startsWith(blob, Math.max(at, 0), points[i])) {
                return modifiers[i];
            }
        }
        return 0;
    }

    private static boolean startsWith(byte[] blob, int at, byte[] prefix) {
        return java.util.Arrays.equals(blob, at, at + prefix.length, prefix, 0, prefix.length);
    }

    @Override
    public int queued() {
        return table.routed(0).queued();
    }

    @Override
    public int capacity() {
        return table.routed(0).capacity();
    }
}
