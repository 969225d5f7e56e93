// expect: accept
// The ALTERNATIVE padding pattern, on data so that the results compare: the
// old part is padded to the length of the replacement, which is assembled
// later into another section, and the record holds the lengths.
	.macro	alt old, new
140:
	\old
141:
	.skip	-(((144f-143f)-(141b-140b)) > 0) * ((144f-143f)-(141b-140b)), 0x90
142:
	.pushsection .alt.records, "a"
	.long	140b - .
	.long	143f - .
	.byte	142b-140b, 144f-143f, 142b-141b
	.popsection
	.pushsection .alt.replacement, "a"
143:
	\new
144:
	.popsection
	.endm
	.data
alt_short_old:	alt ".byte 1", ".byte 2, 2, 2, 2"	# padded by 3
alt_long_old:	alt ".byte 3, 3, 3", ".byte 4"		# no padding
alt_empty_old:	alt "", ".long 5"			# all padding
alt_equal:	alt ".short 6", ".short 7"
alt_end:
