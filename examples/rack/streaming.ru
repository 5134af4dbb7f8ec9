# A streamed response: each chunk the body yields goes to the client as it is produced
# (chunked on HTTP/1.1), here one line a second.
#   ./uwsgi4j --http-socket :8080 --rack examples/rack/streaming.ru
#   curl -N localhost:8080/
class Ticks
  def each
    5.times do |i|
      yield "tick #{i}\n"
      sleep 1
    end
  end

  def close
    warn "ticks done" # rack.errors is the server log; a client that went away ends the body early
  end
end

run ->(env) { [200, { "Content-Type" => "text/plain" }, Ticks.new] }
