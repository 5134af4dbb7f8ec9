package org.uwsgi4j.kernel.log;

import java.util.Map;

/**
 * What the kernel knows about one finished request: everything uWSGI's request log line and
 * its {@code --log-format} variables can show. Strings may be null or empty (logged as uWSGI
 * does: nothing in the default line, {@code -} in a format); numbers the kernel does not know
 * are 0.
 *
 * <p>Build one with {@link #builder()}; {@link Builder#vars(Map)} fills every field uWSGI takes
 * from the request variables.
 *
 * @param pid            pid of the process that served the request (the worker's)
 * @param workerId       worker id, 1-based ({@code %(wid)})
 * @param appId          app id in the worker, -1 when no app served it ({@code app: N})
 * @param appRequests    requests served by that app in that worker, this one included
 * @param totalRequests  requests served by every worker of the instance, this one included
 * @param core           core (thread) id in the worker, 0-based ({@code %(core)})
 * @param switches       async switches during the request; 1 for a plain synchronous request
 * @param modifier1      the packet's modifier1
 * @param modifier2      the packet's modifier2
 * @param varCount       number of request variables counted as uWSGI does: 2 per variable
 *                       (keys and values), {@code {N vars in ...}} and {@code %(vars)}
 * @param varsBytes      size of the uwsgi vars block: for each variable 2 + key + 2 + value
 *                       bytes ({@code %(pktsize)}, {@code in N bytes})
 * @param method         REQUEST_METHOD
 * @param uri            REQUEST_URI
 * @param protocol       SERVER_PROTOCOL
 * @param remoteAddr     REMOTE_ADDR
 * @param remoteUser     REMOTE_USER
 * @param host           HTTP_HOST
 * @param referer        HTTP_REFERER
 * @param userAgent      HTTP_USER_AGENT
 * @param forwardedFor   HTTP_X_FORWARDED_FOR (the whole header, used for {@code --log-x-forwarded-for})
 * @param contentLength  CONTENT_LENGTH of the request, 0 when absent ({@code %(cl)})
 * @param startMicros    wall-clock start of the request, microseconds since the epoch
 * @param durationMicros time from start to end of the response, microseconds
 * @param status         HTTP status code of the response
 * @param responseBytes  response body bytes written ({@code generated N bytes}, {@code %(rsize)})
 * @param headerCount    response headers, status line excluded ({@code %(headers)})
 * @param headerBytes    bytes of the response head: status line, headers and the blank line
 *                       ({@code %(hsize)})
 * @param readErrors     read errors on the request ({@code %(rerr)})
 * @param writeErrors    write errors on the response ({@code %(werr)})
 * @param rss            worker's resident set size in bytes ({@code --memory-report})
 * @param vsz            worker's address space size in bytes ({@code --memory-report})
 * @param vars           every request variable, for {@code %(var.NAME)}; may be empty
 * @param logVars        variables the app set for the log (uWSGI's {@code set_logvar}); may be empty
 */
