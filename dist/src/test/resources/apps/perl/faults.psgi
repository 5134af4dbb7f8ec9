# A PSGI app for the fault tests and the PSGI extensions (PsgiIT).
#   /            "hello from <pid>"
#   /pid         the worker's pid
#   /version     the content of version.txt next to this file, read when the app loads
#   /env?KEY     the env value KEY, as text (SCRIPT_NAME, PATH_INFO …)
#   /where       "SCRIPT_NAME|PATH_INFO"
#   /die         dies ("faults: died on purpose")
#   /crlf        a header value with CR/LF in it
#   /cleanup     a psgix.cleanup handler that logs "cleanup ran for /cleanup" after the response
#   /harakiri    sets psgix.harakiri.commit: the worker ends after the response
#   /uwsgi       uwsgi:: values as "worker_id masterpid numproc opt-http-socket VERSION"
#   /reload      uwsgi::reload()
#   /logger      psgix.logger at level warn
#   /upload      reads the body (psgi.input), seeks back to 0, reads it again: "N bytes twice equal"
use strict;
use warnings;
use File::Basename ();

my $here = File::Basename::dirname(__FILE__);
my $version = 'none';
if (open(my $v, '<', "$here/version.txt")) {
    $version = <$v>;
    chomp $version;
}

my $TEXT = ['Content-Type' => 'text/plain'];

sub slurp {
    my ($in) = @_;
    my $body = '';
    while ($in->read(my $buf, 65536)) {
        $body .= $buf;
    }
    return $body;
}

my $app = sub {
    my ($env) = @_;
    my $path = $env->{PATH_INFO};
    return [200, $TEXT, ["hello from $$"]] if $path eq '/';
    return [200, $TEXT, [$$]] if $path eq '/pid';
    return [200, $TEXT, [$version]] if $path eq '/version';
    return [200, $TEXT, [$env->{ $env->{QUERY_STRING} } // 'undef']] if $path eq '/env';
    return [200, $TEXT, ["$env->{SCRIPT_NAME}|$env->{PATH_INFO}"]] if $path =~ m{\A/where};
    die "faults: died on purpose\n" if $path eq '/die';
    return [200, [@$TEXT, 'X-Bad' => "a\r\nSet-Cookie: x=1"], ['never']] if $path eq '/crlf';
    if ($path eq '/cleanup') {
        push @{ $env->{'psgix.cleanup.handlers'} }, sub { $_[0]{'psgi.errors'}->print("cleanup ran for $_[0]{PATH_INFO}\n") };
        return [200, $TEXT, ['cleaned later']];
    }
    if ($path eq '/harakiri') {
        $env->{'psgix.harakiri.commit'} = 1;
        return [200, $TEXT, ["harakiri from $$"]];
    }
    if ($path eq '/uwsgi') {
        my $opt = uwsgi::opt()->{'http-socket'};
        return [200, $TEXT, [join ' ', uwsgi::worker_id(), uwsgi::masterpid(), uwsgi::numproc(), $opt, uwsgi::VERSION()]];
    }
    if ($path eq '/log') {
        uwsgi::log("logged through uwsgi::log");
        return [200, $TEXT, ['logged']];
    }
    return [200, $TEXT, [uwsgi::reload() ? 'reloading' : 'no']] if $path eq '/reload';
    if ($path eq '/logger') {
        $env->{'psgix.logger'}->({ level => 'warn', message => 'through psgix.logger' });
        return [200, $TEXT, ['logged']];
    }
    if ($path eq '/upload') {
        my $in = $env->{'psgi.input'};
        my $first = slurp($in);
        $in->seek(0, 0);
        my $second = slurp($in);
        return [200, $TEXT, [length($first) . ' bytes twice ' . ($first eq $second ? 'equal' : 'different')]];
    }
    return [404, $TEXT, ['not found']];
};
