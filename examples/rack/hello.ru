# The smallest Rack application: ./uwsgi4j --http-socket :8080 --rack examples/rack/hello.ru
run ->(env) { [200, { "Content-Type" => "text/plain", "Content-Length" => "20" }, ["Hello from uwsgi4j!\n"]] }
