# A streamed response (PSGI's delayed response and writer): each write goes to the client at
# once (chunked).
#   ./uwsgi4j --http-socket :8080 --psgi examples/psgi/streaming.psgi
#   curl -N localhost:8080/
use Time::HiRes ();

my $app = sub {
    my ($env) = @_;
    return sub {
        my ($respond) = @_;
        my $writer = $respond->([200, ['Content-Type' => 'text/plain']]);
        for my $i (reverse 1 .. 5) {
            $writer->write("$i...\n");
            Time::HiRes::sleep(0.5);
        }
        $writer->write("liftoff\n");
        $writer->close;
    };
};
