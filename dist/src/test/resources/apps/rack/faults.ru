# RackIT's app for faults (kill -9, reload, --max-requests): / answers at once, /version the
# code version read from version.txt when the app loads (a reload reads it again), /pid its pid.
VERSION = File.exist?("version.txt") ? File.read("version.txt").strip : "none"

run(lambda do |env|
  case env["PATH_INFO"]
  when "/version" then [200, { "Content-Type" => "text/plain" }, [VERSION]]
  when "/pid" then [200, { "Content-Type" => "text/plain" }, [Process.pid.to_s]]
  else [200, { "Content-Type" => "text/plain" }, ["hello from #{Process.pid}\n"]]
  end
end)
