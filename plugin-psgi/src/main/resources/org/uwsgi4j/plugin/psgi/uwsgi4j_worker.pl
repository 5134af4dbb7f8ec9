# uwsgi4j worker host for PSGI applications (docs/worker-protocol.md, docs/plugins/psgi.md).
#
# Started by the kernel with UWSGI4J_* variables in its environment:
#
#   UWSGI4J_SOCKET, UWSGI4J_TOKEN      where to connect, the token for HELLO
#   UWSGI4J_ROLE                       host (load once, fork on FORK) or worker (--lazy-apps)
#   UWSGI4J_WORKER_ID                  role worker: its worker id
#   UWSGI4J_THREADS, UWSGI4J_PROCESSES cores per worker (more than 1: Perl ithreads), workers
#   UWSGI4J_PSGI                       --psgi: the app's file
#   UWSGI4J_MOUNTS                     --mount: JSON [[mountpoint, file], ...]
#   UWSGI4J_MANAGE_SCRIPT_NAME         1: split PATH_INFO at the longest mount point
#   UWSGI4J_PERL_LOCAL_LIB             --perl-local-lib: a local::lib directory
#   UWSGI4J_PERL_ARGV                  --perl-args/--perl-arg: JSON [item, ...] for @ARGV
#   UWSGI4J_PERL_EXEC, UWSGI4J_PERL_EXEC_POST_FORK  JSON [file, ...] run before the app loads,
#                                      and in each worker once it runs
#   UWSGI4J_PERL_NO_DIE_CATCH          1: no stack trace from $SIG{__DIE__}
#   UWSGI4J_PERL_NO_PLACK              1: load the app with do, never Plack::Util::load_psgi
#   UWSGI4J_PERL_AUTO_RELOAD           seconds: worker 1 reloads when a file in %INC changed
#   UWSGI4J_PERL_AUTO_RELOAD_IGNORE    JSON [file, ...] not watched
#
# Exit codes: 0 stopped, 22 the app failed to load (LOADFAIL sent), 1 anything else.
# Core Perl modules only; Plack::Util is used to load the app when it is installed.
use strict;
use warnings;
use Socket qw(AF_UNIX SOCK_STREAM pack_sockaddr_un SHUT_RD);
use POSIX ();
use Errno qw(EINTR EAGAIN);
use Fcntl qw(SEEK_SET SEEK_CUR SEEK_END);
use IO::Handle ();
use Scalar::Util qw(blessed reftype);
use Time::HiRes ();
use JSON::PP ();
use File::Basename ();

