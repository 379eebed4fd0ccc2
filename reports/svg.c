/*
 * Hand-drawn SVG for the HTML reports: every chart is a self-contained <svg> element
 * with a viewBox, sized by CSS, readable in print (no colour-only meaning).
 */
#include <math.h>
#include <string.h>

#include "reports/svg.h"
#include "src/lib/format.h"

#define COLOUR_DONE "#1f6f8b"
#define COLOUR_TARGET "#9a9a9a"
#define COLOUR_PROJECTION "#e07b00"

void
svg_escape(FILE *out, const char *text)
{
	for (const char *p = text; *p; p++)
	{
		switch (*p)
		{
			case '&':
				fputs("&amp;", out);
				break;
			case '<':
				fputs("&lt;", out);
				break;
			case '>':
				fputs("&gt;", out);
				break;
			case '"':
				fputs("&quot;", out);
				break;
			default:
				fputc(*p, out);
		}
	}
}

/* A round step for axis ticks: 1, 2 or 5 times a power of ten, about max / 4. */
static double
nice_step(double max)
{
	if (max <= 0)
		return 1;

	double raw = max / 4.0;
	double power = pow(10, floor(log10(raw)));
	double fraction = raw / power;

	if (fraction <= 1)
		return power;
	if (fraction <= 2)
		return 2 * power;
	if (fraction <= 5)
		return 5 * power;
	return 10 * power;
}

static void
svg_number(FILE *out, double value)
{
	char text[64];

	format_fr_number_max(value, 1, text, sizeof(text));
	fputs(text, out);
}

/* Horizontal grid lines and their labels, for a plot of (x0, y0)-(x1, y1) and 0..max. */
static double
svg_grid(FILE *out, double x0, double y0, double x1, double y1, double max)
{
	double step = nice_step(max);
	double top = ceil(max / step) * step;

	if (top <= 0)
		top = 1;
	for (double v = 0; v <= top + step / 2; v += step)
	{
		double y = y1 - (y1 - y0) * v / top;

		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>",
				x0, y, x1, y);
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">", x0 - 6, y + 4);
		svg_number(out, v);
		fputs("</text>\n", out);
	}
	return top;
}

void
svg_month_bars(FILE *out, const char *const *months, const double *values, int count,
			   const char *title)
{
	const double width = 720, height = 260, x0 = 64, x1 = 708, y0 = 30, y1 = 220;
	double max = 0;

	for (int i = 0; i < count; i++)
		if (values[i] > max)
			max = values[i];
	fprintf(out, "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"", width, height);
	svg_escape(out, title);
	fputs("\">\n<text x=\"8\" y=\"18\" class=\"title\">", out);
	svg_escape(out, title);
	fputs("</text>\n", out);

	double top = svg_grid(out, x0, y0, x1, y1, max);
	double slot = count > 0 ? (x1 - x0) / count : 0;
	double bar = slot * 0.7;

	for (int i = 0; i < count; i++)
	{
		double h = (y1 - y0) * values[i] / top;
		double x = x0 + slot * i + (slot - bar) / 2;
		char label[32];

		fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
				x, y1 - h, bar, h, COLOUR_DONE);
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"value\" text-anchor=\"middle\">",
				x + bar / 2, y1 - h - 4);
		svg_number(out, values[i]);
		fputs("</text>", out);
		format_fr_month_short(months[i], label, sizeof(label));
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"middle\">%s</text>",
				x + bar / 2, y1 + 16, label);
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"axis small\" text-anchor=\"middle\">%.4s</text>\n",
				x + bar / 2, y1 + 30, months[i]);
	}
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"baseline\"/>\n",
			x0, y1, x1, y1);
	fputs("</svg>\n", out);
}

