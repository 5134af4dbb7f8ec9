# --perl-exec-post-fork: runs in each worker
$main::POST_PID = $$;
1;
