// Thin bridge to libjpeg-turbo's TurboJPEG API (Debian: libturbojpeg0-dev). No logic here.
#include <turbojpeg.h>
