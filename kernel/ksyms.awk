# Turns `nm -n` output of the first kernel link into the .ksyms table
# (kernel/trap.c): sorted offsets from the image start, name offsets, names.
BEGIN { n = 0 }
$2 ~ /^[tT]$/ && $3 !~ /^\./ {
	addr[n] = $1 - 1048576
	name[n] = $3
	n++
}
END {
	print "\t.section .ksyms,\"a\""
	print "\t.globl ksyms_count, ksyms_off, ksyms_name, ksyms_str"
	print "\t.balign 4"
	print "ksyms_count: .long " n
	print "ksyms_off:"
	for (i = 0; i < n; i++) print "\t.long " addr[i]
	print "ksyms_name:"
	off = 0
	for (i = 0; i < n; i++) { print "\t.long " off; off += length(name[i]) + 1 }
	print "ksyms_str:"
	for (i = 0; i < n; i++) print "\t.asciz \"" name[i] "\""
}
