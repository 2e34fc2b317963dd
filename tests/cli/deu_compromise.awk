# deu_compromise.awk — an independent computation of the compromise baseline's mean absolute
# error on a DEU table (salience-weighted mean of positions, equal capability; an issue counts
# when it has an outcome and at least 3 actors with a position and salience > 0).
# usage: awk -F'\t' -f deu_compromise.awk TABLE   → prints "ISSUES MAE"
NR == 1 {
    for (i = 1; i <= NF; i++) { h = $i; gsub(/"/, "", h); col[h] = i; name[i] = h }
    for (i = 1; i <= NF; i++)
        if (substr(name[i], 1, 1) == "p" && (("s" substr(name[i], 2)) in col)) pcol[++np] = i
    next
}
{
    gsub(/"/, "")
    if ($col["isnr"] == "" || $col["out"] == "") next
    sw = 0; swx = 0; k = 0
    for (j = 1; j <= np; j++) {
        p = $pcol[j]; s = $(col["s" substr(name[pcol[j]], 2)])
        if (p != "" && s != "" && s + 0 > 0) { sw += s; swx += s * p; k++ }
    }
    if (k < 3) next
    e = swx / sw - $col["out"]; if (e < 0) e = -e
    total += e; n++
}
END { printf "%d %.6f\n", n, total / n }
