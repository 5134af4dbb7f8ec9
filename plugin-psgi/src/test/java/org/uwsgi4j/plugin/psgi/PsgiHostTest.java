package org.uwsgi4j.plugin.psgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.protocol.Frame;
import org.uwsgi4j.kernel.protocol.FrameType;
import org.uwsgi4j.kernel.worker.FrameChannel;
import org.uwsgi4j.workertck.WorkerHostHarness;

/**
 * The Perl worker host (uwsgi4j_worker.pl): what docs/worker-protocol.md leaves to each language
 * (PSGI's env, a seekable psgi.input, the streaming writer after GONE, the file bodies, the
 * header checks, the die trace). The protocol's own cases are the kit's ({@link PerlHostKitTest});
 * both play the kernel with the kit's harness.
 */
class PsgiHostTest extends WorkerHostHarness {

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

    /**
     * Beside the kit's {@code theChunkThatCompletesContentLengthGoesWithEnd} (a filehandle body):
     * an array body's last chunk and the write of a writer that completes the Content-Length go
     * with END in one write too; a filehandle is read no further than its length, a writer's
     * output past it is dropped, and the code after the writes runs on.
     */
    @Test
    void theLastChunkGoesWithEnd() throws Exception {
        FrameChannel core = oneCore();
        for (String mode : List.of("array", "fh", "writer")) {
            int before = Integer.parseInt(get(core, "/sends"));
            request(core, "/sized", new byte[0], "QUERY_STRING", mode);
            expect(core, FrameType.START);
            assertEquals("Hello ", text(expect(core, FrameType.DATA)), mode);
            assertEquals("World", text(expect(core, FrameType.DATA)), mode);
            expect(core, FrameType.END);           // no DATA past the Content-Length
            int logs = 0;
            if (mode.equals("fh")) {
                assertEquals("closed", text(expect(core, FrameType.LOG)), "the body was closed");
                logs = 1;
            }
            // /sends, START+"Hello ", "World"+END (one write: not END alone), the close's LOG
            assertEquals(before + 3 + logs, Integer.parseInt(get(core, "/sends")), mode);
        }
        assertEquals("fh:2,writer", get(core, "/after"), "getline was not called past the length; the writer's code ran on");
        assertEquals("Hello World", get(core, "/hello"), "the core serves on");
    }

    @Test
    void theEnvHasThePsgiKeysWithTheirTypes() throws IOException {
        FrameChannel core = oneCore();
        String env = get(core, "/env", "HTTP_HOST", "example.org:8080", "SERVER_NAME", "machine");
        // the harness says 1 thread, 2 processes; the Host header names the server
        assertEquals(String.join("\n", "psgi.version=1.1", "psgi.url_scheme=http", "psgi.multithread=",
                "psgi.multiprocess=1", "psgi.run_once=", "psgi.nonblocking=", "psgi.streaming=1", "psgix.input.buffered=1",
                "psgix.harakiri=1", "psgix.cleanup=1", "SCRIPT_NAME=", "SERVER_NAME=example.org"), env);
    }

    @Test
    void aRequestWithoutABodyGetsAnEmptyInputAgainAfterAnAppMovedOrClosedIt() throws IOException {
        FrameChannel core = oneCore();
        assertEquals("open|0|0", get(core, "/input-state"));
        assertEquals("spoilt", get(core, "/input-spoil", "QUERY_STRING", "seek"));
        assertEquals("open|0|0", get(core, "/input-state"), "the handle each core keeps is at 0 again");
        assertEquals("spoilt", get(core, "/input-spoil", "QUERY_STRING", "close"));
        assertEquals("open|0|0", get(core, "/input-state"), "and open again");
    }

    @Test
    void aPulledBodyIsSpooledSoThatItCanBeSoughtBack() throws IOException {
        FrameChannel core = oneCore();
        core.write(FrameType.REQUEST, 0, vars("/seek"));
        List<String> read = expect(core, FrameType.READ).fields();
        core.write(FrameType.BODY, 0, java.nio.ByteBuffer.wrap("hello world".getBytes(StandardCharsets.US_ASCII)));
        for (Frame f = read(core); f.type() != FrameType.START; f = read(core)) {
            assertEquals(FrameType.READ, f.type(), "more READs, then the response");
            core.write(FrameType.BODY, 0);
        }
        StringBuilder body = new StringBuilder();
        for (Frame f = read(core); f.type() != FrameType.END; f = read(core)) {
            body.append(text(f));
        }
        assertEquals("hello|11", body.toString(), "read 5, sought back to 0, read all: no READ asked twice for a byte " + read);
    }

