/*
 * kwsspot: pocketsphinx 5prealpha keyword spotting over a 16 kHz mono 16-bit WAV, fed in
 * chunks the way a live microphone loop would feed it, printing every hit with its time.
 * It is the recipe a Swift integration of `run --listen` would follow, in plain C.
 *
 *   gcc -O2 -o kwsspot kwsspot.c $(pkg-config --cflags --libs pocketsphinx)
 *   ./kwsspot [options] FILE.wav...
 *     -hmm DIR        acoustic model (default /usr/share/pocketsphinx/model/en-us/en-us)
 *     -dict FILE      dictionary (default commands.dict in the current directory)
 *     -kws FILE       keyphrase file, one "phrase /threshold/" a line (default keyphrases.txt, ditto)
 *     -chunk N        samples per ps_process_raw call (default 1024 = 64 ms)
 *     -startup        only time ps_init + ps_set_kws and exit
 *     -set NAME VALUE any further decoder option (e.g. -set -kws_plp 1e-1)
 *
 * Output, one line per hit:   HIT <file> <heard s> <start s> <end s> <score> <phrase>
 * then one line per file:     FILE <file> <audio s> <cpu s> (user+sys of the decode loop)
 * and at the end:             INIT <cpu s> <wall s>   and   RSS <peak kB>
 * The score is ps_seg_prob of the detection: the keyphrase path's log score minus the best
 * phone-loop path's, in the decoder's scaled log units (log base 1.0001, shifted right by
 * 10 bits), minus 1500 (kws_search.c's KWS_MAX). A threshold /T/ lets a detection through
 * when (log(T)/log(1.0001) >> 10) <= score + 1500: /1e-20/ is score >= -1950, and each
 * factor of 10 in T moves that by about 22.5 (1e-30: -2175; 1e-10: -1725). Checked against
 * the corpus (FINDINGS.md).
 */
#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/resource.h>
#include <time.h>

static double cpu_seconds(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

static double wall_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* Open a canonical PCM WAV (16 kHz, mono, 16-bit) positioned at its samples; their number
 * in *count. It is read chunk by chunk, as a microphone delivers: the file is never held. */
static FILE *open_wav(const char *path, size_t *count) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); return NULL; }
    unsigned char head[12];
    if (fread(head, 1, 12, f) != 12 || memcmp(head, "RIFF", 4) || memcmp(head + 8, "WAVE", 4)) {
        fprintf(stderr, "%s: not a RIFF WAVE file\n", path); fclose(f); return NULL;
    }
    int ok_format = 0;
    for (;;) {
        unsigned char chunk[8];
        if (fread(chunk, 1, 8, f) != 8) { fprintf(stderr, "%s: no data chunk\n", path); fclose(f); return NULL; }
        uint32_t size = chunk[4] | chunk[5] << 8 | chunk[6] << 16 | (uint32_t)chunk[7] << 24;
        if (!memcmp(chunk, "fmt ", 4)) {
            unsigned char fmt[16];
            if (size < 16 || fread(fmt, 1, 16, f) != 16) break;
            unsigned channels = fmt[2] | fmt[3] << 8, bits = fmt[14] | fmt[15] << 8;
            uint32_t rate = fmt[4] | fmt[5] << 8 | fmt[6] << 16 | (uint32_t)fmt[7] << 24;
            ok_format = (fmt[0] | fmt[1] << 8) == 1 && channels == 1 && bits == 16 && rate == 16000;
            fseek(f, size - 16 + (size & 1), SEEK_CUR);
        } else if (!memcmp(chunk, "data", 4)) {
            if (!ok_format) break;
            *count = size / 2;
            return f;
        } else {
            fseek(f, size + (size & 1), SEEK_CUR);
        }
    }
    fprintf(stderr, "%s: must be PCM 16-bit mono 16000 Hz\n", path);
    fclose(f);
    return NULL;
}

/* Print the detections the decoder holds. `heard` is when the application learns of them
 * (audio fed so far, seconds); then the segment's own times, which count from the stream's
 * start and drift with -remove_silence yes, the default (see FINDINGS.md). */
static void print_hits(ps_decoder_t *ps, const char *file, double heard, int frate) {
    for (ps_seg_t *seg = ps_seg_iter(ps); seg; seg = ps_seg_next(seg)) {
        int sf, ef;
        ps_seg_frames(seg, &sf, &ef);
        int32 score = ps_seg_prob(seg, NULL, NULL, NULL);
        printf("HIT %s %.3f %.3f %.3f %d %s\n", file, heard, (double)sf / frate, (double)(ef + 1) / frate,
               score, ps_seg_word(seg));
    }
}

