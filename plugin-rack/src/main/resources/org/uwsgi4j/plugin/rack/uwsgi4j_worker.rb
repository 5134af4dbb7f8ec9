# frozen_string_literal: true

# uwsgi4j worker host for Rack applications (docs/worker-protocol.md, docs/plugins/rack.md).
#
# Started by the kernel with UWSGI4J_* variables in its environment:
#
#   UWSGI4J_SOCKET, UWSGI4J_TOKEN       where to connect, the token for HELLO
#   UWSGI4J_ROLE                        host (load once, fork on FORK) or worker (--lazy-apps)
#   UWSGI4J_WORKER_ID                   role worker: its worker id
#   UWSGI4J_THREADS, UWSGI4J_PROCESSES  cores (ruby threads) per worker, number of workers
#   UWSGI4J_RACK                        the app: a config.ru (or a .rb file), as Rack::Builder.parse_file reads it
#   UWSGI4J_MOUNTS                      --mount: JSON [[mountpoint, file], ...] of .ru/.rb apps
#   UWSGI4J_MANAGE_SCRIPT_NAME          1: split PATH_INFO at the longest mount point
#   UWSGI4J_RB_LIBS                     --rb-lib: newline-separated dirs prepended to $LOAD_PATH
#   UWSGI4J_RB_REQUIRES                 --shared-rb-require, then --rb-require: newline-separated, required before the app
#   UWSGI4J_GC_FREQ                     --ruby-gc-freq N: GC.start after every Nth request (uWSGI's
#                                       order: after the 1st, the N+1th ...; N <= 1: every request);
#                                       unset: ruby's own GC decides
#
# Exit codes: 0 stopped, 22 the app failed to load (LOADFAIL sent), 1 anything else.
# Ruby's standard library plus Debian's ruby-rack; Ruby 2.7+ (String#unpack with offset: 3.1+).

require "socket"
require "io/nonblock"
require "io/wait"
require "json"
require "etc"
require "tmpdir"

