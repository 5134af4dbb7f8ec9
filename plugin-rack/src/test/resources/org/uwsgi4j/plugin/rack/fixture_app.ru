# The Ruby host's fixture app: one Rack app routed by PATH_INFO. It serves the worker host
# kit's endpoints (worker-tck: WorkerHostContract's Javadoc is their contract) and the
# Rack-specific ones of RackHostTest.
require "json"

# Counts the GC.start calls of this process (the host's --ruby-gc-freq ones): /gc answers them.
module CountedStarts
  def start(*args, **opts)
    $gc_starts += 1
    super
  end
end
$gc_starts = 0
GC.singleton_class.prepend(CountedStarts)

HANDLED = [] # the signals the handler of /signal-register ran for, in order

def register_signals(n)
  UWSGI.register_signal(n, "workers", ->(signum) { HANDLED << signum })
  UWSGI.register_signal(n + 1, "workers", ->(_signum) { raise "signal handler failed" })
end
register_signals(Integer(ENV["KIT_SIGNAL_AT_LOAD"])) if ENV["KIT_SIGNAL_AT_LOAD"]

# A body whose close is logged through rack.errors.
class Closing
  def initialize(env, chunks, fail: false)
    @env, @chunks, @fail = env, chunks, fail
  end

  def each(&block)
    @chunks.each(&block)
    raise "late failure" if @fail
  end

  def close
    @env["rack.errors"].write("closed\n")
  end
end

# Endless chunks "0", "1" …; its close logs how many the server asked for.
class Numbered
  def initialize(env)
    @env, @given = env, 0
  end

  def each
    loop do
      @given += 1
      yield (@given - 1).to_s
    end
  end

  def close
    @env["rack.errors"].write("gave #{@given}\n")
  end
end

# A file body: the server sends it from its path.
class FileBody
  def initialize(path)
    @path = path
  end

  def to_path
    @path
  end

  def each
    raise "the file body was iterated, not sent from its path"
  end
end

# A framework's response body: not an Array, with a Content-Length (11), code after its last chunk.
class Sized
  def initialize(env, mode)
    @env, @mode = env, mode
  end

  def each
    yield "Hello "
    yield "World"
    AFTER << @mode
    raise "after the last chunk" if @mode == "raise"
    return unless @mode == "more"
    yield "!!" # past the Content-Length: dropped, and the iteration ends
    AFTER << "unreached"
  end

  def close
    @env["rack.errors"].write("closed\n")
  end
end
AFTER = [] # what /sized ran after its last chunk

# Counts the host's writes on its channels (Uwsgi4j::Channel#put): /sends answers them.
module CountedPuts
  def put(data)
    $puts += 1
    super
  end
end
$puts = 0
Uwsgi4j::Channel.prepend(CountedPuts) if defined?(Uwsgi4j::Channel)

TEXT = { "Content-Type" => "text/plain" }.freeze

run(lambda do |env|
  path = env["PATH_INFO"]
  input = env["rack.input"]
  case path
  when "/hello"
    [200, TEXT.dup, ["Hello World"]]
  when "/echo"
    body = input.read
    more = input.read # past the end: must not READ again
    [200, { "Content-Length" => (body + more).bytesize.to_s }, [body + more]]
  when "/stream"
    [200, TEXT.dup, Enumerator.new { |y| y << "first"; y << input.read(3); y << "last" }]
  when "/count"
    [200, TEXT.dup, Enumerator.new { |y| Integer(env["QUERY_STRING"]).times { |i| y << "#{i}\n" } }]
  when "/pid"
    [200, TEXT.dup, [Process.pid.to_s]]
  when "/stdio-lines"
    Integer(env["QUERY_STRING"]).times do |i|
      out = i.even? ? $stdout : $stderr
      out.write("L#{Process.pid} #{i} " + "x" * 10_000)
      input.read(1) # the kit lets the other worker write its first half here
      out.write("x" * 10_000 + "\n")
    end
    [200, TEXT.dup, ["written"]]
  when "/log"
    env["rack.errors"].write("hello log\nsecond ")
    env["rack.errors"].write("part\n")
    [200, TEXT.dup, ["logged"]]
  when "/raise"
    1 / 0
  when "/raise-late"
    [200, TEXT.dup, Closing.new(env, ["partial"], fail: true)]
  when "/close"
    [200, TEXT.dup, Closing.new(env, %w[a b])]
  when "/endless"
    [200, TEXT.dup, Closing.new(env, Enumerator.new { |y| loop { y << "tick" } })]
  when "/numbered"
    [200, TEXT.dup, Numbered.new(env)]
  when "/file"
    [200, TEXT.dup, FileBody.new(env["QUERY_STRING"])]
  when "/signal-register"
    register_signals(Integer(env["QUERY_STRING"]))
    [200, TEXT.dup, ["registered"]]
  when "/signals"
    [200, TEXT.dup, [HANDLED.join(" ")]]
  when "/call"
    values = begin
      ["ok"] + UWSGI.kernel_call(env["QUERY_STRING"])
    rescue RuntimeError
      ["error"]
    end
    [200, TEXT.dup, [values.join(" ")]]
  when "/env"
    keys = %w[rack.version rack.url_scheme rack.multithread rack.multiprocess rack.run_once rack.hijack?
              QUERY_STRING PATH_INFO SCRIPT_NAME SERVER_NAME SERVER_PORT EMPTY CONTENT_LENGTH]
    body = JSON.generate(keys.to_h { |k| [k, env[k]] }.merge("keys" => env.keys.sort,
      "input" => [input.class.name, input.external_encoding.to_s]))
    [200, { "Content-Type" => "application/json" }, [body]]
  when "/lines"
    first = input.gets
    part = input.read(2)
    rest = []
    input.each { |l| rest << l }
    raise "read past the end" if input.read(1) || input.gets || input.read != ""
    input.rewind
    again = input.read
    [200, TEXT.dup, [JSON.generate([first, part] + rest + [again])]]
  when "/cookies"
    [200, TEXT.merge("Set-Cookie" => "a=1\nb=2"), ["two cookies"]]
  when "/chunked"
    [200, TEXT.merge("Transfer-Encoding" => "chunked"), ["5\r\nhello\r\n0\r\n\r\n"]]
  when "/status"
    [Integer(env["QUERY_STRING"]), TEXT.dup, ["status"]]
  when "/uwsgi"
    UWSGI.log("via UWSGI.log")
    values = [UWSGI.worker_id, UWSGI::NUMPROC, UWSGI.masterpid, UWSGI.request_id, UWSGI::VERSION, UWSGI::OPT.keys.sort]
    [200, TEXT.dup, [JSON.generate(values)]]
  when "/gc"
    [200, TEXT.dup, ["#{$gc_starts} #{GC.count}"]]
  when "/input-spoil" # moves, re-encodes or closes the rack.input of a request without a body
    case env["QUERY_STRING"]
    when "seek" then input.seek(3)
    when "encoding" then input.set_encoding(Encoding::UTF_8)
    else input.close
    end
    [200, TEXT.dup, ["spoilt"]]
  when "/input-state"
    data = input.read
    [200, TEXT.dup, ["#{input.closed_read? ? "closed" : "open"}|#{input.pos}|#{data.bytesize}|#{input.external_encoding}"]]
  when "/sized"
    [200, TEXT.merge("Content-Length" => "11"), Sized.new(env, env["QUERY_STRING"])]
  when "/after"
    [200, TEXT.dup, [AFTER.join(",")]]
  when "/sends"
    [200, TEXT.dup, [$puts.to_s]]
  else
    [404, TEXT.dup, ["not found"]]
  end
end)