    @Test
    void theWritersWriteDiesAfterGoneAndTheCleanupHandlersStillRun() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/write-endless", new byte[0]);
        expect(core, FrameType.START);
        expect(core, FrameType.DATA);
        core.write(FrameType.GONE, 0);
        Frame f = read(core);
        while (f.type() == FrameType.DATA) {
            f = read(core);
        }
        assertEquals(FrameType.LOG, f.type(), text(f));
        assertEquals("write died: write error: the client is gone", text(f));
        expect(core, FrameType.END);
        assertEquals("cleanup ran", text(expect(core, FrameType.LOG)), "after END");
        assertEquals("Hello World", get(core, "/hello"));
    }

    @Test
    void aFileBodyIsSentFromItsProcFdPathAtItsOffsetOrFromItsPathMethod() throws IOException {
        Path file = Files.writeString(dir.resolve("data.txt"), "0123456789");
        FrameChannel core = oneCore();
        request(core, "/file-at-2", new byte[0], "QUERY_STRING", file.toString());
        expect(core, FrameType.START);
        assertEquals(List.of(file.toString(), "2", "-1"), expect(core, FrameType.SENDFILE).fields());
        expect(core, FrameType.END);
        request(core, "/path-object", new byte[0], "QUERY_STRING", file.toString());
        expect(core, FrameType.START);
        assertEquals(List.of(file.toString(), "0", "-1"), expect(core, FrameType.SENDFILE).fields(), "$body->path, never read");
        expect(core, FrameType.END);
        assertEquals("0123456789", get(core, "/file-decoded", "QUERY_STRING", file.toString()),
                "a handle that decodes is read, not sent from its file");
    }

    @Test
    void badHeadersAreAnErrorOfOneLineAndTheCoreServesOn() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/crlf", new byte[0]);
        assertEquals(List.of("CR, LF or NUL in the response header X-Bad"), expect(core, FrameType.ERROR).fields());
        request(core, "/bad-name", new byte[0]);
        assertEquals(List.of("invalid response header name 'Bad Name'"), expect(core, FrameType.ERROR).fields());
        assertEquals("Hello World", get(core, "/hello"));
    }

    @Test
    void aDelayedResponseWithABodyIsOneResponse() throws IOException {
        FrameChannel core = oneCore();
        StringBuilder body = new StringBuilder();
        request(core, "/delayed", new byte[0]);
        assertEquals("201 Created", response(core, body).getFirst());
        assertEquals("delayed body", body.toString());
    }

    @Test
    void printfOnStdoutAndStderrIsTheFormattedStringAloneAsPerlsOwn() throws Exception {
        assertEquals("printed", get(oneCore(), "/printf"));
        // print adds $, and $\, printf neither (perlfunc); the harness copies the output on a thread: awaited
        for (String stream : List.of("stdout", "stderr")) {
            String out = awaitOutput(stream, text -> text.contains("print|OFS|x|ORS\n"));
            assertTrue(out.contains("printf a b\nprint|OFS|x|ORS\n"), stream + ": " + out);
        }
    }

    @Test
    void aDieIsOneErrorLineAndItsStackFromTheAppIsLogged() throws Exception {
        FrameChannel core = oneCore();
        request(core, "/die-deep", new byte[0]);
        assertEquals(List.of("deep failure"), expect(core, FrameType.ERROR).fields());
        assertEquals("Hello World", get(core, "/hello"));
        // the worker's stderr is copied by a thread of the harness: awaited, not read at once
        String log = awaitOutput("stderr", text -> text.contains("deep failure\n\tmain::deep_die called at "));
        assertTrue(!log.contains("uwsgi4j_worker.pl line"), "no frame of the host: " + log);
    }
}
