# Stands in for a Rails app's environment (Debian's rails is not needed by the tests).
module RailsLike
  Application = lambda do |env|
    [200, { "Content-Type" => "text/plain" }, ["rails-like app in #{Dir.pwd}"]]
  end
end
