# A Sinatra application (Debian's ruby-sinatra): an HTML form and a small JSON API.
#   ./uwsgi4j --http-socket :8080 --rack examples/rack/sinatra/config.ru --master --processes 2
#   curl -d name=Ada localhost:8080/greet
#   curl -H 'Content-Type: application/json' -d '{"name":"tea"}' localhost:8080/api/items
require "sinatra/base"
require "json"

class ExampleApp < Sinatra::Base
  set :items, []

  get "/" do
    <<~HTML
      <form method="post" action="/greet">
        <input name="name"> <button>Greet</button>
      </form>
    HTML
  end

  post "/greet" do
    halt 400, "a name, please\n" if params["name"].to_s.strip.empty?
    "Hello, #{Rack::Utils.escape_html(params['name'])}!\n"
  end

  get "/api/items" do
    content_type :json
    JSON.generate(settings.items)
  end

  post "/api/items" do
    item = JSON.parse(request.body.read)
    halt 422, JSON.generate(error: "name missing") unless item.is_a?(Hash) && item["name"]
    settings.items << { "name" => item["name"], "worker" => Process.pid.to_s }
    status 201
    content_type :json
    JSON.generate(settings.items.last)
  end
end
