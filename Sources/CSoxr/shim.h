// libsoxr (Debian libsoxr-dev), the resampler, imported by TouchtimeAudio only.
#include <soxr.h>
