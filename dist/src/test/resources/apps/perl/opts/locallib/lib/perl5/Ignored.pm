package Ignored;
1;
