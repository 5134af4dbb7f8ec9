# A mounted app (a .pl file): "two SCRIPT_NAME|PATH_INFO".
sub { my $env = shift; [200, ['Content-Type' => 'text/plain'], ["two $env->{SCRIPT_NAME}|$env->{PATH_INFO}"]] };