/* The AAAA-MM of the month `offset` months after `first`. */
static void
month_after(const char *first, int offset, char out[8])
{
	int year = 0, month = 0;

	if (sscanf(first, "%4d-%2d", &year, &month) != 2)
	{
		snprintf(out, 8, "%s", first);
		return;
	}
	month += offset;
	year += (month - 1) / 12;
	month = (month - 1) % 12 + 1;
	snprintf(out, 8, "%04u-%02u", (unsigned) year % 10000u, (unsigned) month % 100u);
}

void
svg_cumulative_chart(FILE *out, const SvgCumulative *chart)
{
	const double width = 720, height = 300, x0 = 78, x1 = 700, y0 = 34, y1 = 250;
	int n = chart->period_months > 0 ? chart->period_months : 12;
	double cumulated = 0, max = chart->target;

	for (int i = 0; i < chart->months_done; i++)
		cumulated += chart->monthly[i];
	if (cumulated > max)
		max = cumulated;
	if (chart->has_projection && chart->projection > max)
		max = chart->projection;

	fprintf(out, "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"", width, height);
	svg_escape(out, chart->title);
	fputs("\">\n<text x=\"8\" y=\"18\" class=\"title\">", out);
	svg_escape(out, chart->title);
	fputs("</text>\n", out);

	double top = svg_grid(out, x0, y0, x1, y1, max);
	double dx = (x1 - x0) / n;

#define Y(v) (y1 - (y1 - y0) * (v) / top)

	/* month labels at the end of each month */
	for (int i = 0; i < n; i++)
	{
		char month[8], label[32];

		month_after(chart->first_month, i, month);
		format_fr_month_short(month, label, sizeof(label));
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"middle\">%s</text>",
				x0 + dx * (i + 0.5), y1 + 16, label);
	}
	fprintf(out, "\n<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"baseline\"/>\n",
			x0, y1, x1, y1);

	/* the straight line from nothing at the start to the target at the end */
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			"stroke-width=\"2\" stroke-dasharray=\"8 5\"/>\n",
			x0, Y(0), x1, Y(chart->target), COLOUR_TARGET);

	/* the cumulative curve, a point at the end of every month begun */
	double running = 0, last_x = x0, last_y = Y(0);

	fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"3\" points=\"%.1f,%.1f",
			COLOUR_DONE, x0, Y(0));
	for (int i = 0; i < chart->months_done && i < n; i++)
	{
		running += chart->monthly[i];
		last_x = x0 + dx * (i + 1);
		last_y = Y(running);
		fprintf(out, " %.1f,%.1f", last_x, last_y);
	}
	fputs("\"/>\n", out);
	running = 0;
	for (int i = 0; i < chart->months_done && i < n; i++)
	{
		running += chart->monthly[i];
		fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>",
				x0 + dx * (i + 1), Y(running), COLOUR_DONE);
	}
	fputc('\n', out);

	/* the projection from the last point to the end of the period */
	if (chart->has_projection && chart->months_done < n)
	{
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
				"stroke-width=\"2\" stroke-dasharray=\"2 4\"/>",
				last_x, last_y, x1, Y(chart->projection), COLOUR_PROJECTION);
		fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n",
				x1, Y(chart->projection), COLOUR_PROJECTION);
	}
#undef Y

	/* legend */
	double ly = height - 14;

	fprintf(out, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" stroke-width=\"3\"/>"
			"<text x=\"%.0f\" y=\"%.0f\" class=\"legend\">Heures créditées cumulées</text>",
			x0, ly - 4, x0 + 24, ly - 4, COLOUR_DONE, x0 + 30, ly);
	fprintf(out, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" stroke-width=\"2\" "
			"stroke-dasharray=\"8 5\"/><text x=\"%.0f\" y=\"%.0f\" class=\"legend\">Trajectoire vers la cible</text>",
			x0 + 230, ly - 4, x0 + 254, ly - 4, COLOUR_TARGET, x0 + 260, ly);
	fprintf(out, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" stroke-width=\"2\" "
			"stroke-dasharray=\"2 4\"/><text x=\"%.0f\" y=\"%.0f\" class=\"legend\">Projection au rythme actuel</text>\n",
			x0 + 450, ly - 4, x0 + 474, ly - 4, COLOUR_PROJECTION, x0 + 480, ly);
	fputs("</svg>\n", out);
}

