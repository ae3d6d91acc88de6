// The wrappers are all static inline in include/CShims.h; SwiftPM needs one source file.
#include "CShims.h"
