// expect: reject
// why: #error stops the preprocessor, so gas never runs.
#ifndef CONFIG_NEVER_DEFINED
#error "configuration missing"
#endif
	.data
	.byte	1