static void
arc_point(double cx, double cy, double r, double fraction, double *x, double *y)
{
	double angle = M_PI * (1.0 - fraction);

	*x = cx + r * cos(angle);
	*y = cy - r * sin(angle);
}

void
svg_gauge(FILE *out, double ratio, double expected_ratio, const char *value_text,
		  const char *label)
{
	const double cx = 100, cy = 100, r = 78;
	double done = ratio < 0 ? 0 : (ratio > 1 ? 1 : ratio);
	double expected = expected_ratio < 0 ? 0 : (expected_ratio > 1 ? 1 : expected_ratio);
	const char *colour = ratio >= expected_ratio ? "#2e8540" :
		(ratio >= 0.75 * expected_ratio ? "#e07b00" : "#c0392b");
	double sx, sy, ex, ey, tx1, ty1, tx2, ty2;

	fputs("<svg class=\"gauge\" viewBox=\"0 0 200 150\" role=\"img\" aria-label=\"", out);
	svg_escape(out, label);
	fputs("\">\n", out);
	arc_point(cx, cy, r, 0, &sx, &sy);
	arc_point(cx, cy, r, 1, &ex, &ey);
	fprintf(out, "<path d=\"M %.1f %.1f A %.0f %.0f 0 0 1 %.1f %.1f\" fill=\"none\" stroke=\"#e3e3e3\" "
			"stroke-width=\"18\"/>\n", sx, sy, r, r, ex, ey);
	if (done > 0.0005)
	{
		arc_point(cx, cy, r, done, &ex, &ey);
		fprintf(out, "<path d=\"M %.1f %.1f A %.0f %.0f 0 0 1 %.1f %.1f\" fill=\"none\" stroke=\"%s\" "
				"stroke-width=\"18\"/>\n", sx, sy, r, r, ex, ey, colour);
	}
	arc_point(cx, cy, r - 14, expected, &tx1, &ty1);
	arc_point(cx, cy, r + 14, expected, &tx2, &ty2);
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\" stroke-width=\"2.5\"/>\n",
			tx1, ty1, tx2, ty2);
	fputs("<text x=\"100\" y=\"92\" class=\"gauge-value\" text-anchor=\"middle\">", out);
	svg_escape(out, value_text);
	fputs("</text>\n<text x=\"100\" y=\"122\" class=\"gauge-label\" text-anchor=\"middle\">", out);
	svg_escape(out, label);
	fputs("</text>\n</svg>\n", out);
}

void
svg_hbars(FILE *out, const char *const *labels, const double *values,
		  const char *const *value_texts, int count, const char *title)
{
	const double width = 640, row = 22, x0 = 330, x1 = 560, top = 28;
	double height = top + row * count + 8, max = 0;

	for (int i = 0; i < count; i++)
		if (values[i] > max)
			max = values[i];
	fprintf(out, "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"", width, height);
	svg_escape(out, title);
	fputs("\">\n<text x=\"8\" y=\"18\" class=\"title\">", out);
	svg_escape(out, title);
	fputs("</text>\n", out);
	for (int i = 0; i < count; i++)
	{
		double y = top + row * i;
		double w = max > 0 ? (x1 - x0) * values[i] / max : 0;

		fprintf(out, "<text x=\"%.0f\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">", x0 - 6, y + 14);
		svg_escape(out, labels[i]);
		fprintf(out, "</text><rect x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" fill=\"%s\"/>",
				x0, y + 3, w, COLOUR_DONE);
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"value\">", x0 + w + 4, y + 14);
		svg_escape(out, value_texts[i]);
		fputs("</text>\n", out);
	}
	fprintf(out, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" class=\"baseline\"/>\n",
			x0, top, x0, top + row * count);
	fputs("</svg>\n", out);
}
