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

# Endless chunks 0, 1, 2 …; its close logs how many the server asked for.
package Numbered;
sub new { my ($class, $env) = @_; return bless { env => $env, given => 0 }, $class }
sub getline { return $_[0]{given}++ . '' }
sub close { $_[0]{env}{'psgi.errors'}->print("gave $_[0]{given}\n") }

# A framework's body with a Content-Length (11): getline gives "Hello ", "World", then "!!" (past
# the length), or dies there ('raise'); its close counts the getline calls in @main::AFTER and
# logs "closed".
package Sized;
sub new { my ($class, $env, $mode) = @_; return bless { env => $env, mode => $mode, calls => 0 }, $class }
sub getline {
    my ($self) = @_;
    die "after the last chunk\n" if $self->{calls} == 2 && $self->{mode} eq 'raise';
    return (('Hello ', 'World', '!!')[$self->{calls}++]);
}
sub close { my ($self) = @_; push @main::AFTER, "fh:$self->{calls}"; $self->{env}{'psgi.errors'}->print("closed\n") }

package main;

our @AFTER;      # what /sized ran after its last chunk
our $SENDS = 0;  # the host's writes on its channels (uwsgi4j::Channel::send): /sends answers them
if (defined &uwsgi4j::Channel::send) {
    my $send = \&uwsgi4j::Channel::send;
    no warnings 'redefine';
    *uwsgi4j::Channel::send = sub { $SENDS++; goto &$send };
}

my $TEXT = ['Content-Type' => 'text/plain'];
our @HANDLED;    # the signals the handler of /signal-register ran for, in order

sub register_signals {
    my ($n) = @_;
    uwsgi::register_signal($n, 'workers', sub { push @HANDLED, $_[0] });
    uwsgi::register_signal($n + 1, 'workers', sub { die "signal handler failed\n" });
}
register_signals($ENV{KIT_SIGNAL_AT_LOAD}) if $ENV{KIT_SIGNAL_AT_LOAD};

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
    if ($path eq '/stdio-lines') {
        for my $i (0 .. $env->{QUERY_STRING} - 1) {
            my $out = $i % 2 ? \*STDERR : \*STDOUT;
            print $out "L$$ $i " . ('x' x 10000);
            $env->{'psgi.input'}->read(my $go, 1);   # the kit lets the other worker write its first half here
            print $out ('x' x 10000) . "\n";
        }
        return [200, $TEXT, ['written']];
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
    if ($path eq '/numbered') {
        return [200, $TEXT, Numbered->new($env)];
    }
    if ($path eq '/file') {
        open(my $fh, '<', $env->{QUERY_STRING}) or die "$env->{QUERY_STRING}: $!";
        return [200, $TEXT, $fh];
    }
    if ($path eq '/signal-register') {
        register_signals($env->{QUERY_STRING});
        return [200, ['Content-Type' => 'text/plain'], ['registered']];
    }
    if ($path eq '/signals') {
        return [200, ['Content-Type' => 'text/plain'], [join(' ', @HANDLED)]];
    }
    if ($path eq '/call') {
        my $answer = eval { join(' ', 'ok', uwsgi::_call($env->{QUERY_STRING})) } || 'error';
        return [200, $TEXT, [$answer]];
    }
    # ---- PsgiHostTest's own ----
    if ($path eq '/write-endless') {
        return sub {
            my $w = $_[0]->([200, $TEXT]);
            push @{ $env->{'psgix.cleanup.handlers'} }, sub { $_[0]{'psgi.errors'}->print("cleanup ran\n") };
            eval { $w->write('w') while 1; 1 } or $env->{'psgi.errors'}->print("write died: $@");
            $w->close;
        };
    }
    if ($path eq '/file-at-2') {
        open(my $fh, '<', $env->{QUERY_STRING}) or die "$env->{QUERY_STRING}: $!";
        seek($fh, 2, 0);
        return [200, $TEXT, $fh];
    }
    if ($path eq '/file-decoded') {
        open(my $fh, '<:encoding(UTF-8)', $env->{QUERY_STRING}) or die "$env->{QUERY_STRING}: $!";
        return [200, $TEXT, $fh];
    }
    if ($path eq '/path-object') {
        my $body = bless { path => $env->{QUERY_STRING} }, 'WithPath';
        return [200, $TEXT, $body];
    }
    return [200, [@$TEXT, 'X-Bad' => "a\r\nSet-Cookie: x=1"], ['never']] if $path eq '/crlf';
    return [200, [@$TEXT, 'Bad Name' => 'x'], ['never']] if $path eq '/bad-name';
    if ($path eq '/delayed') {
        return sub { $_[0]->([201, $TEXT, ['delayed ', 'body']]) };
    }
    if ($path eq '/env') {
        my @keys = qw(psgi.version psgi.url_scheme psgi.multithread psgi.multiprocess psgi.run_once
                      psgi.nonblocking psgi.streaming psgix.input.buffered psgix.harakiri psgix.cleanup
                      SCRIPT_NAME SERVER_NAME);
        my @out = map { my $v = $env->{$_}; "$_=" . (ref $v eq 'ARRAY' ? join('.', @$v) : $v // 'undef') } @keys;
        return [200, $TEXT, [join "\n", @out]];
    }
    if ($path eq '/seek') {
        my $in = $env->{'psgi.input'};
        $in->read(my $a, 5);
        $in->seek(0, 0);
        $in->read(my $b, 100000);
        return [200, $TEXT, ["$a|" . length($b)]];
    }
    if ($path eq '/input-spoil') {     # moves or closes the psgi.input of a request without a body
        my $in = $env->{'psgi.input'};
        if ($env->{QUERY_STRING} eq 'seek') { $in->seek(3, 0) } else { $in->close }
        return [200, $TEXT, ['spoilt']];
    }
    if ($path eq '/input-state') {
        my $in = $env->{'psgi.input'};
        my $n = $in->read(my $buf, 10);
        return [200, $TEXT, [join '|', (defined fileno($in) ? 'open' : 'closed'), $in->tell, $n]];
    }
    if ($path eq '/printf') {          # printf and print to the tied STDOUT and STDERR, with $\ and $, set
        local ($\, $,) = ("|ORS\n", "|OFS|");
        for my $out (\*STDOUT, \*STDERR) {
            printf $out "printf %s %s\n", 'a', 'b';
            print $out 'print', 'x';
        }
        return [200, $TEXT, ['printed']];
    }
    if ($path eq '/die-deep') {
        deep_die();
    }
    if ($path eq '/sized') {           # the chunk that completes the Content-Length goes with END
        my $mode = $env->{QUERY_STRING};
        return [200, $TEXT, ['Hello ', 'World']] if $mode eq 'array';
        return [200, [@$TEXT, 'Content-Length' => 11], Sized->new($env, $mode)] unless $mode eq 'writer';
        return sub {
            my $w = $_[0]->([200, [@$TEXT, 'Content-Length' => 11]]);
            $w->write($_) for 'Hello ', 'World', '!!';
            $w->close;
            push @AFTER, 'writer';
        };
    }
    return [200, $TEXT, [join ',', @AFTER]] if $path eq '/after';
    return [200, $TEXT, [$SENDS]] if $path eq '/sends';
    return [404, $TEXT, ['not found']];
};

sub deep_die { die "deep failure\n" }

package WithPath;
sub path { $_[0]{path} }
sub getline { die "read the file\n" }
sub close { }

package Counter;
sub getline { my ($self) = @_; return undef if $self->{i} >= $self->{n}; return $self->{i}++ . "\n" }
sub close { }

package main;
$app;
