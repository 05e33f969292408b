// CZlib: the system zlib (Debian zlib1g-dev), exposed to Swift.
#include <zlib.h>
