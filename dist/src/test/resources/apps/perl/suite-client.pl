# Plack::Test::Suite's client side against a server already running on 127.0.0.1:PORT: each
# of the suite's cases, its request tagged with X-Plack-Test (the index of the case), as
# run_server_tests does; the server serves Plack::Test::Suite->test_app_handler. TAP on stdout.
use strict;
use warnings;
use Test::More;
use Plack::Test::Suite;
use Plack::LWPish;

my $port = shift or die "usage: suite-client.pl PORT\n";
my $ua = Plack::LWPish->new(no_proxy => [qw/127.0.0.1/]);
my $i = 0;
Plack::Test::Suite->runtests(sub {
    my ($name, $client) = @_;
    my $index = $i++;
    note $name;
    $client->(sub {
        my $req = shift;
        $req->uri->port($port);
        $req->uri->path(($ENV{PLACK_TEST_SCRIPT_NAME} || "") . $req->uri->path);
        $req->header('X-Plack-Test' => $index);
        return $ua->request($req);
    });
});
done_testing;
