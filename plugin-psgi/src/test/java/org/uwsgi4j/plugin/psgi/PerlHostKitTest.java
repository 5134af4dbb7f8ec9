package org.uwsgi4j.plugin.psgi;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.uwsgi4j.workertck.WorkerHostContract;

/** The Perl worker host passes the worker host kit: the protocol's contract, every case. */
class PerlHostKitTest extends WorkerHostContract {

    @Override
    protected List<String> command(Path dir) throws IOException {
        return PerlHost.command(dir);
    }

    @Override
    protected Map<String, String> fixtureApp(Path dir) throws IOException {
        return PerlHost.fixtureApp(dir);
    }

    @Override
    protected Map<String, String> brokenApp(Path dir) throws IOException {
        return PerlHost.brokenApp(dir);
    }
}
