# The smallest PSGI application: ./uwsgi4j --http-socket :8080 --psgi examples/psgi/hello.psgi
my $app = sub {
    my $body = "Hello from uwsgi4j!\n";
    return [200, ['Content-Type' => 'text/plain', 'Content-Length' => length $body], [$body]];
};
