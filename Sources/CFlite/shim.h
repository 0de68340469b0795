// flite (Debian flite1-dev / libflite1), imported by TouchtimeAudio only. Its types come from here;
// its libraries are not linked but opened when speech is first made (FliteVoice: dlopen), so a
// session, which has its prompts rendered by a helper process, never maps them: flite's voice
// data is about 4 MB resident once used, and its relocations 1.6 MB even unused.
#include <flite/flite.h>

cst_voice *register_cmu_us_slt(const char *voxdir);
