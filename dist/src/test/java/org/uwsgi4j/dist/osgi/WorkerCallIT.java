package org.uwsgi4j.dist.osgi;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.uwsgi4j.kernel.api.WorkerCall;
import org.uwsgi4j.launcher.api.LaunchProperties;

/**
 * Worker-to-kernel calls inside a real Felix with the real bundles and real CPython workers:
 * {@link WorkerCall} services the test registers are called by a Python app through
 * {@code uwsgi.kernel_call}, at import time (before the app is ready, on the host's control
 * channel) and from a request (on its core's channel); a call that throws and a name nobody
 * registered are {@code error} answers the app sees as {@code RuntimeError}, never a hang.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class WorkerCallIT {

    private static final Path APP = Path.of("src/test/resources/apps/python/kernel_calls.py").toAbsolutePath();

    @Inject
    private BundleContext context;

    private RunningKernel kernel;
    private final List<ServiceRegistration<WorkerCall>> registrations = new ArrayList<>();

    @Configuration
    public Option[] config() throws IOException {
        return DistFramework.kernelWith(argv(List.of()));
    }

    /** The command line, on a free loopback port, with {@code more} options. */
    static String[] argv(List<String> more) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> argv = new ArrayList<>(List.of("--bundles-dir", DistFramework.emptyBundlesDir(), "--plugins", "python",
                "--http-socket", "127.0.0.1:" + port, "--wsgi-file", APP.toString(), "--processes", "1"));
        argv.addAll(more);
        return argv.toArray(String[]::new);
    }

    @After
    public void stop() {
        registrations.forEach(ServiceRegistration::unregister);
        if (kernel != null) {
            kernel.close();
        }
    }

    @Test
    public void anAppCallsARegisteredCallAtImportTimeAndFromARequest() throws Exception {
        List<List<String>> seen = new CopyOnWriteArrayList<>();
        register("test.echo", args -> {
            seen.add(args);
            return List.of("echo", String.join(",", args));
        });
        register("test.fails", args -> {
            throw new IllegalStateException("the store is down");
        });
        kernel = RunningKernel.start(context);

        String body = kernel.await("the app to answer GET /x", () -> get("/x"), b -> b.startsWith("{"));
        assertEquals("{\"failing\": \"test.fails: the store is down\", \"import\": [\"echo\", \"import,bytes\"], "
                + "\"request\": [\"echo\", \"request,/x\"], \"unknown\": \"test.nosuch: no such call: test.nosuch\", "
                + "\"unknown_at_import\": \"test.nosuch: no such call: test.nosuch\"}", body);
        assertEquals(List.of(List.of("import", "bytes"), List.of("request", "/x")), seen);
        assertEquals("the server never asked to exit", List.of(), kernel.exit().codes());
    }

    private void register(String name, WorkerCall call) {
        var props = new Hashtable<String, Object>();
        props.put(WorkerCall.NAME, name);
        registrations.add(context.registerService(WorkerCall.class, call, props));
    }

    /** The body of a GET on the instance's --http-socket, or the error while there is none yet. */
    private String get(String target) {
        String[] argv = context.getProperty(LaunchProperties.ARGV).split("\0");
        String address = argv[List.of(argv).indexOf("--http-socket") + 1];
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.0\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int head = response.indexOf("\r\n\r\n");
            return head < 0 ? response : response.substring(head + 4);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
