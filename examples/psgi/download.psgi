# A file download: the body is a filehandle on a real file, which the worker names to the
# server (SENDFILE) instead of reading it. Serves this file itself.
#   ./uwsgi4j --http-socket :8080 --psgi examples/psgi/download.psgi
#   curl -O localhost:8080/download.psgi
use File::Spec ();

my $self = File::Spec->rel2abs(__FILE__);

my $app = sub {
    open(my $fh, '<:raw', $self) or return [404, ['Content-Type' => 'text/plain'], ["not found\n"]];
    return [200, ['Content-Type' => 'text/plain', 'Content-Length' => -s $fh,
                  'Content-Disposition' => 'attachment; filename="download.psgi"'], $fh];
};
