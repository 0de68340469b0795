// flite (Debian flite1-dev), imported by TouchtimeAudio only. flite ships no pkg-config file, so
// the module map names its libraries; and flite.h does not declare the built-in voice's register
// function, so it is declared here.
#include <flite/flite.h>

cst_voice *register_cmu_us_slt(const char *voxdir);