use constant {
    PROTOCOL_VERSION => '1',
    HELLO => 1, READY => 2, LOADFAIL => 3, FORK => 4, EXITED => 5,
    REQUEST => 10, BODY => 11, READ => 12, GONE => 13, SIGNAL => 14,
    START => 20, DATA => 21, END_ => 22, ERROR => 23, SENDFILE => 24,
    LOG => 30, STOP => 31, CALL => 40, RESULT => 41,
    BODY_INLINE => 1,
    MAX_PAYLOAD => 16 * 1024 * 1024,
    SMALL => 64 * 1024,
    GONE_CHECK => 0.02,
    EXIT_LOAD_FAILED => 22,
};
use constant END_FRAME => pack('CCvV', END_, 0, 0, 0);
# --write-errors-tolerance and --disable-write-exception (docs/worker-protocol.md, "The client goes away")
use constant WRITE_ERRORS_TOLERANCE => ($ENV{UWSGI4J_WRITE_ERRORS_TOLERANCE} || 0) + 0;
use constant WRITE_EXCEPTION => (($ENV{UWSGI4J_DISABLE_WRITE_EXCEPTION} // '') ne '1') ? 1 : 0;

our %ENVV = %ENV;            # the start-up environment, before the app changes %ENV
our $WORKER_ID = 0;          # this process's worker id (0 in the host)
our %SIGNAL_HANDLERS;        # signal number => handler registered in this process (forks inherit)
our $CORE;                   # the core serving the request in hand (per thread with ithreads)
our $LOADING;                # while the app loads: the Loading control channel state
our $STOPPING = 0;           # a stop signal came (worker)
our $SCRIPT = __FILE__;

sub fields { return join("\0", @_) . "\0" }
sub frame { my ($type, $payload) = @_; $payload = '' unless defined $payload;
            return pack('CCvV', $type, 0, 0, length $payload) . $payload }
sub split_fields { my @f = split /\0/, $_[0], -1; pop @f; return @f }

sub log_err { my $s = join('', @_); $s .= "\n" unless $s =~ /\n\z/; print STDERR $s }

# "Message at FILE line N." as one line, whitespace collapsed.
sub one_line {
    my ($e) = @_;
    $e = defined $e ? "$e" : 'died';
    $e =~ s/\s+/ /g;
    $e =~ s/^ | $//g;
    return length $e ? $e : 'died';
}

# ---- the channel ------------------------------------------------------------------------

package uwsgi4j::Closed;            # the kernel closed the channel (or it broke)
sub new { my ($c, $why) = @_; return bless { why => $why }, $c }

package uwsgi4j::Channel;
use Socket qw(AF_UNIX SOCK_STREAM pack_sockaddr_un MSG_DONTWAIT);
use Errno qw(EINTR EAGAIN);
use Fcntl qw(O_RDONLY O_NONBLOCK);

# A framed channel: buffered reads, whole writes. A core's channel also holds its ahead FIFO
# ({ahead}, undef when it offers none): see take_ahead.
sub new {
    my ($class, $path, $token, $role, $worker_id, $core_id) = @_;
    socket(my $sock, AF_UNIX, SOCK_STREAM, 0) or die "socket: $!\n";
    connect($sock, pack_sockaddr_un($path)) or die "cannot connect to $path: $!\n";
    binmode $sock;
    my $self = bless { sock => $sock, buf => '', pos => 0, got => '' }, $class;
    $self->{ahead} = offer_ahead($path, $core_id) if $role eq 'core';
    $self->send(main::frame(main::HELLO, main::fields($token, $role, $worker_id, $core_id, $$, main::PROTOCOL_VERSION)));
    return $self;
}

sub send {
    my ($self, $data) = @_;
    my $off = 0;
    my $len = length $data;
    while ($off < $len) {
        my $n = syswrite($self->{sock}, $data, $len - $off, $off);
        if (!defined $n) {
            next if $! == EINTR || $! == EAGAIN;
            die uwsgi4j::Closed->new("write: $!");
        }
        $off += $n;
    }
}

# The next frame: (type, flags, payload). Dies with uwsgi4j::Closed at EOF.
sub read {
    my ($self) = @_;
    $self->fill(8) if length($self->{buf}) - $self->{pos} < 8;
    my ($type, $flags, $reserved, $n) = unpack('CCvV', substr($self->{buf}, $self->{pos}, 8));
    die uwsgi4j::Closed->new("frame of $n bytes") if $n > main::MAX_PAYLOAD;
    $self->fill(8 + $n) if length($self->{buf}) - $self->{pos} < 8 + $n;
    my $payload = substr($self->{buf}, $self->{pos} + 8, $n);
    $self->{pos} += 8 + $n;
    return ($type, $flags, $payload);
}

sub fill {
    my ($self, $need) = @_;
    while (length($self->{buf}) - $self->{pos} < $need) {
        if ($self->{pos}) {
            substr($self->{buf}, 0, $self->{pos}, '');
            $self->{pos} = 0;
        }
        my $want = $need - length $self->{buf};
        $want = 65536 if $want < 65536;
        my $n = sysread($self->{sock}, $self->{buf}, $want, length $self->{buf});
        if (!defined $n) {
            next if $! == EINTR || $! == EAGAIN;
            die uwsgi4j::Closed->new("read: $!");
        }
        die uwsgi4j::Closed->new('EOF') if $n == 0;
    }
}

sub has_frame {
    my ($self) = @_;
    my $have = length($self->{buf}) - $self->{pos};
    return 0 if $have < 8;
    my $n = unpack('V', substr($self->{buf}, $self->{pos} + 4, 4));
    return $have >= 8 + $n;
}

# docs/worker-protocol.md, "Requests written ahead": the FIFO ahead.<pid>.<core id> beside the
# socket (mode 0600), opened read-only and non-blocking (close-on-exec: Perl's default), before
# the core's HELLO; undef when it cannot be made or opened (no offer: no error, no retry). The
# kernel removes the name once it has opened it: only the handle counts afterwards.
sub offer_ahead {
    my ($socket_path, $core_id) = @_;
    my $path = File::Basename::dirname($socket_path) . "/ahead.$$.$core_id";
    POSIX::mkfifo($path, 0600) or return undef;
    my $fh;
    if (!sysopen($fh, $path, O_RDONLY | O_NONBLOCK) || !chmod(0600, $fh)) {   # 0600 whatever the umask took away
        close($fh) if $fh;
        unlink $path;                  # ours, and of no use unopened
        return undef;
    }
    binmode $fh;
    return $fh;
}

# Called once right after a request's END or ERROR: the frames the kernel wrote ahead into the
# FIFO, if any (one sysread: undef with EAGAIN, or 0, is nothing), are read as if they had come on
# the channel, after every byte the kernel wrote on the channel before them: those already
# buffered (a stale GONE) and those still unread in the socket (a request the kernel took back
# out of the FIFO and sent on the channel before it wrote this one ahead). When those hold a
# request, the frames from the FIFO wait ({later}) until that request's END: the request in hand
# is always the only one buffered.
sub take_ahead {
    my ($self) = @_;
    if (defined $self->{later}) {      # the request before it has ended: its turn
        $self->{buf} .= $self->{later};
        $self->{later} = undef;
    }
    return unless sysread($self->{ahead}, $self->{got}, 65536);
    my $unread = '';
    while (1) {                        # what the socket holds now, without waiting
        my $from = recv($self->{sock}, my $more, 65536, MSG_DONTWAIT);
        last unless defined $from && length $more;
        $unread .= $more;
        last if length $more < 65536;
    }
    if ($self->{pos} == length $self->{buf} && !length $unread) {
        $self->{buf} = $self->{got};
        $self->{pos} = 0;
        return;
    }
    substr($self->{buf}, 0, $self->{pos}, '');
    $self->{pos} = 0;
    $self->{buf} .= $unread;
    my ($p, $len) = (0, length $self->{buf});
    while ($len - $p >= 8) {
        if (ord(substr($self->{buf}, $p, 1)) == main::REQUEST) {
            $self->{later} = $self->{got};
            return;
        }
        $p += 8 + unpack('V', substr($self->{buf}, $p + 4, 4));
    }
    $self->{buf} .= $self->{got};
}

# Whether the socket has bytes to read now (no wait).
sub readable {
    my ($self) = @_;
    my $rin = '';
    vec($rin, fileno($self->{sock}), 1) = 1;
    return (select($rin, undef, undef, 0) || 0) > 0;
}

sub close {
    my ($self) = @_;
    close($self->{sock}) if $self->{sock};
    close($self->{ahead}) if $self->{ahead};
    $self->{ahead} = undef;
}

# ---- psgi.input ---------------------------------------------------------------------------

# A pulled body (READ n, answered by one BODY of <= n bytes), spooled to an anonymous
# temporary file as it is read, so that it can be sought back (psgix.input.buffered).
package uwsgi4j::Input;
use Fcntl qw(SEEK_SET SEEK_CUR SEEK_END);

sub new {
    my ($class, $core) = @_;
    return bless { core => $core, spool => undef, have => 0, pos => 0, eof => 0 }, $class;
}

sub pull {
    my ($self, $want) = @_;
    return 0 if $self->{eof};
    my $core = $self->{core};
    $want = main::SMALL if $want > main::SMALL || $want <= 0;
    $core->{ch}->send(main::frame(main::READ, main::fields($want)));
    my $chunk = $core->expect_body;
    die "error during read($want) on psgi.input\n" if $core->{gone};
    if (!length $chunk) {
        $self->{eof} = 1;
        return 0;
    }
    if (!$self->{spool}) {
        open($self->{spool}, '+>', undef) or die "psgi.input: no temporary file: $!\n";
        binmode $self->{spool};
    }
    my $fh = $self->{spool};
    seek($fh, $self->{have}, SEEK_SET);
    print {$fh} $chunk;
    $self->{have} += length $chunk;
    return length $chunk;
}

sub read {
    my $self = shift;
    my $len = $_[1];
    my $offset = $_[2] || 0;
    while ($self->{have} - $self->{pos} < $len && !$self->{eof}) {
        $self->pull($len - ($self->{have} - $self->{pos}));
    }
    my $n = $self->{have} - $self->{pos};
    $n = $len if $n > $len;
    $n = 0 if $n < 0;
    my $data = '';
    if ($n) {
        my $fh = $self->{spool};
        seek($fh, $self->{pos}, SEEK_SET);
        read($fh, $data, $n);
        $self->{pos} += length $data;
    }
    $_[0] = '' unless defined $_[0];
    substr($_[0], $offset) = $data;
    return length $data;
}

sub seek {
    my ($self, $pos, $whence) = @_;
    $whence ||= SEEK_SET;
    if ($whence == SEEK_END) {
        1 while !$self->{eof} && $self->pull(main::SMALL);
        $pos += $self->{have};
    } elsif ($whence == SEEK_CUR) {
        $pos += $self->{pos};
    }
    return 0 if $pos < 0;
    1 while $pos > $self->{have} && !$self->{eof} && $self->pull(main::SMALL);
    $pos = $self->{have} if $pos > $self->{have};
    $self->{pos} = $pos;
    return 1;
}

sub tell { return $_[0]{pos} }
sub close { return 1 }

sub getline {
    my ($self) = @_;
    my $line = '';
    my $c;
    while ($self->read($c, 1)) {
        $line .= $c;
        last if $c eq "\n";
    }
    return length $line ? $line : undef;
}

# ---- psgi.errors ----------------------------------------------------------------------------

# psgi.errors: LOG frames, one per line, on the core's channel (a partial line waits for its end).
package uwsgi4j::Errors;

sub new { my ($class, $core) = @_; return bless { core => $core, pending => '' }, $class }

sub print {
    my $self = shift;
    my $s = $self->{pending} . join(defined $, ? $, : '', map { defined $_ ? $_ : '' } @_);
    my @lines = split /\n/, $s, -1;
    $self->{pending} = pop @lines;
    if (@lines) {
        utf8::encode($_) for grep { utf8::is_utf8($_) } @lines;
        $self->{core}{ch}->send(join '', map { main::frame(main::LOG, $_) } @lines);
    }
    return 1;
}

sub printf { my $self = shift; my $fmt = shift; return $self->print(sprintf($fmt, @_)) }
sub say { my $self = shift; return $self->print(@_, "\n") }
sub write { my ($self, $buf, $len, $off) = @_; return $self->print(substr($buf, $off || 0, defined $len ? $len : length $buf)) }

sub flush {
    my ($self) = @_;
    if (length $self->{pending}) {
        my $line = $self->{pending};
        $self->{pending} = '';
        utf8::encode($line) if utf8::is_utf8($line);
        $self->{core}{ch}->send(main::frame(main::LOG, $line));
    }
    return 1;
}

sub close { $_[0]->flush }
sub fileno { return 2 }

# ---- the streaming writer -----------------------------------------------------------------

package uwsgi4j::Writer;

sub new { my ($class, $core) = @_; return bless { core => $core, closed => 0 }, $class }

# Once the client is gone a write is dropped; past --write-errors-tolerance such writes it
# dies, as uWSGI's croaks (never with --disable-write-exception).
sub write {
    my ($self, $chunk) = @_;
    my $core = $self->{core};
    return $self->gone_write if $core->{gone};
    die "write() after close()\n" if $self->{closed};
    return 1 unless defined $chunk && length $chunk;
    return 1 if $core->{ended};        # past the Content-Length, which a write met with END: dropped
    return $self->gone_write if $core->gone_now;
    $core->body_chunk($chunk);
    return 1;
}

sub gone_write {
    my ($self) = @_;
    die "write error: the client is gone\n" if $self->{core}->over_write_errors && main::WRITE_EXCEPTION;
    return 1;
}

sub close {
    my ($self) = @_;
    return if $self->{closed};
    $self->{closed} = 1;
    $self->{core}->finish;
}

sub poll_cb {
    my ($self, $cb) = @_;
    my $core = $self->{core};
    $cb->($self) until $self->{closed} || ($core->{gone} && $core->{write_errors} > main::WRITE_ERRORS_TOLERANCE);
}

# ---- one core -----------------------------------------------------------------------------

package uwsgi4j::Core;
use Scalar::Util qw(blessed reftype);
use Fcntl qw(SEEK_CUR);

sub new {
    my ($class, $ch, $loaded, $base) = @_;
    my $self = bless { ch => $ch, loaded => $loaded, base => $base, busy => 0, stopping => 0,
                       gone => 0, write_errors => 0, check_at => 0, started => 0, ended => 0, requests => 0,
                       good_names => {} }, $class;
    $self->{errors} = uwsgi4j::Errors->new($self);
    my $errors = $self->{errors};
    $self->{logger} = sub {
        my ($args) = @_;
        my $level = defined $args->{level} ? $args->{level} : 'info';
        my $message = defined $args->{message} ? $args->{message} : '';
        $errors->print("[$level] $message\n");
    };
    return $self;
}

sub serve {
    my ($self) = @_;
    my $ch = $self->{ch};
    local $main::CORE = $self;
    eval {
        while (!$self->{stopping} && !$main::STOPPING) {
            my ($type, $flags, $payload) = $ch->read;
            if ($type == main::REQUEST) {
                $self->{busy} = 1;
                $self->handle($payload, $flags);       # it ended with END or ERROR
                $self->{busy} = 0;
                $ch->take_ahead if $ch->{ahead} && !$self->{stopping} && !$main::STOPPING;
            } elsif ($type == main::SIGNAL) {
                $self->{busy} = 1;
                $self->signal($payload);
                $self->{busy} = 0;
            } elsif ($type == main::STOP) {
                last;
            } elsif ($type != main::GONE) {     # a GONE that crossed our END is stale
                main::log_err("uwsgi4j worker: unexpected frame $type between requests");
            }
        }
        1;
    } or do {
        my $e = $@;
        main::log_err("uwsgi4j worker: $e") unless blessed($e) && $e->isa('uwsgi4j::Closed');
    };
    $ch->close;
}

# SIGNAL between requests: the handler this process holds for it, then END; ERROR with one
# line when there is none or it died (the error on stderr).
sub signal {
    my ($self, $payload) = @_;
    my ($signum) = main::split_fields($payload);
    my $handler = $main::SIGNAL_HANDLERS{$signum};
    if (!$handler) {
        $self->{ch}->send(main::frame(main::ERROR, main::fields("no handler for signal $signum in worker $main::WORKER_ID")));
        return;
    }
    my $ok = eval { $handler->($signum); 1 };
    if (!$ok) {
        my $e = $@;
        die $e if blessed($e) && $e->isa('uwsgi4j::Closed');
        main::log_err("$e");
        $self->{ch}->send(main::frame(main::ERROR, main::fields(main::one_line($e))));
        return;
    }
    $self->{ch}->send(main::END_FRAME);
}

# The next BODY's payload; GONE and STOP on the way are remembered.
sub expect_body {
    my ($self) = @_;
    while (1) {
        my ($type, $flags, $payload) = $self->{ch}->read;
        return $payload if $type == main::BODY;
        if ($type == main::GONE) { $self->{gone} = 1 }
        elsif ($type == main::STOP) { $self->{stopping} = 1 }
        else { die uwsgi4j::Closed->new("expected BODY, got frame $type") }
    }
}

# A CALL to the kernel: the values of its RESULT; dies when the kernel answers error.
sub call {
    my ($self, $name, @args) = @_;
    $self->{ch}->send(main::frame(main::CALL, main::fields($name, @args)));
    while (1) {
        my ($type, $flags, $payload) = $self->{ch}->read;
        if ($type == main::RESULT) {
            my @f = main::split_fields($payload);
            my $status = shift @f;
            return @f if defined $status && $status eq 'ok';
            die "$name: " . (@f ? join(' ', @f) : 'error') . "\n";
        }
        if ($type == main::GONE) { $self->{gone} = 1 }
        elsif ($type == main::STOP) { $self->{stopping} = 1 }
        else { die uwsgi4j::Closed->new("expected RESULT, got frame $type") }
    }
}

# Counts one more chunk or write given after the client went away; true past the tolerance.
sub over_write_errors {
    my ($self) = @_;
    return ++$self->{write_errors} > main::WRITE_ERRORS_TOLERANCE;
}

# True once the kernel said GONE for the request in hand: reads the frames already here and,
# every GONE_CHECK seconds, those the socket holds (no wait): no system call per chunk.
sub gone_now {
    my ($self) = @_;
    return 1 if $self->{gone};
    my $ch = $self->{ch};
    my $ready = $ch->has_frame;
    if (!$ready) {
        my $now = Time::HiRes::time();
        return 0 if $now < $self->{check_at};
        $self->{check_at} = $now + main::GONE_CHECK;
        $ready = $ch->readable;
    }
    while ($ready) {
        my ($type) = $ch->read;
        if ($type == main::GONE) { $self->{gone} = 1 }
        elsif ($type == main::STOP) { $self->{stopping} = 1 }
        else { die uwsgi4j::Closed->new("unexpected frame $type during a response") }
        $ready = $ch->has_frame;
    }
    return $self->{gone};
}

sub handle {
    my ($self, $payload, $flags) = @_;
    my @f = split /\0/, $payload, -1;
    pop @f;
    my %env = (SCRIPT_NAME => '', @f, %{ $self->{base} });
    my $env = \%env;
    @$self{qw(env recycled gone write_errors check_at started ended head)} = ($env, 0, 0, 0, 0, 0, 0, undef);
    $main::LAST_TRACE = undef;
    # SERVER_NAME: the name of the host the request is directed to (RFC 3875 4.1.14), its Host
    # header's, as Starman and Plack::Test::Suite have it (the kernel gives the machine's name,
    # as uWSGI does); without a Host, the kernel's, or localhost when that is empty (nginx
    # without a server_name): PSGI wants one
    if (defined $env{HTTP_HOST} && $env{HTTP_HOST} =~ /\A(\[[^\]]*\]|[^:]+)/) {
        $env{SERVER_NAME} = $1;
    } elsif (!defined $env{SERVER_NAME} || !length $env{SERVER_NAME}) {
        $env{SERVER_NAME} = 'localhost';
    }
    # PSGI: the body's type and length are CONTENT_TYPE and CONTENT_LENGTH only (nginx's
    # uwsgi_pass sends them as headers too), as Plack's FCGI handler does
    delete @env{qw(HTTP_CONTENT_TYPE HTTP_CONTENT_LENGTH)};
    $self->{requests}++;
    $main::REQUESTS++;
    if ($flags & main::BODY_INLINE) {
        my $body = $self->expect_body;
        if (length $body) {
            while (1) {                 # the chunks up to the empty one
                my $chunk = $self->expect_body;
                last unless length $chunk;
                $body .= $chunk;
            }
            open(my $in, '<:raw', \$body) or die "psgi.input: $!";
            $env{'psgi.input'} = $in;
        } else {
            # no body: one empty handle per core, as Starman and Plack's own servers share one; a
            # new one when an app closed or moved it
            my $in = $self->{no_body};
            if (!$in || !defined fileno($in) || tell($in) != 0) {
                open($in = undef, '<:raw', \(my $empty = '')) or die "psgi.input: $!";
                $self->{no_body} = $in;
            }
            $env{'psgi.input'} = $in;
        }
    } else {
        $env{'psgi.input'} = uwsgi4j::Input->new($self);
    }
    $env{'psgi.errors'} = $self->{errors};
    $env{'psgix.logger'} = $self->{logger};
    $env{'psgix.cleanup.handlers'} = [];
    my $scheme = $env{UWSGI_SCHEME};
    $scheme = (defined $env{HTTPS} && ($env{HTTPS} eq 'on' || $env{HTTPS} eq '1')) ? 'https' : 'http'
        unless defined $scheme;
    $env{'psgi.url_scheme'} = $scheme;
    my $loaded = $self->{loaded};
    my $app = $loaded->{any} ? $loaded->route($env) : $loaded->{default};
    my $body;
    my $ok = eval {
        my $res = $app->($env);
        if (ref $res eq 'CODE') {
            $res->(sub { $self->respond($_[0]) });
            $self->finish unless $self->{ended};   # a writer the app did not close
        } else {
            $self->respond($res);
        }
        1;
    };
    if (!$ok) {
        my $e = $@;
        die $e if blessed($e) && $e->isa('uwsgi4j::Closed');
        $self->fail($e);
    }
    my $errors = $self->{errors};
    $errors->flush if length $errors->{pending};
    my $cleanup = $env{'psgix.cleanup.handlers'};
    if ($cleanup && @$cleanup) {
        for my $handler (@$cleanup) {
            eval { $handler->($env); 1 } or do {
                my $e = $@;
                die $e if blessed($e) && $e->isa('uwsgi4j::Closed');
                main::log_err("psgix.cleanup handler died: $e");
            };
        }
        $errors->flush if length $errors->{pending};
    }
    if ($env{'psgix.harakiri.commit'} && !$self->{recycled}) {
        # set by a cleanup handler, after the response (or the recycle call failed): no call
        # can go to the kernel between requests, so the worker ends by itself
        main::log_err('*** psgix.harakiri.commit requested ***');
        $self->{stopping} = 1;
        $main::HARAKIRI = 1;
    }
    $self->{env} = undef;
    main::auto_reload_check() if $main::AUTO_RELOAD;
}

# The app died: the message (and its stack trace, unless --perl-no-die-catch) to the log,
# ERROR to the kernel: a 500 if nothing was sent, else the response ends here.
sub fail {
    my ($self, $e) = @_;
    my $text = defined $e ? "$e" : 'died';
    $text .= "\n" unless $text =~ /\n\z/;
    print STDERR $text;
    print STDERR $main::LAST_TRACE if defined $main::LAST_TRACE && length $main::LAST_TRACE;
    $main::LAST_TRACE = undef;
    return if $self->{ended};
    $self->{ended} = 1;
    $self->{ch}->send(main::frame(main::ERROR, main::fields(main::one_line($text))));
}

# Checks a status and headers (CR/LF/NUL, names) and keeps the START frame.
sub start {
    my ($self, $status, $headers) = @_;
    die "Status code needs to be an integer: " . (defined $status ? $status : 'undef') . "\n"
        unless defined $status && $status =~ /\A[1-9][0-9][0-9]\z/;
    die "Headers needs to be an array ref\n" unless ref $headers eq 'ARRAY';
    die "The number of response headers needs to be even\n" if @$headers % 2;
    my $p = $status . ' ' . main::reason($status) . "\0";
    my $good = $self->{good_names};
    for (my $i = 0; $i < @$headers; $i += 2) {
        my ($name, $value) = @$headers[$i, $i + 1];
        $value = '' unless defined $value;
        unless (defined $name && $good->{$name}) {
            die "invalid response header name '$name'\n" unless defined $name && $name =~ /\A[!#\$%&'*+.^_`|~0-9A-Za-z-]+\z/;
            $good->{$name} = 1 if keys %$good < 1000;      # names seen, not checked again
        }
        die "CR, LF or NUL in the response header $name\n" if $value =~ tr/\r\n\0//;
        utf8::encode($value) if utf8::is_utf8($value);
        $p .= $name . "\0" . $value . "\0";
    }
    $self->{head} = pack('CCvV', main::START, 0, 0, length $p) . $p;
    @$self{qw(headers length done)} = ($headers, undef, 0);   # the Content-Length: see body_chunk
}

# The response [status, headers, body?]: without a body (streaming), the writer.
sub respond {
    my ($self, $res) = @_;
    die "Response should be array ref or code ref: " . (defined $res ? $res : 'undef') . "\n"
        unless ref $res eq 'ARRAY';
    die "response already started\n" if defined $self->{head};
    die "Response needs to be 3 element array, or 2 element in streaming\n" unless @$res == 2 || @$res == 3;
    $self->start($res->[0], $res->[1]);
    if (@$res == 2) {
        return uwsgi4j::Writer->new($self);
    }
    my $body = $res->[2];
    if (ref $body eq 'ARRAY') {
        if (@$body == 1 && defined $body->[0] && length($body->[0]) <= main::SMALL) {
            my $chunk = $body->[0];
            die "Body must be bytes and should not contain wide characters\n" if utf8::is_utf8($chunk) && !utf8::downgrade($chunk, 1);
            my $env = $self->{env};
            $self->before_end if $env && $env->{'psgix.harakiri.commit'};
            $self->{started} = 1;
            $self->{ended} = 1;
            $self->{ch}->send($self->{head} . (length $chunk ? pack('CCvV', main::DATA, 0, 0, length $chunk) . $chunk : '')
                . main::END_FRAME);
            return;
        }
        my $last = $#$body;            # the last chunk goes with END, in one write
        $last-- while $last >= 0 && !(defined $body->[$last] && length $body->[$last]);
        for my $i (0 .. $last) {
            my $chunk = $body->[$i];
            next unless defined $chunk && length $chunk;
            if ($self->{write_errors}) {    # the client is gone: one more write error
                last if $self->over_write_errors;
                next;
            }
            if ($i == $last && length $chunk <= main::SMALL) {
                $self->send_chunk($chunk, 1);
                last;
            }
            $self->send_chunk($chunk);
            last if $self->gone_now && $self->over_write_errors;
        }
        print STDERR "write error: the client is gone\n" if $self->{write_errors} > main::WRITE_ERRORS_TOLERANCE;
        $self->finish;
        return;
    }
    if (defined $body && (ref $body eq 'GLOB' || (blessed($body) && $body->can('getline')))) {
        my $ok = eval {
            if (!$self->sendfile($body)) {
                local $/ = \65536;
                while (defined(my $chunk = $body->getline)) {
                    next unless length $chunk;
                    if ($self->{write_errors}) {    # the client is gone: one more write error
                        last if $self->over_write_errors;
                        next;
                    }
                    last if $self->body_chunk($chunk);     # it met the Content-Length: nothing more is read
                    last if $self->gone_now && $self->over_write_errors;
                }
                print STDERR "write error: the client is gone\n" if $self->{write_errors} > main::WRITE_ERRORS_TOLERANCE;
                $self->finish;
            }
            1;
        };
        if (!$ok) {            # the ERROR goes before the body's close (its clean-up)
            my $e = $@;
            die $e if blessed($e) && $e->isa('uwsgi4j::Closed');
            $self->fail($e);
        }
        eval { $body->close; 1 } or do {
            my $ce = $@;
            die $ce if blessed($ce) && $ce->isa('uwsgi4j::Closed');
            print STDERR "body close: $ce";
        };
        return;
    }
    die "Body should be an array ref or filehandle: " . (defined $body ? $body : 'undef') . "\n";
}

# A body that is a real file: SENDFILE with its path ($fh->path, or /proc/self/fd/N when it
# names the same file) and the offset from tell. False when the kernel cannot open it by name.
sub sendfile {
    my ($self, $fh) = @_;
    my $path;
    if (blessed($fh) && $fh->can('path')) {
        $path = eval { $fh->path };
    }
    my $fd = eval { fileno($fh) };
    if (defined $fd && $fd >= 0) {
        my @st = stat($fh);
        return 0 unless @st && -f _;
        # a handle that decodes or translates what it reads is not its file's bytes
        return 0 if ref $fh eq 'GLOB' && grep { /encoding|utf8|crlf/ } PerlIO::get_layers($fh);
        if (!defined $path) {
            $path = readlink("/proc/self/fd/$fd");
        }
        return 0 unless defined $path && $path =~ m{\A/} && $path =~ /\A[\x20-\x7e]+\z/;
        my @on_disk = stat($path);
        return 0 unless @on_disk && $on_disk[0] == $st[0] && $on_disk[1] == $st[1];
    } else {
        return 0 unless defined $path && -f $path;
        $path = File::Spec->rel2abs($path) if $path !~ m{\A/};
    }
    my $offset = eval { tell($fh) };
    $offset = eval { $fh->tell } if (!defined $offset || $offset < 0) && blessed($fh) && $fh->can('tell');
    $offset = 0 if !defined $offset || $offset < 0;
    $self->before_end;
    my $head = $self->{started} ? '' : $self->{head};
    $self->{started} = 1;
    $self->{ended} = 1;
    $self->{ch}->send($head . main::frame(main::SENDFILE, main::fields($path, $offset, -1)) . main::END_FRAME);
    return 1;
}

# A chunk of a body that is not an array (a filehandle's, a writer's): the one that completes
# the response's Content-Length goes with END in one write, so the kernel is not woken again for
# an END alone (docs/plugins/psgi.md). True when the response ended so.
sub body_chunk {
    my ($self, $chunk) = @_;
    $self->{length} = $self->content_length unless defined $self->{length};
    $self->{done} += length $chunk;
    if ($self->{done} == $self->{length} && length $chunk <= main::SMALL) {
        $self->send_chunk($chunk, 1);
        return 1;
    }
    $self->send_chunk($chunk);
    return 0;
}

# The response's Content-Length as a number; -1 without one (or one that is not a number).
sub content_length {
    my ($self) = @_;
    my $headers = $self->{headers};
    for (my $i = 0; $i < @$headers; $i += 2) {
        next unless length($headers->[$i]) == 14 && lc($headers->[$i]) eq 'content-length';
        my $value = $headers->[$i + 1];
        return defined $value && $value =~ /\A\s*([0-9]+)\s*\z/ ? $1 : -1;
    }
    return -1;
}

# Sends a body chunk at once (START first, in the same write, if not sent yet); with $end, the
# response's END too (the chunk is at most SMALL then).
sub send_chunk {
    my ($self, $chunk, $end) = @_;
    if (utf8::is_utf8($chunk) && !utf8::downgrade($chunk, 1)) {
        die "Body must be bytes and should not contain wide characters (UTF-8 strings)\n";
    }
    if ($end) {
        $self->before_end;
        $self->{ended} = 1;
    }
    my $out = $self->{started} ? '' : $self->{head};
    $self->{started} = 1;
    my $n = length $chunk;
    if ($n <= main::MAX_PAYLOAD) {
        $self->{ch}->send($out . main::frame(main::DATA, $chunk) . ($end ? main::END_FRAME : ''));
        return;
    }
    $self->{ch}->send($out) if length $out;
    for (my $off = 0; $off < $n; $off += main::MAX_PAYLOAD) {
        $self->{ch}->send(main::frame(main::DATA, substr($chunk, $off, main::MAX_PAYLOAD)));
    }
}

# Before the response's END: psgix.harakiri.commit set by the app asks the kernel (the call
# recycle, with this process's pid) to recycle this worker once the request is done: it is
# stopped and respawned like a worker at --max-requests.
sub before_end {
    my ($self) = @_;
    my $env = $self->{env};
    return unless $env && $env->{'psgix.harakiri.commit'} && !$self->{recycled} && !$self->{gone};
    $self->{recycled} = 1;
    main::log_err('*** psgix.harakiri.commit requested ***');
    if (!eval { $self->call('recycle', $$); 1 }) {
        my $e = $@;
        die $e if Scalar::Util::blessed($e) && $e->isa('uwsgi4j::Closed');
        main::log_err("psgix.harakiri.commit: $e");
        $self->{recycled} = 0;
    }
}

# Ends the response: START (if not sent) and END.
sub finish {
    my ($self) = @_;
    return if $self->{ended};
    $self->before_end;
    $self->{ended} = 1;
    my $head = $self->{started} ? '' : $self->{head};
    $self->{started} = 1;
    $self->{ch}->send($head . main::END_FRAME);
}

# ---- the apps -----------------------------------------------------------------------------

# Picks the app of a request, as uWSGI does: with --manage-script-name the longest mount point
# that is PATH_INFO or a "/"-bounded prefix of it becomes SCRIPT_NAME and the rest PATH_INFO;
# then the app mounted exactly at SCRIPT_NAME serves, else the default app.
package uwsgi4j::Apps;

sub new {
    my ($class, $default, $mounts, $manage) = @_;
    my %apps = map { @$_ } @$mounts;
    my @points = $manage ? sort { length($b) <=> length($a) } keys %apps : ();
    return bless { default => $default, apps => \%apps, points => \@points, any => scalar(@$mounts) }, $class;
}

sub route {
    my ($self, $env) = @_;
    return $self->{default} unless $self->{any};
    my $path = defined $env->{PATH_INFO} ? $env->{PATH_INFO} : '';
    if (length $path > 1) {
        for my $point (@{ $self->{points} }) {
            my $n = length $point;
            if (substr($path, 0, $n) eq $point && (length $path == $n || substr($path, $n, 1) eq '/')) {
                $env->{SCRIPT_NAME} = $point;
                $env->{PATH_INFO} = substr($path, $n);
                return $self->{apps}{$point};
            }
        }
    }
    my $script = defined $env->{SCRIPT_NAME} ? $env->{SCRIPT_NAME} : '';
    return $self->{apps}{$script} || $self->{default};
}

package main;

our $REQUESTS = 0;
our $HARAKIRI = 0;
our $LAST_TRACE;
our $AUTO_RELOAD = 0;
our %AUTO_RELOAD_MTIMES;
our %AUTO_RELOAD_IGNORE;
our $AUTO_RELOAD_NEXT = 0;

my %REASONS = (100 => 'Continue', 101 => 'Switching Protocols', 200 => 'OK', 201 => 'Created',
    202 => 'Accepted', 203 => 'Non-Authoritative Information', 204 => 'No Content', 205 => 'Reset Content',
    206 => 'Partial Content', 300 => 'Multiple Choices', 301 => 'Moved Permanently', 302 => 'Found',
    303 => 'See Other', 304 => 'Not Modified', 307 => 'Temporary Redirect', 308 => 'Permanent Redirect',
    400 => 'Bad Request', 401 => 'Unauthorized', 403 => 'Forbidden', 404 => 'Not Found',
    405 => 'Method Not Allowed', 406 => 'Not Acceptable', 408 => 'Request Timeout', 409 => 'Conflict',
    410 => 'Gone', 411 => 'Length Required', 412 => 'Precondition Failed', 413 => 'Content Too Large',
    414 => 'URI Too Long', 415 => 'Unsupported Media Type', 416 => 'Range Not Satisfiable',
    417 => 'Expectation Failed', 422 => 'Unprocessable Content', 426 => 'Upgrade Required',
    429 => 'Too Many Requests', 500 => 'Internal Server Error', 501 => 'Not Implemented',
    502 => 'Bad Gateway', 503 => 'Service Unavailable', 504 => 'Gateway Timeout',
    505 => 'HTTP Version Not Supported');

sub reason { my $r = $REASONS{$_[0]}; return defined $r ? $r : 'Unknown' }

sub json_list { my ($name) = @_; my $v = $ENVV{$name}; return () unless defined $v && length $v;
                return @{ JSON::PP->new->decode($v) } }

# One app from a .psgi/.pl file: Plack::Util::load_psgi when Plack is installed (and not
# --perl-no-plack), else do FILE, as uWSGI does.
my $PLACK;
sub load_psgi_file {
    my ($file) = @_;
    local $0 = $file;
    if (!defined $PLACK) {
        $PLACK = 0;
        if (!$ENVV{UWSGI4J_PERL_NO_PLACK}) {
            if (eval { require Plack::Util; 1 }) {
                $PLACK = 1;
            } else {
                log_err('Plack::Util is not installed, using "do" instead of "load_psgi"');
            }
        }
    }
    my $app;
    if ($PLACK) {
        $app = Plack::Util::load_psgi($file);
    } else {
        $app = uwsgi4j::Sandbox::load($file);
    }
    die "unable to find PSGI function entry point in $file\n" unless defined $app;
    my $callable = ref $app eq 'CODE' || (blessed($app) && overload::Method($app, '&{}'));
    die "$file does not return a PSGI app (a code reference): " . (ref $app || $app) . "\n" unless $callable;
    return $app;
}

sub run_files {
    my ($what, @files) = @_;
    for my $file (@files) {
        local $0 = $file;
        my $ok = uwsgi4j::Sandbox::run($file);
    }
}

# The default app and the mounted ones, as an Apps router.
sub load_apps {
    if (defined $ENVV{UWSGI4J_PERL_LOCAL_LIB}) {
        my $dir = $ENVV{UWSGI4J_PERL_LOCAL_LIB};
        log_err("using $dir as local::lib directory");
        if (!eval { require local::lib; local::lib->import($dir); 1 }) {
            require lib;
            lib->import("$dir/lib/perl5");
        }
    }
    push @ARGV, json_list('UWSGI4J_PERL_ARGV');
    run_files('--perl-exec', json_list('UWSGI4J_PERL_EXEC'));
    my $default;
    if (defined $ENVV{UWSGI4J_PSGI} && length $ENVV{UWSGI4J_PSGI}) {
        my $began = time;
        $default = load_psgi_file($ENVV{UWSGI4J_PSGI});
        log_err(sprintf("PSGI app 0 (%s) loaded in %d seconds (pid: %d)", $ENVV{UWSGI4J_PSGI}, time - $began, $$));
    }
    my @mounts;
    my $first = defined $default ? 1 : 0;
    for my $m (json_list('UWSGI4J_MOUNTS')) {
        my ($point, $file) = @$m;
        $point =~ s{/+\z}{};
        log_err(sprintf('mounting %s on %s', $file, length $point ? $point : '/'));
        my $began = time;
        my $app = load_psgi_file($file);
        $default = $app unless defined $default;
        push @mounts, [$point, $app];
        log_err(sprintf("PSGI app %d (mountpoint='%s') loaded in %d seconds (pid: %d)",
            $first + @mounts - 1, $point, time - $began, $$));
    }
    die "no application: set UWSGI4J_PSGI or UWSGI4J_MOUNTS\n" unless defined $default;
    if (!$ENVV{UWSGI4J_PERL_NO_DIE_CATCH}) {
        # uWSGI's die catch: where the app died, its calls up to this host, logged with the
        # error when the die ends a request (uWSGI prints Devel::StackTrace's)
        $SIG{__DIE__} = sub {
            return if !defined $main::CORE || ref $_[0];
            my @at = caller(0);
            return if $at[1] eq $SCRIPT;          # the host's own errors are one line
            my @lines;
            for (my $i = 1; my @f = caller($i); $i++) {
                last if $f[1] eq $SCRIPT;
                push @lines, "\t$f[3] called at $f[1] line $f[2]\n";
            }
            $main::LAST_TRACE = join '', @lines;
        };
    }
    return uwsgi4j::Apps->new($default, \@mounts, $ENVV{UWSGI4J_MANAGE_SCRIPT_NAME});
}

# --perl-auto-reload N: after a request, at most every N seconds, worker 1 looks at the files in
# %INC; one changed: uWSGI's line and a graceful reload of every worker.
sub auto_reload_check {
    return unless $WORKER_ID == 1;
    my $now = time;
    return if $now < $AUTO_RELOAD_NEXT;
    $AUTO_RELOAD_NEXT = $now + $AUTO_RELOAD;
    for my $file (values %INC) {
        next unless defined $file && !ref $file && !$AUTO_RELOAD_IGNORE{$file};
        my $mtime = (stat $file)[9];
        next unless defined $mtime;
        if (!exists $AUTO_RELOAD_MTIMES{$file}) {
            $AUTO_RELOAD_MTIMES{$file} = $mtime;
        } elsif ($mtime > $AUTO_RELOAD_MTIMES{$file}) {
            log_err("[perl-auto-reloader] $file has been modified !!!");
            %AUTO_RELOAD_MTIMES = ();
            uwsgi::reload();
            return;
        }
    }
}

# ---- loading, with calls on the control channel ---------------------------------------------

package uwsgi4j::Loading;

sub new { my ($class, $worker_id) = @_; return bless { worker_id => $worker_id, ch => undef, stopped => 0 }, $class }

sub channel {
    my ($self) = @_;
    $self->{ch} ||= uwsgi4j::Channel->new($main::ENVV{UWSGI4J_SOCKET}, $main::ENVV{UWSGI4J_TOKEN}, 'control',
        $self->{worker_id}, 0);
    return $self->{ch};
}

sub call {
    my ($self, $name, @args) = @_;
    my $ch = $self->channel;
    $ch->send(main::frame(main::CALL, main::fields($name, @args)));
    while (1) {
        my ($type, $flags, $payload) = $ch->read;
        if ($type == main::RESULT) {
            my @f = main::split_fields($payload);
            my $status = shift @f;
            return @f if defined $status && $status eq 'ok';
            die "$name: " . (@f ? join(' ', @f) : 'error') . "\n";
        }
        if ($type == main::STOP) { $self->{stopped} = 1 }
        else { die uwsgi4j::Closed->new("expected RESULT, got frame $type") }
    }
}

package main;

# Loads the apps; on failure: the error to stderr, LOADFAIL with one line, exit 22.
# Returns the apps and the control channel the app's calls opened while it loaded, if any.
sub load_or_fail {
    my ($worker_id) = @_;
    local $LOADING = uwsgi4j::Loading->new($worker_id);
    my $loaded = eval { load_apps() };
    return ($loaded, $LOADING->{ch}, $LOADING->{stopped}) if $loaded;
    my $e = $@;
    $e = 'died' unless defined $e && length "$e";
    log_err("$e");
    eval {
        my $ch = $LOADING->channel;
        $ch->send(frame(LOADFAIL, fields(one_line($e))));
        $ch->close;
        1;
    } or log_err("uwsgi4j worker: cannot report the load failure: " . (ref $@ ? $@->{why} : $@));
    flush_stdio();
    POSIX::_exit(EXIT_LOAD_FAILED);
}

# ---- the worker ---------------------------------------------------------------------------

sub psgi_base {
    my $threads = $ENVV{UWSGI4J_THREADS} || 1;
    my $processes = $ENVV{UWSGI4J_PROCESSES} || 1;
    return {
        'psgi.version' => [1, 1],
        'psgi.multithread' => ($threads > 1 ? 1 : ''),
        'psgi.multiprocess' => ($processes > 1 ? 1 : ''),
        'psgi.run_once' => '',
        'psgi.nonblocking' => '',
        'psgi.streaming' => 1,
        'psgix.input.buffered' => 1,
        'psgix.harakiri' => 1,
        'psgix.cleanup' => 1,
    };
}

# Opens the worker's core channels and serves until they stop; returns the exit code.
sub serve_worker {
    my ($loaded, $worker_id) = @_;
    $WORKER_ID = $worker_id;
    set_procname("uWSGI worker $worker_id");
    run_files('--perl-exec-post-fork', json_list('UWSGI4J_PERL_EXEC_POST_FORK'));
    $AUTO_RELOAD = $ENVV{UWSGI4J_PERL_AUTO_RELOAD} || 0;
    %AUTO_RELOAD_IGNORE = map { $_ => 1 } json_list('UWSGI4J_PERL_AUTO_RELOAD_IGNORE');
    my $threads = $ENVV{UWSGI4J_THREADS} || 1;
    my $base = psgi_base();
    if ($threads == 1) {
        my $core = uwsgi4j::Core->new(core_channel($worker_id, 0), $loaded, $base);
        my $graceful = sub {
            $STOPPING = 1;
            shutdown($core->{ch}{sock}, SHUT_RD) unless $core->{busy};
        };
        $SIG{TERM} = $graceful;
        $SIG{INT} = $graceful;
        $core->serve;
        return 0;
    }
    return serve_threads($loaded, $worker_id, $threads, $base);
}

# A core channel whose reads give up after a second (EAGAIN, and the read goes on): a stop
# signal that comes in the instant before a blocking read (Perl runs its handler between ops,
# not inside the read) is handled within a second instead of at the next request.
sub core_channel {
    my ($worker_id, $core_id) = @_;
    my $ch = uwsgi4j::Channel->new($ENVV{UWSGI4J_SOCKET}, $ENVV{UWSGI4J_TOKEN}, 'core', $worker_id, $core_id);
    setsockopt($ch->{sock}, Socket::SOL_SOCKET(), Socket::SO_RCVTIMEO(), pack('l!l!', 1, 0));
    return $ch;
}

# --threads N: N Perl ithreads, each a clone of the loaded interpreter that connects and serves
# one core. Stop signals are taken by the main thread (the cores' threads block them), which
# shuts the idle cores' channels; busy ones stop after the request in hand.
sub serve_threads {
    my ($loaded, $worker_id, $n, $base) = @_;
    require threads;
    require threads::shared;
    my (@busy, @fds, $stopping);
    &threads::shared::share(\@busy);
    &threads::shared::share(\@fds);
    &threads::shared::share(\$stopping);
    pipe(my $done_r, my $done_w) or die "pipe: $!";
    $done_w->autoflush(1);
    my $sigset = POSIX::SigSet->new(POSIX::SIGTERM(), POSIX::SIGINT());
    my $old = POSIX::SigSet->new;
    POSIX::sigprocmask(POSIX::SIG_BLOCK(), $sigset, $old);
    my @threads;
    for my $i (0 .. $n - 1) {
        push @threads, threads->create(sub {
            my $ok = eval {
                my $core = uwsgi4j::Core->new(core_channel($worker_id, $i), $loaded, $base);
                $fds[$i] = fileno($core->{ch}{sock});
                serve_flagged($core, \@busy, $i, \$stopping);
                1;
            };
            log_err("uwsgi4j worker: core $i: $@") unless $ok;
            $fds[$i] = -1;
            syswrite($done_w, 'x');
            return 0;
        });
    }
    POSIX::sigprocmask(POSIX::SIG_SETMASK(), $old);
    my $stop = sub {
        return if $stopping;
        $stopping = 1;
        for my $i (0 .. $n - 1) {
            my $fd = $fds[$i];
            next if $busy[$i] || !defined $fd || $fd < 0;
            if (open(my $sock, '+<&=', $fd)) {     # the core's socket, not a copy: shut it for reading
                shutdown($sock, SHUT_RD);
            }
        }
    };
    $SIG{TERM} = $stop;
    $SIG{INT} = $stop;
    my $left = $n;
    while ($left) {
        my $rin = '';
        vec($rin, fileno($done_r), 1) = 1;
        next unless select($rin, undef, undef, 1);   # a second at most: see core_channel
        my $got = sysread($done_r, my $buf, 64);
        if (!defined $got) {
            next if $! == EINTR;
            last;
        }
        last if $got == 0;
        $left -= $got;
    }
    $_->join for @threads;
    return 0;
}

# Core::serve with the busy flag shared with the main thread (--threads).
sub serve_flagged {
    my ($core, $busy, $i, $stopping) = @_;
    my $ch = $core->{ch};
    local $main::CORE = $core;
    eval {
        while (!$core->{stopping}) {
            my ($type, $flags, $payload) = $ch->read;
            if ($type == REQUEST || $type == SIGNAL) {
                $busy->[$i] = 1;
                $core->{busy} = 1;
                if ($type == REQUEST) { $core->handle($payload, $flags) } else { $core->signal($payload) }
                $core->{busy} = 0;
                $busy->[$i] = 0;
                last if $$stopping;
                $ch->take_ahead if $type == REQUEST && $ch->{ahead} && !$core->{stopping};
            } elsif ($type == STOP) {
                last;
            } elsif ($type != GONE) {
                log_err("uwsgi4j worker: unexpected frame $type between requests");
            }
        }
        1;
    } or do {
        my $e = $@;
        log_err("uwsgi4j worker: $e") unless blessed($e) && $e->isa('uwsgi4j::Closed');
    };
    $ch->close;
}

# ---- the host -----------------------------------------------------------------------------

# Preforking: one control channel; FORK forks a worker; children's exits become EXITED.
sub run_host {
    my ($loaded, $ch, $stopped) = @_;
    $ch ||= uwsgi4j::Channel->new($ENVV{UWSGI4J_SOCKET}, $ENVV{UWSGI4J_TOKEN}, 'control', 0, 0);
    $ch->send(frame(READY));
    pipe(my $wake_r, my $wake_w) or die "pipe: $!";
    $wake_w->blocking(0);
    $wake_r->blocking(0);
    my %children;
    my $stopping = $stopped;
    my $term = 0;
    $SIG{CHLD} = sub { syswrite($wake_w, 'c') };
    $SIG{TERM} = $SIG{INT} = sub { $term = 1; syswrite($wake_w, 't') };
    my $reap = sub {
        while (%children) {
            my $pid = waitpid(-1, POSIX::WNOHANG());
            last if $pid <= 0;
            my $status = $?;
            my $wid = delete $children{$pid};
            $wid = 0 unless defined $wid;
            my $code = POSIX::WIFEXITED($status) ? POSIX::WEXITSTATUS($status) : 0;
            my $sig = POSIX::WIFSIGNALED($status) ? POSIX::WTERMSIG($status) : 0;
            $ch->send(frame(EXITED, fields($pid, $wid, $code, $sig)));
        }
    };
    my $ok = eval {
        while (1) {
            if ($term && !$stopping) {
                $stopping = 1;
                kill 'TERM', keys %children;
            }
            $reap->();
            return 0 if $stopping && !%children;
            if (!$ch->has_frame) {
                my $rin = '';
                vec($rin, fileno($ch->{sock}), 1) = 1;
                vec($rin, fileno($wake_r), 1) = 1;
                # the timeout only covers a signal in the instant before select()
                my $n = select(my $rout = $rin, undef, undef, 1);
                next if !defined $n || $n <= 0;
                if (vec($rout, fileno($wake_r), 1)) {
                    1 while sysread($wake_r, my $buf, 512);
                }
                next unless vec($rout, fileno($ch->{sock}), 1);
            }
            my ($type, $flags, $payload) = $ch->read;
            if ($type == FORK) {
                my ($worker_id) = split_fields($payload);
                next if $stopping;
                flush_stdio();                       # a partial line is not the child's
                my $pid = fork;
                if (!defined $pid) {
                    log_err("uwsgi4j host: fork failed: $!");
                    next;
                }
                if ($pid == 0) {
                    my $code = 1;
                    eval {
                        $SIG{CHLD} = 'DEFAULT';
                        $SIG{TERM} = 'DEFAULT';
                        $SIG{INT} = 'DEFAULT';
                        close $wake_r;
                        close $wake_w;
                        $ch->close;
                        $code = serve_worker($loaded, $worker_id);
                        1;
                    } or log_err("uwsgi4j worker: $@");
                    exit_now($code);
                }
                $children{$pid} = $worker_id;
            } elsif ($type == STOP) {
                $stopping = 1;
            } else {
                log_err("uwsgi4j host: unexpected frame $type on the control channel");
            }
        }
    };
    return $ok if defined $ok;
    my $e = $@;
    # the kernel is gone: stop the workers too (they see their channels close as well)
    kill 'TERM', keys %children;
    return 0 if blessed($e) && $e->isa('uwsgi4j::Closed');
    log_err("uwsgi4j host: $e");
    return 1;
}

# Ends a forked worker without the host's END blocks and destructors, after flushing.
sub exit_now {
    my ($code) = @_;
    flush_stdio();
    POSIX::_exit($code);
}

# --gid/--uid (UWSGI4J_GID, UWSGI4J_UID: names or numbers): setgid, initgroups (both given) or
# no supplementary groups, setuid; an id the process has already is left alone.
sub drop_privileges {
    my ($uid, $gid) = ($ENVV{UWSGI4J_UID}, $ENVV{UWSGI4J_GID});
    $uid = undef if defined $uid && !length $uid;
    $gid = undef if defined $gid && !length $gid;
    if (defined $uid && $uid !~ /\A\d+\z/) {
        my $n = getpwnam($uid);
        die "no such user $uid\n" unless defined $n;
        $uid = $n;
    }
    if (defined $gid && $gid !~ /\A\d+\z/) {
        my $n = getgrnam($gid);
        die "no such group $gid\n" unless defined $n;
        $gid = $n;
    }
    my $new_gid = defined $gid && !($( == $gid && (split ' ', $))[0] == $gid);
    my $new_uid = defined $uid && !($< == $uid && $> == $uid);
    if ($new_gid) {
        my @groups = ($gid);
        if (defined $uid) {
            my $name = getpwuid($uid);
            if (defined $name) {
                setgrent();
                while (my @gr = getgrent()) {
                    push @groups, $gr[2] if grep { $_ eq $name } split ' ', $gr[3];
                }
                endgrent();
            }
        }
        $) = join ' ', $gid, @groups;          # setgroups(@groups) and the effective gid
        POSIX::setgid($gid) or die "setgid($gid): $!\n";
    } elsif ($new_uid) {
        my $g = (split ' ', $))[0];
        $) = "$g $g";
    }
    if ($new_uid) {
        POSIX::setuid($uid) or die "setuid($uid): $!\n";
        die "setuid($uid) did not take\n" unless $< == $uid && $> == $uid;
    }
}

