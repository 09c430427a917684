/* placeholder replaced below */
#include "mpctl.h"
int mpctl_multipath_main(int argc, char **argv) { (void)argc; (void)argv; return 1; }
