#include <stdlib.h>
#include "CErratumSystem.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

void erratum_tune_allocator(void) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}