# ---- the uwsgi:: functions --------------------------------------------------------------------

package uwsgi;

our $VERSION_STRING;

sub _call {
    my ($name, @args) = @_;
    return $main::CORE->call($name, @args) if defined $main::CORE;
    return $main::LOADING->call($name, @args) if defined $main::LOADING;
    die "uwsgi::$name can be called only from a request or while the app loads\n";
}

sub kernel_call { my ($name, @args) = @_; return _call($name, @args) }

sub reload {
    my $master = $main::ENVV{UWSGI4J_MASTER_PID};
    if (!defined $main::CORE && !defined $main::LOADING && $master) {
        kill 'HUP', $master;
        return 1;
    }
    _call('reload');
    return 1;
}

sub log {
    my ($message) = @_;
    $message = '' unless defined $message;
    $message =~ s/\n\z//;
    if (defined $main::CORE) {
        utf8::encode($message) if utf8::is_utf8($message);
        $main::CORE->{ch}->send(main::frame(main::LOG, $message));
    } else {
        print STDERR "$message\n";
    }
    return 1;
}

sub _signum {
    my ($n) = @_;
    die "invalid signal number " . (defined $n ? $n : 'undef') . "\n" unless defined $n && $n =~ /\A[0-9]+\z/ && $n <= 255;
    return $n + 0;
}

