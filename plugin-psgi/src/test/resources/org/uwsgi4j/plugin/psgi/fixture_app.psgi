# The Perl host's fixture app: one PSGI app routed by PATH_INFO. It serves the worker host
# kit's endpoints (worker-tck: WorkerHostContract's Javadoc is their contract) and the
# PSGI-specific ones of PsgiHostTest. Core Perl only: it runs without Plack.
use strict;
use warnings;

# A body whose getline gives the chunks, then dies when asked ('fail'); its close (the
# clean-up) writes "closed" to psgi.errors.
package Closing;
sub new { my ($class, $env, @chunks) = @_; return bless { env => $env, chunks => \@chunks }, $class }
sub getline {
    my ($self) = @_;
    my $next = shift @{ $self->{chunks} };
    return undef unless defined $next;
    die "late failure\n" if $next eq 'fail';
    return $next;
}
sub close { $_[0]{env}{'psgi.errors'}->print("closed\n") }

package Endless;
sub new { my ($class, $env) = @_; return bless { env => $env }, $class }
sub getline { return 'tick' }
sub close { $_[0]{env}{'psgi.errors'}->print("closed\n") }

package main;

my $TEXT = ['Content-Type' => 'text/plain'];

sub read_all {
    my ($input) = @_;
    my $body = '';
    while (1) {
        my $n = $input->read(my $buf, 65536);
        die "read error" unless defined $n;
        last unless $n;
        $body .= $buf;
    }
    return $body;
}

my $app = sub {
    my ($env) = @_;
    my $path = $env->{PATH_INFO};
    if ($path eq '/hello') {
        return [200, ['Content-Type' => 'text/plain'], ['Hello World']];
    }
    if ($path eq '/echo') {
        my $body = read_all($env->{'psgi.input'});
        my $more = read_all($env->{'psgi.input'});   # past the end: must not READ again
        return [200, ['Content-Length' => length($body . $more)], [$body . $more]];
    }
    if ($path eq '/stream') {
        return sub {
            my ($respond) = @_;
            my $w = $respond->([200, $TEXT]);
            $w->write('first');
            $env->{'psgi.input'}->read(my $three, 3);   # waits for the kernel's BODY
            $w->write($three);
            $w->write('last');
            $w->close;
        };
    }
    if ($path eq '/count') {
        my $n = $env->{QUERY_STRING};
        my $body = bless { i => 0, n => $n }, 'Counter';
        return [200, $TEXT, $body];
    }
    if ($path eq '/pid') {
        return [200, $TEXT, [$$]];
    }
    if ($path eq '/log') {
        $env->{'psgi.errors'}->print("hello log\nsecond ");
        $env->{'psgi.errors'}->print("part\n");
        return [200, $TEXT, ['logged']];
    }
    if ($path eq '/raise') {
        die "early failure\n";
    }
    if ($path eq '/raise-late') {
        return [200, $TEXT, Closing->new($env, 'partial', 'fail')];
    }
    if ($path eq '/close') {
        return [200, $TEXT, Closing->new($env, 'a', 'b')];
    }
    if ($path eq '/endless') {
        return [200, $TEXT, Endless->new($env)];
    }
    if ($path eq '/file') {
        open(my $fh, '<', $env->{QUERY_STRING}) or die "$env->{QUERY_STRING}: $!";
        return [200, $TEXT, $fh];
    }
    if ($path eq '/call') {
        my $answer = eval { join(' ', 'ok', uwsgi::_call($env->{QUERY_STRING})) } || 'error';
        return [200, $TEXT, [$answer]];
    }
    return [404, $TEXT, ['not found']];
};

package Counter;
sub getline { my ($self) = @_; return undef if $self->{i} >= $self->{n}; return $self->{i}++ . "\n" }
sub close { }

package main;
$app;
