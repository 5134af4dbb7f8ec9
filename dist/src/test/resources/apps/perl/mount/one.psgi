# A mounted app: "one SCRIPT_NAME|PATH_INFO".
sub { my $env = shift; [200, ['Content-Type' => 'text/plain'], ["one $env->{SCRIPT_NAME}|$env->{PATH_INFO}"]] };
