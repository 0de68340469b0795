#ifndef TOUCHTIME_CALSA_SHIM_H
#define TOUCHTIME_CALSA_SHIM_H

#include <alsa/asoundlib.h>

/* alsa-lib prints its own diagnostics ("ALSA lib confmisc.c:855:(parse_card) cannot find
   card '0'") through a variadic handler, which Swift cannot define. This one swallows them;
   touchtime reports one line of its own instead. */
static void touchtime_alsa_silent_handler(const char *file, int line, const char *function,
                                          int err, const char *fmt, ...) {
    (void)file; (void)line; (void)function; (void)err; (void)fmt;
}

static inline void touchtime_alsa_silence_errors(void) {
    snd_lib_error_set_handler(touchtime_alsa_silent_handler);
}

/* alsa-lib's global configuration tree (after snd_config_update): a function, because Swift
   treats the global variable as shared mutable state. */
static inline snd_config_t *touchtime_alsa_config(void) {
    return snd_config;
}

#endif
