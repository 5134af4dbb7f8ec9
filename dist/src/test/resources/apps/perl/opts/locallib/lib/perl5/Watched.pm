# A module found through --perl-local-lib; --perl-auto-reload watches its file (in %INC).
package Watched;
sub text { return 'watched v1' }
1;
