# AppBatteryIT's PSGI fixture: the battery's endpoint contract (AppBatteryIT's Javadoc,
# docs/testing.md "The app battery"), routed by PATH_INFO, wrapped in Plack::Middleware::Lint
# (every env and response checked against the PSGI spec). Plain PSGI, no framework.
use strict;
use warnings;
use Encode ();
use JSON::PP ();
use Time::HiRes ();
use Plack::Middleware::Lint;

# A real file the app's process refuses to read: its bytes can only come by SENDFILE.
package Unreadable;
our @ISA = ('IO::Handle');
sub getline { die "battery: the worker read the file\n" }
sub read { die "battery: the worker read the file\n" }

# "partial", then the late failure.
package LateFailure;
sub new { return bless { sent => 0 }, shift }
sub getline { my ($self) = @_; return 'partial' unless $self->{sent}++; die "battery: late failure\n" }
sub close { }

package main;

my $TEXT = ['Content-Type' => 'text/plain'];

sub read_all {
    my ($input) = @_;
    my $body = '';
    while ($input->read(my $buf, 65536)) {
        $body .= $buf;
    }
    return $body;
}

# Every CGI variable (a name without a dot), its bytes decoded as UTF-8, and the body.
sub env_json {
    my ($env) = @_;
    my %out;
    for my $k (keys %$env) {
        next if $k =~ /\./ || ref $env->{$k} || !defined $env->{$k};
        $out{$k} = Encode::decode('UTF-8', $env->{$k});
    }
    $out{'battery.body'} = Encode::decode('UTF-8', read_all($env->{'psgi.input'}));
    return JSON::PP->new->utf8->encode(\%out);
}

# Waits (bounded) for the test to create $path: it has read the previous chunk.
sub await_gate {
    my ($path) = @_;
    my $deadline = Time::HiRes::time() + 10;
    Time::HiRes::sleep(0.005) while !-e $path && Time::HiRes::time() < $deadline;
}

my $app = sub {
    my ($env) = @_;
    my ($path, $query) = ($env->{PATH_INFO}, $env->{QUERY_STRING});
    if ($path =~ m{\A/env}) {
        my $body = env_json($env);
        return [200, ['Content-Type' => 'application/json', 'Content-Length' => length $body], [$body]];
    }
    if ($path eq '/echo') {
        my $body = read_all($env->{'psgi.input'});
        return [200, ['Content-Type' => 'application/octet-stream', 'Content-Length' => length $body], [$body]];
    }
    if ($path eq '/stream') {
        return sub {
            my ($respond) = @_;
            my $writer = $respond->([200, $TEXT]);
            for my $i (0 .. 4) {
                await_gate("$query/gate-$i") if $i;
                $writer->write("chunk $i\n");
            }
            $writer->close;
        };
    }
    if ($path eq '/raise-early') {
        die "battery: early failure\n";
    }
    if ($path eq '/raise-late') {
        return [200, $TEXT, LateFailure->new];
    }
    if ($path eq '/head') {
        return [200, ['Content-Type' => 'text/plain', 'Content-Length' => 11], ["hello head\n"]];
    }
    if ($path eq '/pid') {
        return [200, $TEXT, [$$]];
    }
    if ($path eq '/file') {
        open(my $fh, '<', $query) or die "$query: $!\n";
        my $size = -s $fh;
        bless $fh, 'Unreadable';
        return [200, ['Content-Type' => 'application/octet-stream', 'Content-Length' => $size], $fh];
    }
    if ($path eq '/hop') {
        return [200, [@$TEXT, 'Transfer-Encoding' => 'chunked'], ["framed by the server\n"]];
    }
    return [404, $TEXT, ["no such battery endpoint\n"]];
};

Plack::Middleware::Lint->wrap($app);
