# AppBatteryIT's Rack fixture: the battery's endpoint contract (AppBatteryIT's Javadoc,
# docs/testing.md "The app battery"), routed by PATH_INFO. Plain Rack behind Rack::Lint (Debian's
# ruby-rack 2.2), which checks the server's env and input and the app's response against the
# Rack SPEC on every request; Rack::Head empties HEAD bodies as the SPEC wants of an app.
require "json"

TEXT = { "Content-Type" => "text/plain" }.freeze

module Battery
  module_function

  def read_all(input)
    body = "".b
    while (chunk = input.read(65536))
      body << chunk
    end
    body
  end

  # Every CGI variable (a name without a dot), its bytes decoded as UTF-8, and the body.
  def env_json(env)
    out = {}
    env.each { |k, v| out[k] = v.dup.force_encoding("UTF-8").scrub if !k.include?(".") && v.is_a?(String) }
    out["battery.body"] = read_all(env["rack.input"]).force_encoding("UTF-8").scrub
    JSON.generate(out)
  end

  # Waits (bounded) for the test to create `path`: it has read the previous chunk.
  def await_gate(path)
    deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + 10
    sleep 0.005 until File.exist?(path) || Process.clock_gettime(Process::CLOCK_MONOTONIC) > deadline
  end
end

# Rack::Lint as Rack 3 has it: the SPEC lets a server send a body that responds to to_path from
# its file instead of calling each, and 2.2's Lint hides to_path behind its own each; this one
# passes it on (checking the file exists, as 2.2's Lint does after each).
class SpecLint < Rack::Lint
  def respond_to?(name, include_all = false)
    name.to_sym == :to_path ? @body.respond_to?(:to_path) : super
  end

  def to_path
    path = @body.to_path
    raise Rack::Lint::LintError, "The file identified by body.to_path does not exist" unless ::File.exist?(path)
    path
  end
end

class Stream
  def initialize(gates)
    @gates = gates
  end

  def each
    5.times do |i|
      Battery.await_gate(File.join(@gates, "gate-#{i}")) if i.positive?
      yield "chunk #{i}\n"
    end
  end
end

class LateFailure
  def each
    yield "partial"
    raise "battery: late failure"
  end
end

# A real file the app's process refuses to read: its bytes can only come by SENDFILE.
class Unreadable
  def initialize(path)
    @path = path
  end

  def to_path
    @path
  end

  def each
    raise "battery: the worker read the file"
  end
end

use SpecLint
use Rack::Head
run(lambda do |env|
  path = env["PATH_INFO"]
  query = env["QUERY_STRING"]
  if path.start_with?("/env")
    body = Battery.env_json(env)
    next [200, { "Content-Type" => "application/json", "Content-Length" => body.bytesize.to_s }, [body]]
  end
  case path
  when "/echo"
    body = Battery.read_all(env["rack.input"])
    [200, { "Content-Type" => "application/octet-stream", "Content-Length" => body.bytesize.to_s }, [body]]
  when "/stream"
    [200, TEXT.dup, Stream.new(query)]
  when "/raise-early"
    raise "battery: early failure"
  when "/raise-late"
    [200, TEXT.dup, LateFailure.new]
  when "/head"
    [200, TEXT.merge("Content-Length" => "11"), ["hello head\n"]]
  when "/pid"
    [200, TEXT.dup, [Process.pid.to_s]]
  when "/file"
    [200, { "Content-Type" => "application/octet-stream", "Content-Length" => File.size(query).to_s }, Unreadable.new(query)]
  when "/hop"
    [200, TEXT.merge("Transfer-Encoding" => "chunked"), ["framed by the server\n"]]
  else
    [404, TEXT.dup, ["no such battery endpoint\n"]]
  end
end)