# uWSGI's uwsgi::register_signal(NUM, TARGET, CODE): the handler stays in this process (a
# worker forked later inherits it); the kernel learns the number and the target.
sub register_signal {
    my ($n, $who, $handler) = @_;
    $n = _signum($n);
    die "the signal handler must be a code reference\n" unless ref $handler eq 'CODE';
    _call('register_signal', $n, defined $who ? $who : '');
    $main::SIGNAL_HANDLERS{$n} = $handler;
    return 1;
}

sub signal { _call('signal', _signum($_[0])); return 1 }

# uWSGI's uwsgi::alarm(NAME, MESSAGE): raises that alarm (docs/plugins/alarm.md); without the
# alarm plugin there is no alarm to raise and nothing happens, as in uWSGI without alarms.
sub alarm {
    my ($name, $message) = @_;
    $message = '' unless defined $message;
    utf8::encode($message) if utf8::is_utf8($message);
    eval { _call('alarm', $name, $message); 1 } or do { die $@ unless $@ =~ /no such call: alarm/ };
    return undef;
}
sub signal_registered { return exists $main::SIGNAL_HANDLERS{_signum($_[0])} ? 1 : 0 }
sub add_timer { my ($n, $secs) = @_; _call('add_timer', _signum($n), int($secs)); return 1 }
sub add_rb_timer { my ($n, $secs, $it) = @_; _call('add_rb_timer', _signum($n), int($secs), int($it || 0)); return 1 }
sub add_cron { my ($n, @when) = @_; _call('add_cron', _signum($n), map { int($_) } @when[0 .. 4]); return 1 }
sub add_file_monitor { my ($n, $path) = @_; _call('add_file_monitor', _signum($n), $path); return 1 }

