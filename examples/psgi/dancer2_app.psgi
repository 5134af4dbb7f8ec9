# A Dancer2 application (Debian: libdancer2-perl): an HTML form, its POST, and JSON.
#   ./uwsgi4j --http-socket :8080 --psgi examples/psgi/dancer2_app.psgi --master --processes 2
#   curl localhost:8080/            the form
#   curl -d name=Ada localhost:8080/greet
#   curl localhost:8080/api/hello?name=Ada
package Greeter;
use Dancer2;

get '/' => sub {
    send_as html => <<'HTML';
<!DOCTYPE html>
<html><body>
<form method="post" action="/greet">
  <label>Your name <input name="name"></label>
  <button type="submit">Greet</button>
</form>
</body></html>
HTML
};

post '/greet' => sub {
    my $name = body_parameters->get('name') // 'stranger';
    send_as html => '<p>Hello, ' . encode_entities($name) . '!</p>';
};

get '/api/hello' => sub {
    my $name = query_parameters->get('name') // 'stranger';
    send_as JSON => { greeting => "Hello, $name!", pid => "$$" };
};

sub encode_entities {
    my ($s) = @_;
    $s =~ s/([&<>"'])/'&#' . ord($1) . ';'/ge;
    return $s;
}

Greeter->to_app;
