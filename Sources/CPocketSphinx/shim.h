// pocketsphinx 0.8+5prealpha (Debian libpocketsphinx3 / libsphinxbase3), imported by TouchtimeAudio
// only. Its libraries are not linked: `run --listen` opens them (KeywordSpotter: dlopen), so no
// other session, command or test maps them, and pkg-config's link flags would link them into
// every run. So this shim declares the few calls touchtime makes, as the headers declare them;
// `.ci/check-shims` compiles these declarations against pocketsphinx's own headers, so a
// mismatch fails CI.
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct cmd_ln_s cmd_ln_t;
typedef struct arg_s arg_t;
typedef struct ps_decoder_s ps_decoder_t;
typedef struct ps_seg_s ps_seg_t;

// sphinxbase/err.h, cmd_ln.h
typedef void (*touchtime_err_set_logfp)(FILE *stream);
typedef cmd_ln_t *(*touchtime_cmd_ln_parse_r)(cmd_ln_t *inout_cmdln, const arg_t *defn, int32_t argc, char *argv[], int32_t strict);
typedef int (*touchtime_cmd_ln_free_r)(cmd_ln_t *cmdln);
// pocketsphinx.h, ps_search.h
typedef const arg_t *(*touchtime_ps_args)(void);
typedef ps_decoder_t *(*touchtime_ps_init)(cmd_ln_t *config);
typedef int (*touchtime_ps_free)(ps_decoder_t *ps);
typedef int (*touchtime_ps_set_kws)(ps_decoder_t *ps, const char *name, const char *keyfile);
typedef int (*touchtime_ps_set_search)(ps_decoder_t *ps, const char *name);
typedef int (*touchtime_ps_start_stream)(ps_decoder_t *ps);
typedef int (*touchtime_ps_start_utt)(ps_decoder_t *ps);
typedef int (*touchtime_ps_end_utt)(ps_decoder_t *ps);
typedef int (*touchtime_ps_process_raw)(ps_decoder_t *ps, const int16_t *data, size_t n_samples, int no_search, int full_utt);
typedef const char *(*touchtime_ps_get_hyp)(ps_decoder_t *ps, int32_t *out_best_score);
typedef ps_seg_t *(*touchtime_ps_seg_iter)(ps_decoder_t *ps);
typedef ps_seg_t *(*touchtime_ps_seg_next)(ps_seg_t *seg);
typedef const char *(*touchtime_ps_seg_word)(ps_seg_t *seg);
typedef int32_t (*touchtime_ps_seg_prob)(ps_seg_t *seg, int32_t *out_ascr, int32_t *out_lscr, int32_t *out_lback);
typedef void (*touchtime_ps_seg_free)(ps_seg_t *seg);