sub worker_id { return $main::WORKER_ID }
sub masterpid { return $main::ENVV{UWSGI4J_MASTER_PID} || 0 }
sub numproc { return $main::ENVV{UWSGI4J_PROCESSES} || 1 }
sub started_on { return $main::ENVV{UWSGI4J_STARTED_ON} || 0 }
sub request_id { return $main::REQUESTS }

my %OPT;
for my $pair (@{ JSON::PP->new->decode($main::ENVV{UWSGI4J_OPTIONS} || '[]') }) {
    my ($name, $value) = @$pair;
    $value = 1 if $value eq 'true';
    if (!exists $OPT{$name}) { $OPT{$name} = $value }
    elsif (ref $OPT{$name} eq 'ARRAY') { push @{ $OPT{$name} }, $value }
    else { $OPT{$name} = [$OPT{$name}, $value] }
}
my $V = ($main::ENVV{UWSGI4J_VERSION} || '0.0.0') . '-uwsgi4j';
eval "sub VERSION () { '$V' } 1" or die $@;
sub opt () { return \%OPT }

# ---- loading apps in a package of their own ---------------------------------------------------

package uwsgi4j::Sandbox;
use File::Spec ();

# do FILE in a clean package, as Plack::Util::load_psgi does: the app, or die with why.
sub load {
    my ($file) = @_;
    my $abs = File::Spec->rel2abs($file);
    my $app = _do($abs);
    if (!$app) {
        die $@ if $@;
        die "cannot read $abs: $!\n" if $!;
    }
    return $app;
}

