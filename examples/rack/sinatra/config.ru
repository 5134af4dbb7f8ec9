# Sinatra behind uwsgi4j's rack plugin: ./uwsgi4j --http-socket :8080 --rack examples/rack/sinatra/config.ru
require_relative "app"
run ExampleApp