public record RequestRecord(long pid, int workerId, int appId, long appRequests, long totalRequests,
                            int core, int switches, int modifier1, int modifier2, int varCount, long varsBytes,
                            String method, String uri, String protocol, String remoteAddr, String remoteUser,
                            String host, String referer, String userAgent, String forwardedFor,
                            long contentLength, long startMicros, long durationMicros,
                            int status, long responseBytes, int headerCount, long headerBytes,
                            int readErrors, int writeErrors, long rss, long vsz,
                            Map<String, String> vars, Map<String, String> logVars) {

    public RequestRecord {
        vars = vars == null ? Map.of() : vars;
        logVars = logVars == null ? Map.of() : logVars;
    }

    /** A builder with every field 0 or null, {@code switches} 1 and {@code appId} 0. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * uWSGI's size of a vars block holding {@code vars}: 4 bytes of lengths per variable plus
     * the key and value, each char counted as one byte (the kernel decodes vars as ISO-8859-1).
     */
    public static long varsBlockSize(Map<String, String> vars) {
        long size = 0;
        for (var e : vars.entrySet()) {
            size += 4 + e.getKey().length() + e.getValue().length();
        }
        return size;
    }

    /** Fills a {@link RequestRecord}; reusable, not thread-safe. */
    public static final class Builder {
        private long pid;
        private int workerId;
        private int appId;
        private long appRequests;
        private long totalRequests;
        private int core;
        private int switches = 1;
        private int modifier1;
        private int modifier2;
        private int varCount;
        private long varsBytes;
        private String method;
        private String uri;
        private String protocol;
        private String remoteAddr;
        private String remoteUser;
        private String host;
        private String referer;
        private String userAgent;
        private String forwardedFor;
        private long contentLength;
        private long startMicros;
        private long durationMicros;
        private int status;
        private long responseBytes;
        private int headerCount;
        private long headerBytes;
        private int readErrors;
        private int writeErrors;
        private long rss;
        private long vsz;
        private Map<String, String> vars = Map.of();
        private Map<String, String> logVars = Map.of();

        private Builder() {
        }

        /**
         * Takes the request variables: keeps them for {@code %(var.NAME)} and sets method, uri,
         * protocol, remote address and user, host, referer, user agent, X-Forwarded-For,
         * content length, var count and vars block size from them, as uWSGI does. Call the
         * individual setters afterwards to override (e.g. {@link #varsBytes} from the packet).
         */
        public Builder vars(Map<String, String> vars) {
            this.vars = vars;
            method = vars.get("REQUEST_METHOD");
            uri = vars.get("REQUEST_URI");
            protocol = vars.get("SERVER_PROTOCOL");
            remoteAddr = vars.get("REMOTE_ADDR");
            remoteUser = vars.get("REMOTE_USER");
            host = vars.get("HTTP_HOST");
            referer = vars.get("HTTP_REFERER");
            userAgent = vars.get("HTTP_USER_AGENT");
            forwardedFor = vars.get("HTTP_X_FORWARDED_FOR");
            contentLength = parseLength(vars.get("CONTENT_LENGTH"));
            varCount = 2 * vars.size();
            varsBytes = varsBlockSize(vars);
            return this;
        }

        public Builder pid(long v) { pid = v; return this; }
        public Builder workerId(int v) { workerId = v; return this; }
        public Builder appId(int v) { appId = v; return this; }
        public Builder appRequests(long v) { appRequests = v; return this; }
        public Builder totalRequests(long v) { totalRequests = v; return this; }
        public Builder core(int v) { core = v; return this; }
        public Builder switches(int v) { switches = v; return this; }
        public Builder modifier1(int v) { modifier1 = v; return this; }
        public Builder modifier2(int v) { modifier2 = v; return this; }
        public Builder varCount(int v) { varCount = v; return this; }
        public Builder varsBytes(long v) { varsBytes = v; return this; }
        public Builder method(String v) { method = v; return this; }
        public Builder uri(String v) { uri = v; return this; }
        public Builder protocol(String v) { protocol = v; return this; }
        public Builder remoteAddr(String v) { remoteAddr = v; return this; }
        public Builder remoteUser(String v) { remoteUser = v; return this; }
        public Builder host(String v) { host = v; return this; }
        public Builder referer(String v) { referer = v; return this; }
        public Builder userAgent(String v) { userAgent = v; return this; }
        public Builder forwardedFor(String v) { forwardedFor = v; return this; }
        public Builder contentLength(long v) { contentLength = v; return this; }
        public Builder startMicros(long v) { startMicros = v; return this; }
        public Builder durationMicros(long v) { durationMicros = v; return this; }
        public Builder status(int v) { status = v; return this; }
        public Builder responseBytes(long v) { responseBytes = v; return this; }
        public Builder headerCount(int v) { headerCount = v; return this; }
        public Builder headerBytes(long v) { headerBytes = v; return this; }
        public Builder readErrors(int v) { readErrors = v; return this; }
        public Builder writeErrors(int v) { writeErrors = v; return this; }
        public Builder rss(long v) { rss = v; return this; }
        public Builder vsz(long v) { vsz = v; return this; }
        public Builder logVars(Map<String, String> v) { logVars = v; return this; }

        public RequestRecord build() {
            return new RequestRecord(pid, workerId, appId, appRequests, totalRequests, core, switches,
                    modifier1, modifier2, varCount, varsBytes, method, uri, protocol, remoteAddr, remoteUser,
                    host, referer, userAgent, forwardedFor, contentLength, startMicros, durationMicros,
                    status, responseBytes, headerCount, headerBytes, readErrors, writeErrors, rss, vsz,
                    vars, logVars);
        }

        private static long parseLength(String text) {
            if (text == null || text.isEmpty()) {
                return 0;
            }
            long n = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9' || n > Long.MAX_VALUE / 10 - 1) {
                    return 0;
                }
                n = n * 10 + (c - '0');
            }
            return n;
        }
    }
}
