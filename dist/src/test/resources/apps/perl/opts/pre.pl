# --perl-exec: runs before the app loads (in the host, before fork)
$main::PRE = "pre ran with \$0=" . ($0 =~ m{([^/]+)\z})[0];
1;
