# A PSGI app for WriteErrorsIT: /write?f=FILE streams "first" through the writer, then (once
# FILE.closed exists: the client is gone) 40 writes 25 ms apart; FILE gets "raised K ..." or
# "no error".
use strict;
use warnings;
use Time::HiRes qw(sleep time);

sub record { my ($f, $line) = @_; open my $out, '>>', $f or die; print $out "$line\n"; close $out }

sub {
    my ($env) = @_;
    my ($f) = $env->{QUERY_STRING} =~ /f=([^&]+)/;
    return sub {
        my ($respond) = @_;
        my $w = $respond->([200, ['Content-Type' => 'text/plain']]);
        $w->write("first\n");
        my $deadline = time + 20;
        sleep 0.01 until -e "$f.closed" || time > $deadline;
        for my $i (0 .. 39) {
            sleep 0.025;
            if (!eval { $w->write('x' x 65536); 1 }) {
                my $e = $@;
                chomp $e;
                record($f, "raised $i $e");
                $w->close;
                return;
            }
        }
        record($f, 'no error');
        $w->close;
    };
};
