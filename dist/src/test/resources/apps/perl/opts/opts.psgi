# An app that shows what the perl options did (PsgiIT):
#   /argv     @ARGV (--perl-args, --perl-arg), joined with |
#   /pre      what --perl-exec set before the app loaded
#   /post     the pid --perl-exec-post-fork saw, and this worker's pid
#   /inc      whether --perl-local-lib's directory is in @INC and its module loaded
#   /plack    whether the host loaded Plack::Util (not with --perl-no-plack)
#   /tid      "pid tid multithread": the ithread serving the request (--threads)
#   /wait?F   waits (bounded) for the file F to exist: holds its core
#   /die      dies
#   /module   Watched::VERSION_TEXT, from a module in %INC (--perl-auto-reload watches it)
use strict;
use warnings;
use Time::HiRes ();
use Watched;             # from --perl-local-lib

my $app = sub {
    my ($env) = @_;
    my $path = $env->{PATH_INFO};
    my $text = ['Content-Type' => 'text/plain'];
    return [200, $text, [join '|', @ARGV]] if $path eq '/argv';
    return [200, $text, [$main::PRE // 'undef']] if $path eq '/pre';
    return [200, $text, [($main::POST_PID // 'undef') . " $$"]] if $path eq '/post';
    return [200, $text, [(grep { m{/locallib/lib/perl5\z} } @INC) ? "in \@INC $INC{'Watched.pm'}" : 'not in @INC']] if $path eq '/inc';
    return [200, $text, [$INC{'Plack/Util.pm'} ? 'plack' : 'no plack']] if $path eq '/plack';
    return [200, $text, ["$$ " . (defined &threads::tid ? threads->tid : 'none') . " $env->{'psgi.multithread'}"]] if $path eq '/tid';
    if ($path eq '/wait') {
        my $deadline = Time::HiRes::time() + 20;
        Time::HiRes::sleep(0.01) while !-e $env->{QUERY_STRING} && Time::HiRes::time() < $deadline;
        return [200, $text, ['waited']];
    }
    die "opts: died on purpose\n" if $path eq '/die';
    return [200, $text, [Watched::text()]] if $path eq '/module';
    return [404, $text, ['not found']];
};
