/* Every CPU halts with interrupts enabled and nothing can wake it: the run ends as a deadlock. */
#include "sys.h"
SYS_BEGIN
        sti
        hlt
        jmp     test_main
SYS_END
