# A Rack app for WriteErrorsIT: /iterate?f=FILE answers a body whose each yields "first", then
# (once FILE.closed exists: the client is gone) 40 chunks 25 ms apart, each index appended to
# FILE; close appends "closed".
class Chunks
  def initialize(f)
    @f = f
  end

  def record(line)
    File.open(@f, "a") { |out| out.puts(line) }
  end

  def each
    yield "first\n"
    deadline = Time.now + 20
    sleep 0.01 until File.exist?("#{@f}.closed") || Time.now > deadline
    40.times do |i|
      sleep 0.025
      record(i.to_s)
      yield "x" * 65536
    end
  end

  def close
    record("closed")
  end
end

run lambda { |env|
  f = env["QUERY_STRING"][/f=([^&]+)/, 1]
  [200, { "content-type" => "text/plain" }, Chunks.new(f)]
}