module Uwsgi4j
  PROTOCOL_VERSION = "1"
  HELLO, READY, LOADFAIL, FORK, EXITED = 1, 2, 3, 4, 5
  REQUEST, BODY, READ, GONE, SIGNAL = 10, 11, 12, 13, 14
  START, DATA, END_, ERROR, SENDFILE = 20, 21, 22, 23, 24
  LOG, STOP = 30, 31
  CALL, RESULT = 40, 41
  BODY_INLINE = 1
  MAX_PAYLOAD = 16 * 1024 * 1024
  SMALL = 64 * 1024            # READ size; chunks up to this are copied into the frame's write
  GONE_CHECK = 0.02            # seconds between two looks at the channel for GONE during a response
  # --write-errors-tolerance and --disable-write-exception (docs/worker-protocol.md, "The client
  # goes away"); Rack has no write callable, so only the tolerance applies to the body's chunks
  WRITE_ERRORS_TOLERANCE = ENV.fetch("UWSGI4J_WRITE_ERRORS_TOLERANCE", "0").to_i
  EXIT_LOAD_FAILED = 22
  BINARY = Encoding::BINARY
  HOST_FILE = File.expand_path(__FILE__)
  END_FRAME = [END_, 0, 0, 0].pack("CCvV").freeze
  START_HEADER = [START, 0, 0, 0].pack("CCvV").freeze # its length is set once the payload is known
  NO_BODY = String.new(encoding: BINARY).freeze
  # Variables a Rack env always has (uWSGI's rack plugin keeps them even when empty).
  REQUIRED = %w[REQUEST_METHOD SCRIPT_NAME PATH_INFO QUERY_STRING SERVER_NAME SERVER_PORT].freeze

  class ChannelClosed < StandardError; end
  class NoApp < StandardError; end # the options name no usable app: its message is the one line

  def self.fields(*values)
    s = values.join("\0") << "\0"
    s.force_encoding(BINARY)
  rescue Encoding::CompatibilityError # non-ASCII text in several encodings: their bytes, as they are
    s = String.new(encoding: BINARY)
    values.each { |v| s << v.to_s.b << "\0" }
    s
  end

  def self.frame(type, payload = "".b)
    [type, 0, 0, payload.bytesize].pack("CCvV") << payload
  end

  # A response's Content-Length as a number; -1 without one (or one that is not a number).
  def self.content_length(headers)
    headers.each do |name, value|
      next unless name.to_s.casecmp?("content-length")
      value = value.to_s.strip
      return value.match?(/\A\d+\z/) ? value.to_i : -1
    end
    -1
  end

  def self.split_fields(payload)
    f = payload.split("\0", -1)
    f.pop
    f
  end

  # `Class: message (file line N)` for an exception: its innermost frame outside this host.
  def self.one_line(e)
    # a SyntaxError names its file and line first: "path:3: syntax error, ...", then the source
    if e.is_a?(SyntaxError) && e.message =~ /\A(.+?):(\d+): (.*)/
      return "SyntaxError: #{$3.split.join(" ")} (#{$1} line #{$2})"
    end
    text = e.message.to_s.split.join(" ")
    where = ""
    (e.backtrace_locations || []).each do |loc|
      path = loc.absolute_path || loc.path
      next if path.nil? || path == HOST_FILE
      where = " (#{path} line #{loc.lineno})"
      break
    end
    text.empty? ? "#{e.class}#{where}" : "#{e.class}: #{text}#{where}"
  end

  # The exception as Ruby prints it, without this host's frames.
  def self.backtrace_text(e)
    lines = (e.backtrace || []).reject { |l| l.start_with?(HOST_FILE + ":") }
    first = "#{lines.first || "(unknown)"}: #{e.message} (#{e.class})"
    ([first] + (lines[1..] || []).map { |l| "\tfrom #{l}" }).join("\n") + "\n"
  end

  # A framed channel: buffered reads, whole writes. A core's channel also holds its ahead FIFO
  # (`ahead`, nil when it offers none): see take_ahead.
  class Channel
    attr_reader :sock, :ahead

    # docs/worker-protocol.md, "Requests written ahead": the FIFO ahead.<pid>.<core id> beside
    # the socket (mode 0600), opened read-only and non-blocking (close-on-exec: Ruby's default),
    # before the core's HELLO; nil when it cannot be made or opened (no offer: no error, no
    # retry). The kernel removes the name once it has opened it: only the IO counts afterwards.
    def self.offer_ahead(socket_path, core_id)
      path = File.join(File.dirname(socket_path), "ahead.#{Process.pid}.#{core_id}")
      File.mkfifo(path, 0o600)
      fifo = nil
      begin
        fifo = File.open(path, File::RDONLY | File::NONBLOCK | File::BINARY)
        fifo.chmod(0o600) # 0600 whatever the umask (--umask) took away
        fifo
      rescue SystemCallError, IOError
        fifo&.close
        File.unlink(path) # ours, and of no use unopened
        nil
      end
    rescue SystemCallError, IOError, NotImplementedError
      nil
    end

    def initialize(path, token, role, worker_id, core_id)
      @sock = UNIXSocket.new(path)
      @sock.sync = true
      # blocking reads: one read(2) per frame, not read, EAGAIN, poll and read again (a core
      # thread waits without the GVL; shutdown(SHUT_RD) still ends a wait with EOF)
      @sock.nonblock = false
      @buf = String.new(capacity: SMALL + 8, encoding: BINARY)
      @rbuf = String.new(capacity: SMALL + 8, encoding: BINARY)
      @pos = 0
      @ahead = role == "core" ? Channel.offer_ahead(path, core_id) : nil
      @got = String.new(capacity: SMALL + 8, encoding: BINARY) # what the ahead FIFO gave
      put(Uwsgi4j.frame(HELLO, Uwsgi4j.fields(token, role, worker_id, core_id, Process.pid, PROTOCOL_VERSION)))
    end

    def put(data)
      @sock.write(data)
    rescue SystemCallError, IOError => e
      raise ChannelClosed, e.message
    end

    # The next frame: [type, flags, payload]. Raises ChannelClosed at EOF.
    def read
      fill(8) if @buf.bytesize - @pos < 8
      pos = @pos
      n = @buf.unpack1("V", offset: pos + 4)
      if n > MAX_PAYLOAD || @buf.getbyte(pos + 2) != 0 || @buf.getbyte(pos + 3) != 0
        raise ChannelClosed, "frame of #{n} bytes"
      end
      fill(8 + n) if @buf.bytesize - pos < 8 + n
      pos = @pos
      # a copy: a longer byteslice would share the buffer, and the next read into it would
      # then allocate and copy a new one
      payload = n < 24 ? @buf.byteslice(pos + 8, n) : @buf.unpack1("a#{n}", offset: pos + 8)
      @pos = pos + 8 + n
      [@buf.getbyte(pos), @buf.getbyte(pos + 1), payload]
    end

    # Whether a whole frame is buffered already.
    def frame?
      avail = @buf.bytesize - @pos
      avail >= 8 && avail >= 8 + @buf.unpack1("V", offset: @pos + 4)
    end

    # Called once right after a request's END or ERROR: the frames the kernel wrote ahead into
    # the FIFO, if any, are read as if they had come on the channel, after every byte the kernel
    # wrote on the channel before them: those already buffered (a stale GONE) and those still
    # unread in the socket (a request the kernel took back out of the FIFO and sent on the
    # channel before it wrote this one ahead). When those hold a request, the frames from the
    # FIFO wait (@later) until that request's END: the request in hand is always the only one
    # buffered. When nothing waits, one ioctl (IO#nread: FIONREAD): read_nonblock costs an fcntl
    # besides its read.
    def take_ahead
      if @later # the request before it has ended: its turn
        @buf = @buf.byteslice(@pos, @buf.bytesize - @pos) << @later
        @pos = 0
        @later = nil
      end
      return if @ahead.nread.zero?
      got = @ahead.read_nonblock(SMALL + 8, @got, exception: false)
      return unless got.is_a?(String) # :wait_readable: the kernel took it back meanwhile; nil: EOF
      unread = @sock.nread
      if @pos == @buf.bytesize && unread.zero?
        @buf, @got = got, @buf # the two buffers swap: no copy
        @pos = 0
        return
      end
      @buf = @buf.byteslice(@pos, @buf.bytesize - @pos)
      @pos = 0
      while unread.positive? # unread on the channel: it goes first
        @sock.readpartial(unread, @rbuf)
        @buf << @rbuf
        unread -= @rbuf.bytesize
      end
      at = 0
      len = @buf.bytesize
      while len - at >= 8
        if @buf.getbyte(at) == REQUEST
          @later = got.dup
          return
        end
        at += 8 + @buf.unpack1("V", offset: at + 4)
      end
      @buf << got
    rescue EOFError, IOError, SystemCallError => e
      raise ChannelClosed, e.message
    end

    def close
      @sock.close
    rescue IOError, SystemCallError
      nil
    ensure
      @ahead&.close
      @ahead = nil
    end

    private

    def fill(need)
      while @buf.bytesize - @pos < need
        begin
          if @pos == @buf.bytesize
            # all read: straight into the buffer (readpartial replaces its content and keeps its memory)
            @pos = 0
            @sock.readpartial(SMALL + 8, @buf)
          else
            if @pos > 0
              @buf = @buf.byteslice(@pos, @buf.bytesize - @pos)
              @pos = 0
            end
            @sock.readpartial(SMALL + 8, @rbuf)
            @buf << @rbuf
          end
        rescue EOFError, IOError, SystemCallError => e
          raise ChannelClosed, e.message
        end
      end
    end
  end

  # The control channel while the app loads, for the calls it makes then (UWSGI.kernel_call at
  # require time): connected at the first such call; the host goes on with it, a lazy worker
  # closes it once loaded. A STOP that comes meanwhile is kept for the host.
  class Loading
    attr_accessor :env
    attr_reader :stopped

    def initialize
      @lock = Mutex.new
      @env = nil
      @ch = nil
      @stopped = false
    end

    def call(name, *args)
      @lock.synchronize do
        return nil if @env.nil?
        socket, token, worker_id = @env
        @ch ||= Channel.new(socket, token, "control", worker_id, 0)
        @ch.put(Uwsgi4j.frame(CALL, Uwsgi4j.fields(name, *args)))
        loop do
          type, _, payload = @ch.read
          return Uwsgi4j.split_fields(payload) if type == RESULT
          raise ChannelClosed, "expected RESULT, got frame #{type}" unless type == STOP
          @stopped = true
        end
      end
    end

    def done
      @lock.synchronize do
        @env = nil
        ch = @ch
        @ch = nil
        ch
      end
    end
  end

  LOADING = Loading.new
  WORKER = { id: 0, requests: 0 }
  SIGNAL_HANDLERS = {} # signal number => handler registered in this process (forks inherit)

  def self.call_result(name, f)
    return f[1..] if f.first == "ok"
    raise RuntimeError, "#{name}: #{(f[1..] || []).join(" ").then { |m| m.empty? ? "error" : m }}"
  end

  # rack.errors: line-buffered LOG frames on the core's channel; from other threads to stderr.
  class ErrorStream
    def initialize(core)
      @core = core
      @pending = +""
    end

    def write(s)
      s = s.to_s
      unless Thread.current == @core.thread
        $stderr.write(s)
        return s.bytesize
      end
      text = @pending + s
      if text.include?("\n")
        lines = text.split("\n", -1)
        @pending = lines.pop
        @core.ch.put(lines.map { |l| Uwsgi4j.frame(LOG, l.b) }.join)
      else
        @pending = text
      end
      s.bytesize
    end

    def puts(*args)
      args = [""] if args.empty?
      args.flatten.each { |a| a = a.to_s; write(a.end_with?("\n") ? a : a + "\n") }
      nil
    end

    def print(*args)
      args.each { |a| write(a.to_s) }
      nil
    end

    def <<(s)
      write(s)
      self
    end

    def flush
      if Thread.current == @core.thread
        unless @pending.empty?
          line = @pending
          @pending = +""
          @core.ch.put(Uwsgi4j.frame(LOG, line.b))
        end
      else
        $stderr.flush
      end
      self
    end

    def pending?
      !@pending.empty?
    end

    def sync
      true
    end

    def sync=(_); end
  end

  # rack.input for a body the kernel lets the worker pull (READ n, answered by one BODY):
  # read on demand, spooled to an unlinked temp file so that it can be rewound (uWSGI's "auto
  # post-buffering" for Rack), never read past its end.
  class PulledInput
    def initialize(core)
      @core = core
      @spool = nil
      @pos = 0
      @size = 0
      @eof = false
    end

    def read(length = nil, buffer = nil)
      if length.nil?
        fill(nil)
        data = take(@size - @pos)
      elsif length.negative?
        raise ArgumentError, "negative length #{length} given"
      elsif length.zero?
        data = "".b
      else
        fill(length)
        data = @size == @pos ? nil : take([length, @size - @pos].min)
      end
      return data if buffer.nil?
      return nil.tap { buffer.clear } if data.nil?
      buffer.replace(data)
    end

    def gets
      line = nil
      loop do
        fill(1) if @pos == @size
        return line if @pos == @size
        chunk = @spool.pread([@size - @pos, 8192].min, @pos)
        i = chunk.index("\n")
        line ||= "".b
        if i
          line << chunk.byteslice(0, i + 1)
          @pos += i + 1
          return line
        end
        line << chunk
        @pos += chunk.bytesize
      end
    end

    def each
      while (line = gets)
        yield line
      end
      self
    end

    def rewind
      @pos = 0
    end

    def external_encoding
      BINARY
    end

    def binmode?
      true
    end

    def close; end

    # The request is over: the spool goes.
    def discard
      @spool&.close
      @spool = nil
    end

    private

    def take(n)
      return "".b if n.zero?
      data = @spool.pread(n, @pos)
      @pos += data.bytesize
      data
    end

    # Pulls until `n` bytes past the position are spooled (nil: all of it) or the body ends.
    def fill(n)
      until @eof || (n && @size - @pos >= n)
        chunk = @core.pull(SMALL)
        if chunk.empty?
          @eof = true
        else
          unless @spool
            @spool = File.open(Dir.tmpdir, File::RDWR | File::TMPFILE | File::BINARY) rescue nil
            @spool ||= begin
              require "tempfile"
              Tempfile.create("uwsgi4j-rack-body", binmode: true).tap { |f| File.unlink(f.path) }
            end
          end
          @spool.pwrite(chunk, @size)
          @size += chunk.bytesize
        end
      end
    end
  end

  # Picks the app of a request when there are --mount apps, as uWSGI does: with
  # --manage-script-name the longest mount point that is PATH_INFO or a "/"-bounded prefix of it
  # becomes SCRIPT_NAME and the rest PATH_INFO; then the app mounted at SCRIPT_NAME serves, else
  # the default app.
  class Router
    def initialize(default, mounts, manage)
      @default = default
      @apps = mounts.to_h
      @points = manage ? @apps.keys.sort_by { |p| -p.bytesize } : []
    end

    def route(env)
      path = env["PATH_INFO"] || ""
      if path.bytesize > 1
        @points.each do |point|
          n = point.bytesize
          next unless path.start_with?(point) && (path.bytesize == n || path.getbyte(n) == 47)
          env["SCRIPT_NAME"] = point
          env["PATH_INFO"] = path.byteslice(n, path.bytesize - n)
          return @apps[point]
        end
      end
      @apps.fetch(env["SCRIPT_NAME"] || "", @default)
    end
  end

  # One core of a worker: a channel and the thread that serves requests on it.
  class Core
    attr_reader :ch, :thread
    attr_accessor :stopping, :busy, :request_id

    def initialize(app, router, ch, base)
      @app = app
      @router = router
      @ch = ch
      @base = base
      @errors = ErrorStream.new(self)
      @base["rack.errors"] = @errors
      @stopping = false
      @busy = false
      @gone = false
      @request_id = 0
      @status_lines = {} # code => "200 OK\0"
    end

    def serve
      @thread = Thread.current
      Thread.current[:uwsgi4j_core] = self
      until @stopping
        type, flags, payload = @ch.read
        if type == REQUEST
          @busy = true
          handle(payload, flags) # it ended with END or ERROR
          @busy = false
          @ch.take_ahead if @ch.ahead && !@stopping
        elsif type == SIGNAL
          @busy = true
          signal(Integer(Uwsgi4j.split_fields(payload).first))
          @busy = false
        elsif type == STOP
          break
        elsif type != GONE # a GONE that crossed our END on the wire is stale
          $stderr.puts "uwsgi4j worker: unexpected frame #{type} between requests"
        end
      end
    rescue ChannelClosed
      nil
    ensure
      @ch.close
    end

    # SIGNAL between requests: the handler this process holds for it, then END; ERROR with one
    # line when there is none or it raised (the backtrace on stderr).
    def signal(signum)
      handler = SIGNAL_HANDLERS[signum]
      unless handler
        @ch.put(Uwsgi4j.frame(ERROR, Uwsgi4j.fields("no handler for signal #{signum} in worker #{WORKER[:id]}")))
        return
      end
      begin
        handler.call(signum)
      rescue ChannelClosed
        raise
      rescue Exception => e # rubocop:disable Lint/RescueException
        fail(e)
        return
      end
      @ch.put(END_FRAME)
    end

    # Waits for the BODY frame that answers a READ (or follows an inline REQUEST).
    def expect_body
      loop do
        type, _, payload = @ch.read
        return payload if type == BODY
        if type == GONE
          @gone = true
        elsif type == STOP
          @stopping = true
        else
          raise ChannelClosed, "expected BODY, got frame #{type}"
        end
      end
    end

    # One READ of at most `n` bytes: the BODY that answers it ("" at the end).
    def pull(n)
      @ch.put(Uwsgi4j.frame(READ, Uwsgi4j.fields(n)))
      chunk = expect_body
      raise IOError, "error during read(#{n}) on rack.input" if @gone
      chunk
    end

    # A CALL from this core's thread: the values of its RESULT; RuntimeError on error.
    def call(name, *args)
      @ch.put(Uwsgi4j.frame(CALL, Uwsgi4j.fields(name, *args)))
      loop do
        type, _, payload = @ch.read
        return Uwsgi4j.call_result(name, Uwsgi4j.split_fields(payload)) if type == RESULT
        if type == GONE
          @gone = true
        elsif type == STOP
          @stopping = true
        else
          raise ChannelClosed, "expected RESULT, got frame #{type}"
        end
      end
    end

    def log(line)
      @ch.put(Uwsgi4j.frame(LOG, line.to_s.b))
    end

    def handle(payload, flags)
      @gone = false
      @ended = false # the chunk that met the response's Content-Length went with END
      @write_errors = 0 # body chunks of the request in hand given after its GONE
      @sent = false
      @head = nil
      @request_id = (WORKER[:requests] += 1)
      env = environ(Uwsgi4j.split_fields(payload))
      if flags & BODY_INLINE != 0
        chunk = expect_body
        body = chunk
        until chunk.empty?
          chunk = expect_body
          body = body.empty? ? chunk : body << chunk
        end
        input = body.empty? ? no_body : StringIO.new(body)
      else
        input = PulledInput.new(self)
      end
      env["rack.input"] = input
      app = @router ? @router.route(env) : @app
      body = nil
      begin
        status, headers, body = app.call(env)
        respond(status, headers, body)
      rescue ChannelClosed
        raise
      rescue Exception => e # rubocop:disable Lint/RescueException -- uWSGI's rb_protect catches everything
        fail(e)
      ensure
        close_body(body)
        input.discard if input.is_a?(PulledInput)
        @errors.flush if @errors.pending?
        Uwsgi4j.collect_garbage
      end
    end

    private

    # rack.input of a request without a body: one read-only empty StringIO per core, as Puma shares
    # one for all of them; a new one when an app closed, moved or re-encoded it.
    def no_body
      input = @no_body
      return input if input && !input.closed_read? && input.pos.zero? && input.external_encoding == BINARY
      @no_body = StringIO.new(NO_BODY)
    end

    # The env of a request from its variables (name, value, ...): the variables, empty ones left
    # out but for the REQUIRED ones, then this core's rack.* values.
    def environ(f)
      env = Hash[*f] # one C call; then the empty values are dropped, unless all are required ones
      empty = f.count("")
      if empty.positive? && empty != (env["QUERY_STRING"] == "" ? 1 : 0) + (env["SCRIPT_NAME"] == "" ? 1 : 0)
        env = {}
        i = 0
        n = f.size
        while i < n
          value = f[i + 1]
          key = f[i]
          env[key] = value unless value.empty? && !REQUIRED.include?(key)
          i += 2
        end
      end
      env.merge!(@base) { |_key, variable, _base| variable }
      env.delete("HTTP_CONTENT_LENGTH")
      env.delete("HTTP_CONTENT_TYPE")
      env["SCRIPT_NAME"] ||= +""
      env["QUERY_STRING"] ||= +""
      env["PATH_INFO"] ||= +""
      name = env["SERVER_NAME"]
      env["SERVER_NAME"] = HOSTNAME if name.nil? || name.empty?
      port = env["SERVER_PORT"]
      env["SERVER_PORT"] = +"80" if port.nil? || port.empty?
      if env["SCRIPT_NAME"] == "/" # the spec: SCRIPT_NAME is "" or starts with "/" and is not "/"
        env["SCRIPT_NAME"] = +""
        env["PATH_INFO"] = "/" + env["PATH_INFO"] unless env["PATH_INFO"].start_with?("/")
      end
      scheme = env["UWSGI_SCHEME"]
      if scheme.nil?
        https = env["HTTPS"]
        scheme = https == "on" || https == "1" ? "https" : "http"
      end
      env["rack.url_scheme"] = scheme
      env
    end

    def respond(status, headers, body)
      code = Integer(status)
      raise ArgumentError, "invalid status #{status.inspect}" unless code.between?(100, 999)
      @head = head = start_frame(code, headers)
      return if sendfile(code, body)
      if body.is_a?(Array) && body.size == 1 && (chunk = body[0]).is_a?(String) && chunk.bytesize <= SMALL
        unless chunk.empty? # START, DATA and END in one write
          [DATA, 0, 0, chunk.bytesize].pack("CCvV", buffer: head)
          chunk.encoding == BINARY || chunk.ascii_only? ? head << chunk : head << chunk.b
        end
        @ch.put(head << END_FRAME)
        return
      end
      check_at = 0.0 # the first chunk looks at the frames already here and starts the clock
      length = nil   # the Content-Length, once the first chunk comes (-1: none)
      done = 0       # the body's bytes so far
      body.each do |chunk|
        raise TypeError, "a body chunk must be a String, not #{chunk.class}" unless chunk.is_a?(String)
        if @ended # Content-Length was met and END sent: more than it said is dropped, nothing more asked for
          break unless chunk.empty?
          next
        end
        if @write_errors > 0 # the client is gone: one more write error
          @write_errors += 1
          break if @write_errors > WRITE_ERRORS_TOLERANCE
          next
        end
        unless chunk.empty?
          length ||= Uwsgi4j.content_length(headers)
          done += chunk.bytesize
          if done == length && chunk.bytesize <= SMALL
            # with END in the same write; the body still runs to its end (its code after the last chunk)
            send_chunk(chunk, END_FRAME)
            @ended = true
            next
          end
          send_chunk(chunk)
        end
        now = Process.clock_gettime(Process::CLOCK_MONOTONIC)
        next if now < check_at
        if client_gone?(check_at != 0.0)
          @write_errors += 1
          break if @write_errors > WRITE_ERRORS_TOLERANCE
        end
        check_at = now + GONE_CHECK
      end
      return if @ended
      $stderr.puts "IOError: write error" if @write_errors > WRITE_ERRORS_TOLERANCE # the body is asked for nothing more
      @ch.put(@sent ? END_FRAME : @head + END_FRAME)
    end

    # The START frame: the status line and the headers (a value with "\n" is several headers of
    # that name, as Set-Cookie; rack.* names are the server's, never sent). Written straight into
    # one string, in room for the body's first chunk.
    def start_frame(code, headers)
      head = START_HEADER + (@status_lines[code] ||= "#{code} #{Rack::Utils::HTTP_STATUS_CODES[code] || "Unknown"}\0".b.freeze)
      headers.each do |name, value|
        name = name.to_s
        next if name.start_with?("rack.")
        value = value.to_s
        if value.include?("\n")
          value.split("\n").each { |v| head << name << "\0" << v << "\0" }
        else
          head << name << "\0" << value << "\0"
        end
      end
      head.force_encoding(BINARY)
      n = head.bytesize - 8
      head.setbyte(4, n & 0xff)
      head.setbyte(5, (n >> 8) & 0xff)
      head.setbyte(6, (n >> 16) & 0xff)
      head.setbyte(7, n >> 24)
      head
    rescue Encoding::CompatibilityError # non-ASCII text in several encodings: their bytes, as they are
      out = [+"#{code} #{Rack::Utils::HTTP_STATUS_CODES[code] || "Unknown"}"]
      headers.each do |name, value|
        name = name.to_s
        next if name.start_with?("rack.")
        value = value.to_s
        if value.include?("\n")
          value.split("\n").each { |v| out << name << v }
        else
          out << name << value
        end
      end
      Uwsgi4j.frame(START, Uwsgi4j.fields(*out))
    end

    # A body that is a file (to_path): SENDFILE, the kernel sends it. Rack::Files' single
    # byte range is a part of the file; several ranges, or a 206 without them, are iterated.
    def sendfile(code, body)
      return false unless body.respond_to?(:to_path)
      path = File.expand_path(body.to_path.to_s)
      return false unless File.file?(path)
      offset, length = 0, -1
      if body.respond_to?(:ranges) && body.ranges
        ranges = body.ranges
        return false unless ranges.size == 1
        offset = ranges[0].begin
        length = ranges[0].end - ranges[0].begin + 1
      elsif code == 206
        return false
      end
      @sent = true
      @ch.put(@head + Uwsgi4j.frame(SENDFILE, Uwsgi4j.fields(path, offset, length)) + END_FRAME)
      true
    end

    # A body chunk, at once (START first, in the same write, if not sent yet); `tail` (END), when
    # given, goes in the same write too (the chunk is at most SMALL then).
    def send_chunk(chunk, tail = nil)
      chunk = chunk.b unless chunk.encoding == BINARY || chunk.ascii_only?
      n = chunk.bytesize
      unless @sent
        @sent = true
        if n <= SMALL
          @ch.put(tail ? @head + [DATA, 0, 0, n].pack("CCvV") + chunk + tail : @head + [DATA, 0, 0, n].pack("CCvV") + chunk)
          return
        end
        @ch.put(@head)
      end
      if n <= SMALL
        @ch.put(tail ? [DATA, 0, 0, n].pack("CCvV") + chunk + tail : [DATA, 0, 0, n].pack("CCvV") + chunk)
        return
      end
      off = 0
      while off < n
        piece = chunk.byteslice(off, MAX_PAYLOAD)
        @ch.put([DATA, 0, 0, piece.bytesize].pack("CCvV"))
        @ch.put(piece)
        off += piece.bytesize
      end
    end

    # True once the kernel said GONE for the request in hand: reads the frames already
    # received and, with `poll`, those the socket holds (no wait).
    def client_gone?(poll)
      ready = @ch.frame? || (poll && IO.select([@ch.sock], nil, nil, 0))
      while ready
        type, = @ch.read
        if type == GONE
          @gone = true
        elsif type == STOP
          @stopping = true
        else
          raise ChannelClosed, "unexpected frame #{type} during a response"
        end
        ready = @ch.frame?
      end
      @gone
    end

    # The app raised: its backtrace to stderr, ERROR to the kernel (a 500 if nothing was sent);
    # only the backtrace when the response had ended already (its Content-Length met: the client
    # has it all).
    def fail(e)
      $stderr.write(Uwsgi4j.backtrace_text(e))
      return if @ended
      @ch.put(Uwsgi4j.frame(ERROR, Uwsgi4j.fields(Uwsgi4j.one_line(e))))
    end

    def close_body(body)
      body.close if body.respond_to?(:close)
    rescue ChannelClosed
      raise
    rescue Exception => e # rubocop:disable Lint/RescueException
      $stderr.write(Uwsgi4j.backtrace_text(e))
    end
  end

  HOSTNAME = Socket.gethostname rescue "localhost"
  GC_STATE = { freq: nil, cycles: 0 }

  # --ruby-gc-freq: uWSGI's rule, GC.start when cycles % N == 0 (N <= 1: every request), then
  # cycles + 1. Without the option ruby's own GC decides (docs/plugins/rack.md).
  def self.collect_garbage
    freq = GC_STATE[:freq]
    return if freq.nil?
    cycles = GC_STATE[:cycles]
    GC_STATE[:cycles] = cycles + 1
    GC.start if freq <= 1 || (cycles % freq).zero?
  end

  def self.rack_app(path)
    app = Rack::Builder.parse_file(path)
    app = app.first if app.is_a?(Array) # rack < 3: [app, options]
    raise NoApp, "#{path}: no Rack application (it must respond to call)" unless app.respond_to?(:call)
    app
  end

  # The default app and, with --mount, a Router over all of them: [app, router or nil].
  def self.load_app(env)
    (env["UWSGI4J_RB_LIBS"] || "").split("\n").reject(&:empty?).reverse_each { |dir| $LOAD_PATH.unshift(dir) }
    (env["UWSGI4J_RB_REQUIRES"] || "").split("\n").reject(&:empty?).each { |lib| require lib }
    require "uri" # loaded by every Ruby web server; Rack 2.2's Lint needs it and does not require it
    require "rack"
    Rack::Utils # autoloaded by the first response otherwise: once here, before the workers fork
    default = nil
    if env["UWSGI4J_RACK"] && !env["UWSGI4J_RACK"].empty?
      default = rack_app(env["UWSGI4J_RACK"])
    end
    first = default.nil? ? 0 : 1
    mounts = []
    JSON.parse(env["UWSGI4J_MOUNTS"] || "[]").each do |point, file|
      point = point.sub(%r{/+\z}, "")
      $stderr.puts "mounting #{file} on #{point.empty? ? "/" : point}"
      began = Time.now
      app = rack_app(file)
      default ||= app
      mounts << [point, app]
      $stderr.puts format("RACK app %d (mountpoint='%s') ready in %d seconds (pid: %d)",
                          first + mounts.size - 1, point, Time.now - began, Process.pid)
    end
    raise NoApp, "no application: set UWSGI4J_RACK or UWSGI4J_MOUNTS" if default.nil?
    return [default, nil] if mounts.empty?
    [default, Router.new(default, mounts, env["UWSGI4J_MANAGE_SCRIPT_NAME"] == "1")]
  end

  # Loads the app; calls it makes meanwhile go on the control channel. Returns [loaded, channel or nil].
  def self.load_or_fail(env, worker_id)
    LOADING.env = [env.fetch("UWSGI4J_SOCKET"), env.fetch("UWSGI4J_TOKEN"), worker_id]
    begin
      loaded = load_app(env)
      [loaded, LOADING.done]
    rescue Exception => e # rubocop:disable Lint/RescueException
      ch = LOADING.done
      $stderr.write(backtrace_text(e)) unless e.is_a?(NoApp)
      reason = e.is_a?(NoApp) ? e.message.split.join(" ") : one_line(e)
      begin
        ch ||= Channel.new(env["UWSGI4J_SOCKET"], env["UWSGI4J_TOKEN"], "control", worker_id, 0)
        ch.put(frame(LOADFAIL, fields(reason)))
        ch.close
      rescue SystemCallError, IOError, ChannelClosed => ce
        $stderr.puts "uwsgi4j worker: cannot report the load failure: #{ce.message}"
      end
      $stderr.flush
      exit!(EXIT_LOAD_FAILED)
    end
  end

  # Opens the worker's core channels, serves until they stop; the exit code.
  # --auto-procname and friends (docs/master.md, "Process names"): the name ps shows, through
  # Ruby's own setproctitle (which rewrites the argv area).
  def self.set_procname(env, default)
    return unless env["UWSGI4J_AUTO_PROCNAME"] == "1"
    name = env["UWSGI4J_PROCNAME"].to_s.empty? ? default : env["UWSGI4J_PROCNAME"]
    Process.setproctitle(env["UWSGI4J_PROCNAME_PREFIX"].to_s + name + env["UWSGI4J_PROCNAME_APPEND"].to_s)
  end

  def self.serve_worker(env, loaded, worker_id)
    threads = Integer(env["UWSGI4J_THREADS"] || "1")
    processes = Integer(env["UWSGI4J_PROCESSES"] || "1")
    WORKER[:id] = worker_id
    set_procname(env, "uWSGI worker #{worker_id}")
    app, router = loaded
    cores = Array.new(threads) do |i|
      base = {
        "rack.version" => Rack::VERSION,
        "rack.multithread" => threads > 1,
        "rack.multiprocess" => processes > 1,
        "rack.run_once" => false,
        "rack.hijack?" => false,
      }
      Core.new(app, router, Channel.new(env["UWSGI4J_SOCKET"], env["UWSGI4J_TOKEN"], "core", worker_id, i), base)
    end
    graceful = proc do
      # Finish the requests in hand; idle cores see EOF on their channel at once.
      cores.each do |core|
        core.stopping = true
        next if core.busy
        begin
          core.ch.sock.shutdown(Socket::SHUT_RD)
        rescue IOError, SystemCallError
          nil
        end
      end
    end
    trap("TERM", &graceful)
    trap("INT", &graceful)
    workers = cores.each_with_index.map do |core, i|
      Thread.new do
        Thread.current.name = "uWSGIWorker#{worker_id}Core#{i}"
        core.serve
      end
    end
    workers.each(&:join)
    0
  end

  # Preforking: one control channel; FORK forks a worker; children's exits become EXITED.
  def self.run_host(env, loaded, ch)
    ch ||= Channel.new(env["UWSGI4J_SOCKET"], env["UWSGI4J_TOKEN"], "control", 0, 0)
    ch.put(frame(READY))
    wake_r, wake_w = IO.pipe
    children = {}
    stopping = LOADING.stopped
    term = false
    poke = proc do
      wake_w.write_nonblock(".", exception: false)
    end
    trap("CHLD") { poke.call }
    trap("TERM") { term = true; poke.call }
    trap("INT") { term = true; poke.call }
    reap = lambda do
      until children.empty?
        begin
          pid, status = Process.waitpid2(-1, Process::WNOHANG)
        rescue Errno::ECHILD
          return
        end
        return if pid.nil?
        wid = children.delete(pid) || 0
        code = status.exited? ? status.exitstatus : 0
        sig = status.signaled? ? status.termsig : 0
        ch.put(frame(EXITED, fields(pid, wid, code, sig)))
      end
    end
    begin
      loop do
        if term && !stopping
          stopping = true
          children.each_key { |pid| Process.kill("TERM", pid) rescue nil }
        end
        reap.call
        return 0 if stopping && children.empty?
        unless ch.frame?
          ready, = IO.select([ch.sock, wake_r])
          wake_r.read_nonblock(512, exception: false) if ready.include?(wake_r)
          next unless ready.include?(ch.sock)
        end
        type, _, payload = ch.read
        if type == FORK
          worker_id = Integer(split_fields(payload).first)
          next if stopping
          $stdout.flush # a partial line is not the child's
          $stderr.flush
          pid = fork
          if pid.nil?
            code = 1
            begin
              # the host's handlers only set its flags: until the worker installs its own, a
              # stop signal must end the child, not be swallowed
              %w[CHLD TERM INT].each { |s| trap(s, "DEFAULT") }
              wake_r.close
              wake_w.close
              ch.close
              code = serve_worker(env, loaded, worker_id)
            rescue Exception => e # rubocop:disable Lint/RescueException
              $stderr.write(backtrace_text(e))
            ensure
              $stdout.flush
              $stderr.flush
              exit!(code)
            end
          end
          children[pid] = worker_id
        elsif type == STOP
          stopping = true
        else
          $stderr.puts "uwsgi4j host: unexpected frame #{type} on the control channel"
        end
      end
    rescue ChannelClosed
      # The kernel is gone: stop the workers too (they see their channels close as well).
      children.each_key { |pid| Process.kill("TERM", pid) rescue nil }
      0
    end
  end

  # --gid/--uid (UWSGI4J_GID, UWSGI4J_UID: names or numbers): become that group and user before
  # the app loads (setgid, initgroups with both, else setgroups([]), setuid); forked workers
  # inherit it. An id the process has already is left alone.
  def self.drop_privileges(env)
    uid = env["UWSGI4J_UID"]
    gid = env["UWSGI4J_GID"]
    uid = uid.nil? || uid.empty? ? nil : uid.match?(/\A\d+\z/) ? uid.to_i : Etc.getpwnam(uid).uid
    gid = gid.nil? || gid.empty? ? nil : gid.match?(/\A\d+\z/) ? gid.to_i : Etc.getgrnam(gid).gid
    new_gid = !gid.nil? && [Process::Sys.getgid, Process::Sys.getegid].uniq != [gid]
    new_uid = !uid.nil? && [Process::Sys.getuid, Process::Sys.geteuid].uniq != [uid]
    Process::GID.change_privilege(gid) if new_gid
    if new_gid && !uid.nil?
      name = (Etc.getpwuid(uid).name rescue uid.to_s)
      Process.initgroups(name, gid)
    elsif new_gid || new_uid
      Process.groups = []
    end
    Process::UID.change_privilege(uid) if new_uid
  end

  # The UWSGI module apps use (uWSGI's rack plugin's API, as far as it goes here). Values come
  # from the kernel's UWSGI4J_* variables; actions are CALLs on the current core's channel (on
  # the control channel while the app loads); kernel_call(name, *args) reaches any call.
  def self.define_uwsgi_module(env)
    opt = {}
    JSON.parse(env["UWSGI4J_OPTIONS"] || "[]").each do |name, value|
      value = true if value == "true"
      opt[name] = opt.key?(name) ? [opt[name], value].flatten : value
    end
    version = env["UWSGI4J_VERSION"] || "0.0.0"
    master_pid = Integer(env["UWSGI4J_MASTER_PID"] || "0")
    mod = Module.new
    Object.const_set(:UWSGI, mod)
    mod.const_set(:OPT, opt.freeze)
    mod.const_set(:VERSION, "#{version}-uwsgi4j")
    mod.const_set(:NUMPROC, Integer(env["UWSGI4J_PROCESSES"] || "1"))
    mod.const_set(:STARTED_ON, Integer(env["UWSGI4J_STARTED_ON"] || "0"))
    mod.const_set(:HOSTNAME, HOSTNAME)
    mod.define_singleton_method(:kernel_call) do |name, *args|
      core = Thread.current[:uwsgi4j_core]
      next core.call(name.to_s, *args.map(&:to_s)) if core
      result = LOADING.call(name.to_s, *args.map(&:to_s))
      if result.nil?
        raise RuntimeError, "UWSGI.#{name} can be called only from a request's thread or while the app loads"
      end
      Uwsgi4j.call_result(name.to_s, result)
    end
    mod.define_singleton_method(:log) do |message|
      core = Thread.current[:uwsgi4j_core]
      core ? core.log(message) : $stderr.puts(message.to_s)
      true
    end
    mod.define_singleton_method(:reload) do
      if Thread.current[:uwsgi4j_core].nil? && master_pid.positive?
        Process.kill("HUP", master_pid) # the kernel reloads on SIGHUP as well
      else
        kernel_call("reload")
      end
      true
    end
    signum = lambda do |n|
      n = Integer(n)
      raise ArgumentError, "invalid signal number #{n}" unless (0..255).cover?(n)
      n
    end
    # uWSGI's UWSGI.register_signal(NUM, TARGET, HANDLER): the handler stays in this process (a
    # worker forked later inherits it); the kernel learns the number and the target.
    mod.define_singleton_method(:register_signal) do |n, who, handler|
      n = signum.call(n)
      raise ArgumentError, "the signal handler must respond to call" unless handler.respond_to?(:call)
      kernel_call("register_signal", n, who.to_s)
      SIGNAL_HANDLERS[n] = handler
      true
    end
    mod.define_singleton_method(:signal) { |n| kernel_call("signal", signum.call(n)); true }
    # uWSGI's UWSGI.alarm(NAME, MESSAGE): raises that alarm (docs/plugins/alarm.md); without the
    # alarm plugin there is no alarm to raise and nothing happens, as in uWSGI without alarms.
    mod.define_singleton_method(:alarm) do |name, message|
      kernel_call("alarm", name.to_s, message.to_s.b)
      nil
    rescue RuntimeError => e
      raise unless e.message.include?("no such call: alarm")
      nil
    end
    mod.define_singleton_method(:signal_registered) { |n| SIGNAL_HANDLERS.key?(signum.call(n)) }
    mod.define_singleton_method(:add_timer) { |n, secs| kernel_call("add_timer", signum.call(n), Integer(secs)); true }
    mod.define_singleton_method(:add_rb_timer) do |n, secs, iterations = 0|
      kernel_call("add_rb_timer", signum.call(n), Integer(secs), Integer(iterations))
      true
    end
    mod.define_singleton_method(:add_cron) do |n, *fields|
      kernel_call("add_cron", signum.call(n), *fields.first(5).map { |f| Integer(f) })
      true
    end
    mod.define_singleton_method(:add_file_monitor) { |n, path| kernel_call("add_file_monitor", signum.call(n), path.to_s); true }
    mod.define_singleton_method(:masterpid) { master_pid }
    mod.define_singleton_method(:worker_id) { WORKER[:id] }
    mod.define_singleton_method(:request_id) { Thread.current[:uwsgi4j_core]&.request_id || 0 }
  end

  # STDOUT and STDERR of the host and its forked workers: they share one pipe to the kernel, and
  # a write longer than PIPE_BUF (4 KiB) can interleave with another process's, so each run of
  # complete lines is written with an flock held on a lock file of the runtime directory (flock
  # locks belong to an open file, which a fork shares: each process opens it itself; the mutex
  # keeps a process's threads in turn). A partial line waits for its newline or a flush. Every
  # write of the IO (puts, print, <<, printf) comes through #write.
  module WholeLines
    def whole_lines(lock_path)
      @wl_lock_path = lock_path
      @wl_pending = String.new(encoding: BINARY)
      @wl_mutex = Mutex.new
      @wl_pid = nil
      @wl_lock = nil
      self
    end

    def write(*args)
      n = 0
      @wl_mutex.synchronize do
        args.each do |a|
          s = a.to_s
          n += s.bytesize
          @wl_pending << s.b
        end
        i = @wl_pending.rindex("\n")
        wl_out(i + 1) if i
      end
      n
    end

    def flush
      @wl_mutex.synchronize { wl_out(@wl_pending.bytesize) unless @wl_pending.empty? }
      super
    end

    private

    def wl_out(n)
      bytes = @wl_pending.byteslice(0, n)
      @wl_pending = @wl_pending.byteslice(n, @wl_pending.bytesize - n)
      lock = wl_lock
      lock&.flock(File::LOCK_EX)
      begin
        bytes = bytes.byteslice(syswrite(bytes), bytes.bytesize) until bytes.empty?
      ensure
        lock&.flock(File::LOCK_UN)
      end
    end

    def wl_lock
      return nil unless @wl_lock_path
      unless @wl_pid == Process.pid
        @wl_pid = Process.pid
        @wl_lock = begin
          File.open(@wl_lock_path, File::WRONLY | File::APPEND | File::CREAT, 0o600) # Ruby opens close-on-exec
        rescue SystemCallError
          nil
        end
      end
      @wl_lock
    end
  end

  # STDOUT and STDERR as WholeLines (after the privileges are dropped: the lock file is the
  # workers' user's); $stderr is a copy of STDERR so that Kernel#warn writes through it too
  # (Ruby writes warnings straight to the descriptor while $stderr is STDERR itself).
  def self.whole_line_stdio(env)
    lock = env["UWSGI4J_SOCKET"] && File.join(File.dirname(env["UWSGI4J_SOCKET"]), "stdio-ruby.lock")
    [STDOUT, STDERR].each do |io|
      io.flush
      io.extend(WholeLines).whole_lines(lock)
    end
    err = STDERR.dup
    err.sync = true
    $stderr = err.extend(WholeLines).whole_lines(lock)
    $stdout = STDOUT
  end

  def self.main(env)
    $stdout.sync = true
    $stderr.sync = true
    role = env["UWSGI4J_ROLE"] || "host"
    %w[UWSGI4J_SOCKET UWSGI4J_TOKEN].each do |name|
      next if env[name] && !env[name].empty?
      $stderr.puts "uwsgi4j worker: #{name} is not set"
      return 1
    end
    freq = env["UWSGI4J_GC_FREQ"]
    GC_STATE[:freq] = Integer(freq) if freq && !freq.empty?
    drop_privileges(env)
    whole_line_stdio(env)
    define_uwsgi_module(env)
    case role
    when "host"
      set_procname(env, "uWSGI rack host")
      loaded, control = load_or_fail(env, 0)
      run_host(env, loaded, control)
    when "worker"
      worker_id = Integer(env["UWSGI4J_WORKER_ID"] || "1")
      WORKER[:id] = worker_id
      loaded, control = load_or_fail(env, worker_id)
      control&.close # a lazy worker's calls while loading are over
      serve_worker(env, loaded, worker_id)
    else
      $stderr.puts "uwsgi4j worker: unknown UWSGI4J_ROLE #{role.inspect}"
      1
    end
  end
end

require "stringio"
exit!(Uwsgi4j.main(ENV).tap { $stdout.flush; $stderr.flush }) if $PROGRAM_NAME == __FILE__
