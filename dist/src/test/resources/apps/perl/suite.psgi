# Plack::Test::Suite's server side: the suite's handler (routed by X-Plack-Test) under Lint, as
# run_server_tests serves it; suite-client.pl is the client side (PsgiIT).
use Plack::Test::Suite;
use Plack::Middleware::Lint;
Plack::Middleware::Lint->wrap(Plack::Test::Suite->test_app_handler);
