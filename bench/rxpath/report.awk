# Ir per packet from callgrind's dumps (bench/rxpath/rxpath.mk): each dump's
# "desc: Trigger: Client Request: <packets> <frames out> <path>" label and
# its "totals:" line (instructions collected since the previous dump).
FNR == 1 { label = "" }
/^desc: Trigger: Client Request: / {
	sub(/^desc: Trigger: Client Request: /, "")
	label = $0
}
/^totals: / && label != "" {
	n = split(label, w, " ")
	path = w[3]
	for (i = 4; i <= n; i++)
		path = path " " w[i]
	row[++rows] = sprintf("%-62s %8d %8d %12.1f", path, w[1], w[2], $2 / w[1])
}
END {
	printf "%-62s %8s %8s %12s\n", "path", "packets", "out", "Ir/packet"
	for (i = 1; i <= rows; i++)
		print row[i]
}