sub run {
    my ($file) = @_;
    my $abs = File::Spec->rel2abs($file);
    local $@;
    my $r = _do($abs);
    die $@ if $@;
    die "cannot read $abs: $!\n" if !defined $r && $!;
    return 1;
}

sub _do {
    my ($abs) = @_;
    local $!;
    my $pkg = 'uwsgi4j::Sandbox::_' . unpack('H*', $abs);
    return eval "package $pkg; do \$abs;";    ## no critic
}

# ---- stdout and stderr: whole lines --------------------------------------------------------

# STDOUT or STDERR of the host and its forked workers, tied: they share one pipe to the kernel,
# and a write longer than PIPE_BUF (4 KiB) can interleave with another process's, so each run of
# complete lines is written with an flock held on a lock file of the runtime directory. flock
# locks belong to an open file, which a fork shares: each process (and ithread) opens the file
# itself. A partial line waits for its newline, a flush (flush_stdio) or the process's end.
package uwsgi4j::WholeLines;

use Fcntl qw(:flock);

sub TIEHANDLE {
    my ($class, $glob, $fd, $lock_path) = @_;
    open(my $fh, '>&=', $fd) or return undef;    # the same descriptor, not a copy
    binmode $fh;
    return bless { glob => $glob, fh => $fh, fd => $fd, lock_path => $lock_path, pending => '', utf8 => 0,
                   owner => '', lock => undef }, $class;
}

