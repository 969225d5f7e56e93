/*
 * asm/page_types.h - page sizes (SDM vol. 3, 4.5: 4 KiB pages, 2 MiB and
 * 1 GiB large pages in 4-level paging).
 */
#ifndef _ASM_X86_PAGE_TYPES_H
#define _ASM_X86_PAGE_TYPES_H

#include <linux/const.h>

#define PAGE_SHIFT		12
#define PAGE_SIZE		(_AC(1, UL) << PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE - 1))

#define PMD_PAGE_SHIFT		21
#define PMD_PAGE_SIZE		(_AC(1, UL) << PMD_PAGE_SHIFT)
#define PMD_PAGE_MASK		(~(PMD_PAGE_SIZE - 1))

#define PUD_PAGE_SHIFT		30
#define PUD_PAGE_SIZE		(_AC(1, UL) << PUD_PAGE_SHIFT)
#define PUD_PAGE_MASK		(~(PUD_PAGE_SIZE - 1))

#include <asm/page_64_types.h>

#endif /* _ASM_X86_PAGE_TYPES_H */
