#!/usr/bin/awk -f
# Plots bench/scale.tsv as an SVG: time against rows, log-log axes, one series per stage,
# each with a dashed line of slope 1 (linear growth) from its smallest size, so that a
# superlinear step stands out as a solid line climbing above its dashed one.
# Input: lines "ROWS<TAB>STAGE<TAB>SECONDS"; lines starting with # are comments, and
# "# title: TEXT" sets the subtitle. Output: the SVG on stdout. POSIX awk, no dependency.
#   awk -f tools/plot_scale.awk bench/scale.tsv > bench/scale.svg
BEGIN { FS = "\t"; nstage = 0; n = 0; subtitle = "" }
/^# title: / { subtitle = substr($0, 10); next }
/^#/ || NF < 3 { next }
$3 == "null" || $3 + 0 <= 0 || $1 + 0 <= 0 { next }
{
    if (!($2 in seen)) { seen[$2] = 1; stage[++nstage] = $2 }
    n++; px[n] = $1 + 0; py[n] = $3 + 0; ps[n] = $2
}
function lg(v) { return log(v) / log(10) }
function floor_(v) { return v == int(v) ? v : (v < 0 ? int(v) - 1 : int(v)) }
function ceil_(v) { return v == int(v) ? v : (v < 0 ? int(v) : int(v) + 1) }
function X(v) { return L + (lg(v) - x0) / (x1 - x0) * W }
function Y(v) { return T + H - (lg(v) - y0) / (y1 - y0) * H }
function rows_label(v) {
    if (v >= 1e6) return sprintf("%g M", v / 1e6)
    if (v >= 1e3) return sprintf("%g k", v / 1e3)
    return sprintf("%g", v)
}
function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
END {
    if (n == 0) { print "plot_scale: no data" > "/dev/stderr"; exit 1 }
    xmin = xmax = px[1]; ymin = ymax = py[1]
    for (i = 2; i <= n; i++) {
        if (px[i] < xmin) xmin = px[i]; if (px[i] > xmax) xmax = px[i]
        if (py[i] < ymin) ymin = py[i]; if (py[i] > ymax) ymax = py[i]
    }
    # the slope-1 guides reach xmax: room for them too
    for (s = 1; s <= nstage; s++) {
        first = 0
        for (i = 1; i <= n; i++) if (ps[i] == stage[s] && (first == 0 || px[i] < px[first])) first = i
        g0[s] = first
        if (first) { v = py[first] * xmax / px[first]; if (v > ymax) ymax = v }
    }
    x0 = floor_(lg(xmin)); x1 = ceil_(lg(xmax)); if (x1 <= x0) x1 = x0 + 1
    y0 = floor_(lg(ymin)); y1 = ceil_(lg(ymax)); if (y1 <= y0) y1 = y0 + 1
    WIDTH = 820; HEIGHT = 540; L = 80; T = 60; W = 560; H = 400
    split("#1f77b4 #d62728 #2ca02c #9467bd #ff7f0e #8c564b #e377c2 #17becf", color, " ")

    printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", WIDTH, HEIGHT, WIDTH, HEIGHT
    printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
    printf "<text x=\"%d\" y=\"24\" font-size=\"16\" font-weight=\"bold\">clause: time against rows (log-log)</text>\n", L
    if (subtitle != "") printf "<text x=\"%d\" y=\"42\" fill=\"#555\">%s</text>\n", L, esc(subtitle)
    # grid: decades, with 2 and 5 between them
    for (e = x0; e <= x1; e++) for (m = 1; m <= 5; m = (m == 1 ? 2 : m + 3)) {
        v = m * 10 ^ e; if (lg(v) > x1 + 1e-9) continue
        printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>\n", X(v), T, X(v), T + H, m == 1 ? "#ccc" : "#eee"
        if (m == 1 || x1 - x0 <= 2)
            printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\"%s>%s</text>\n", X(v), T + H + 18, m == 1 ? "" : " fill=\"#888\" font-size=\"10\"", rows_label(v)
    }
    for (e = y0; e <= y1; e++) for (m = 1; m <= 5; m = (m == 1 ? 2 : m + 3)) {
        v = m * 10 ^ e; if (lg(v) > y1 + 1e-9) continue
        printf "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>\n", L, Y(v), L + W, Y(v), m == 1 ? "#ccc" : "#eee"
        if (m == 1 || y1 - y0 <= 2)
            printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\"%s>%g s</text>\n", L - 6, Y(v) + 4, m == 1 ? "" : " fill=\"#888\" font-size=\"10\"", v
    }
    printf "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>\n", L, T, W, H
    printf "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">timesheet rows</text>\n", L + W / 2, T + H + 38
    printf "<text transform=\"translate(20 %d) rotate(-90)\" text-anchor=\"middle\">seconds (median)</text>\n", T + H / 2

    for (s = 1; s <= nstage; s++) {
        c = color[(s - 1) % 8 + 1]
        # points of the stage in row order
        k = 0
        for (i = 1; i <= n; i++) if (ps[i] == stage[s]) order[++k] = i
        for (a = 2; a <= k; a++) { v = order[a]; for (b = a - 1; b >= 1 && px[order[b]] > px[v]; b--) order[b + 1] = order[b]; order[b + 1] = v }
        f = g0[s]
        printf "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1\" stroke-dasharray=\"4 4\" opacity=\"0.6\"/>\n", X(px[f]), Y(py[f]), X(xmax), Y(py[f] * xmax / px[f]), c
        pts = ""
        for (a = 1; a <= k; a++) pts = pts sprintf("%.1f,%.1f ", X(px[order[a]]), Y(py[order[a]]))
        printf "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n", pts, c
        for (a = 1; a <= k; a++) {
            i = order[a]
            printf "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s: %s rows, %g s</title></circle>\n", X(px[i]), Y(py[i]), c, esc(stage[s]), px[i], py[i]
            printf "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"%s\">%.3g s</text>\n", X(px[i]) + 6, Y(py[i]) - 5, c, py[i]
        }
        # legend
        ly = T + 10 + (s - 1) * 20
        printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>\n", L + W + 16, ly, L + W + 40, ly, c
        printf "<text x=\"%d\" y=\"%d\">%s</text>\n", L + W + 46, ly + 4, esc(stage[s])
    }
    ly = T + 10 + nstage * 20
    printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\" stroke-dasharray=\"4 4\"/>\n", L + W + 16, ly, L + W + 40, ly
    printf "<text x=\"%d\" y=\"%d\" fill=\"#555\">linear from</text>\n", L + W + 46, ly + 4
    printf "<text x=\"%d\" y=\"%d\" fill=\"#555\">the smallest size</text>\n", L + W + 46, ly + 18
    print "</svg>"
}