# open(STDERR, ...) by the application: the handle becomes an ordinary one again, opened as asked.
sub OPEN {
    my $self = shift;
    $self->flush;
    no strict 'refs';
    my $g = \*{"main::$self->{glob}"};
    { no warnings 'untie'; untie *$g; }
    return @_ == 1 ? open($g, $_[0]) : @_ == 2 ? open($g, $_[0], $_[1]) : open($g, $_[0], @_[1 .. $#_]);
}

sub PRINT {
    my $self = shift;
    my $s = join(defined $, ? $, : '', map { defined $_ ? $_ : '' } @_);
    $s .= $\ if defined $\;
    $self->add($s);
    return 1;
}

# printf, as Perl's own: the formatted string alone, never $, or $\ (only print adds those)
sub PRINTF { my $self = shift; my $fmt = shift; $self->add(sprintf($fmt, @_)); return 1 }

sub WRITE {
    my ($self, $buf, $len, $off) = @_;
    $off ||= 0;
    $len = length($buf) - $off unless defined $len;
    $self->add(substr($buf, $off, $len));
    return $len;
}

sub FILENO { return $_[0]{fd} }
sub BINMODE { my ($self, $layer) = @_; $self->{utf8} = defined $layer && $layer =~ /utf-?8/i ? 1 : 0; return 1 }
sub EOF { return 1 }
sub CLOSE { $_[0]->flush; return 1 }
sub UNTIE { $_[0]->flush }

# Bytes as the handle would write them: UTF-8 under a :utf8 layer, else bytes (wide characters
# as UTF-8, as Perl does after its "Wide character" warning).
sub add {
    my ($self, $s) = @_;
    if ($self->{utf8}) {
        utf8::upgrade($s);
        utf8::encode($s);
    } elsif (utf8::is_utf8($s)) {
        utf8::downgrade($s, 1) or utf8::encode($s);
    }
    $self->{pending} .= $s;
    my $end = rindex($self->{pending}, "\n");
    $self->out($end + 1) if $end >= 0;
}

sub flush {
    my ($self) = @_;
    $self->out(length $self->{pending}) if length $self->{pending};
    return 1;
}

sub out {
    my ($self, $n) = @_;
    my $bytes = substr($self->{pending}, 0, $n, '');
    my $lock = $self->lock_handle;
    flock($lock, LOCK_EX) if $lock;
    my $off = 0;
    while ($off < length $bytes) {
        my $w = syswrite($self->{fh}, $bytes, length($bytes) - $off, $off);
        if (!defined $w) {
            next if $!{EINTR};
            last;
        }
        $off += $w;
    }
    flock($lock, LOCK_UN) if $lock;
}

sub lock_handle {
    my ($self) = @_;
    return undef unless defined $self->{lock_path};
    my $owner = $$ . '/' . ($INC{'threads.pm'} ? threads->tid : 0);
    if ($self->{owner} ne $owner) {
        $self->{owner} = $owner;
        my $fh;
        $self->{lock} = open($fh, '>>', $self->{lock_path}) ? $fh : undef;
    }
    return $self->{lock};
}

package main;

# Ties STDOUT and STDERR to whole-line writers, after the privileges are dropped: the lock file
# (stdio-perl.lock beside UWSGI4J_SOCKET) is created by the workers' user. A process that cannot
# open it writes its runs of lines unlocked (whole up to PIPE_BUF).
sub whole_line_stdio {
    my $dir = defined $ENVV{UWSGI4J_SOCKET} ? File::Basename::dirname($ENVV{UWSGI4J_SOCKET}) : undef;
    my $lock = defined $dir ? "$dir/stdio-perl.lock" : undef;
    STDOUT->flush;
    STDERR->flush;
    tie *STDOUT, 'uwsgi4j::WholeLines', 'STDOUT', 1, $lock;
    tie *STDERR, 'uwsgi4j::WholeLines', 'STDERR', 2, $lock;
}

# Writes what STDOUT and STDERR hold of a partial line.
sub flush_stdio {
    for my $t (tied(*STDOUT), tied(*STDERR)) {
        $t->flush if $t && $t->can('flush');
    }
    STDOUT->flush;
    STDERR->flush;
}

# ---- main ---------------------------------------------------------------------------------

package main;

# --auto-procname and friends (docs/master.md, "Process names"): the name ps shows, through
# perl's own $0 (which rewrites the argv area).
sub set_procname {
    my ($default) = @_;
    return unless ($ENVV{UWSGI4J_AUTO_PROCNAME} // '') eq '1';
    my $name = length($ENVV{UWSGI4J_PROCNAME} // '') ? $ENVV{UWSGI4J_PROCNAME} : $default;
    $0 = ($ENVV{UWSGI4J_PROCNAME_PREFIX} // '') . $name . ($ENVV{UWSGI4J_PROCNAME_APPEND} // '');
}

sub main {
    STDOUT->autoflush(1);
    STDERR->autoflush(1);
    $SIG{PIPE} = 'IGNORE';          # a write to a closed channel is an error, not the end
    my $role = $ENVV{UWSGI4J_ROLE} || 'host';
    for my $name (qw(UWSGI4J_SOCKET UWSGI4J_TOKEN)) {
        if (!defined $ENVV{$name} || !length $ENVV{$name}) {
            log_err("uwsgi4j worker: $name is not set");
            return 1;
        }
    }
    if (!eval { drop_privileges(); 1 }) {
        log_err("uwsgi4j worker: cannot drop privileges: $@");
        return 1;
    }
    whole_line_stdio();
    if ($role eq 'host') {
        set_procname('uWSGI psgi host');
        my ($loaded, $control, $stopped) = load_or_fail(0);
        return run_host($loaded, $control, $stopped);
    }
    if ($role eq 'worker') {
        my $worker_id = $ENVV{UWSGI4J_WORKER_ID} || 1;
        $WORKER_ID = $worker_id;
        my ($loaded, $control) = load_or_fail($worker_id);
        $control->close if $control;             # a lazy worker's calls while loading are over
        return serve_worker($loaded, $worker_id);
    }
    log_err("uwsgi4j worker: unknown UWSGI4J_ROLE $role");
    return 1;
}

my $code = main();
exit_now($HARAKIRI ? 0 : $code);