int main(int argc, char *argv[]) {
    const char *hmm = "/usr/share/pocketsphinx/model/en-us/en-us";
    const char *dict = "commands.dict", *kws = "keyphrases.txt";
    int chunk = 1024, startup_only = 0, first_file = argc;
    char *extra[64];
    int n_extra = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-hmm") && i + 1 < argc) hmm = argv[++i];
        else if (!strcmp(argv[i], "-dict") && i + 1 < argc) dict = argv[++i];
        else if (!strcmp(argv[i], "-kws") && i + 1 < argc) kws = argv[++i];
        else if (!strcmp(argv[i], "-chunk") && i + 1 < argc) chunk = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-startup")) startup_only = 1;
        else if (!strcmp(argv[i], "-set") && i + 2 < argc && n_extra < 62) { extra[n_extra++] = argv[++i]; extra[n_extra++] = argv[++i]; }
        else { first_file = i; break; }
    }
    if (chunk <= 0) chunk = 1024;

    /* cmd_ln_init is variadic (not callable from Swift); cmd_ln_parse_r takes an argv array.
     * It prints the whole configuration to the log as it parses, and ps_init only applies
     * -logfn afterwards: silence the log first, then -logfn keeps it silent. */
    err_set_logfp(NULL);
    char *args[80];
    int n = 0;
    args[n++] = "kwsspot";                  /* argv[0] is skipped */
    args[n++] = "-hmm";  args[n++] = (char *)hmm;
    args[n++] = "-dict"; args[n++] = (char *)dict;
    args[n++] = "-logfn"; args[n++] = "/dev/null";
    for (int i = 0; i < n_extra; i++) args[n++] = extra[i];
    args[n] = NULL;

    double cpu0 = cpu_seconds(), wall0 = wall_seconds();
    cmd_ln_t *config = cmd_ln_parse_r(NULL, ps_args(), n, args, TRUE);
    if (!config) { fprintf(stderr, "bad decoder options\n"); return 2; }
    ps_decoder_t *ps = ps_init(config);
    if (!ps) { fprintf(stderr, "ps_init failed (model %s, dict %s)\n", hmm, dict); return 2; }
    /* Per-phrase thresholds need a file (ps_set_kws); ps_set_keyphrase takes one phrase
     * with the global -kws_threshold. A word missing from the dictionary fails here. */
    if (ps_set_kws(ps, "commands", kws) < 0 || ps_set_search(ps, "commands") < 0) {
        fprintf(stderr, "keyphrase file %s rejected (a word not in %s?)\n", kws, dict);
        return 2;
    }
    printf("INIT %.4f %.4f\n", cpu_seconds() - cpu0, wall_seconds() - wall0);
    if (startup_only) { ps_free(ps); cmd_ln_free_r(config); return 0; }

    int frate = cmd_ln_int32_r(config, "-frate");
    for (int fi = first_file; fi < argc; fi++) {
        size_t count = 0, at = 0, len;
        FILE *wav = open_wav(argv[fi], &count);
        if (!wav) return 1;
        int16_t *buffer = malloc(chunk * sizeof(int16_t));   /* samples little-endian, as x86/arm64 */
        double c0 = cpu_seconds();
        /* Segment frames count from the start of the stream, not of the utterance: start a
         * stream per file (a live loop starts one when it opens the microphone). */
        ps_start_stream(ps);
        ps_start_utt(ps);
        while (at < count && (len = fread(buffer, 2, count - at < (size_t)chunk ? count - at : (size_t)chunk, wav)) > 0) {
            ps_process_raw(ps, buffer, len, FALSE, FALSE);
            at += len;
            /* A detection shows once kws_delay frames (default 10) have passed its end.
             * Take it and start afresh: left in, the same detection would be reported with
             * every later chunk, and reading a growing list without a restart gave repeated
             * and stale entries in 5prealpha. Several phrases can show at once (overlapping
             * candidates): all are printed; an application takes the best score. */
            if (ps_get_hyp(ps, NULL)) {
                ps_end_utt(ps);
                print_hits(ps, argv[fi], (double)at / 16000, frate);
                ps_start_utt(ps);
            }
        }
        ps_end_utt(ps);
        print_hits(ps, argv[fi], (double)at / 16000, frate);
        printf("FILE %s %.3f %.4f\n", argv[fi], at / 16000.0, cpu_seconds() - c0);
        fflush(stdout);
        free(buffer);
        fclose(wav);
    }
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    printf("RSS %ld\n", u.ru_maxrss);
    ps_free(ps);
    cmd_ln_free_r(config);
    return 0;
}
