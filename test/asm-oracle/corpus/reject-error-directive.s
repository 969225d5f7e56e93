// expect: reject
// why: .error always fails the assembly with its message.
	.data
	.byte	1
	.error	"this configuration is not supported"
