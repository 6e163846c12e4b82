// Thin bridge to libspng (Debian: libspng-dev). No logic here.
#include <spng.h>
