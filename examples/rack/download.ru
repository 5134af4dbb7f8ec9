# A file download: a body that responds to to_path (here Rack::Files) is sent by the server from
# the file (no copy through ruby). Serves this directory's files.
#   ./uwsgi4j --http-socket :8080 --rack examples/rack/download.ru
#   curl -O localhost:8080/download.ru
run Rack::Files.new(__dir__)
