/*
 * Progress on a terminal. Checked cheaply (a clock read every 4096 rows) so that it
 * costs nothing measurable on the import path.
 */
#include <stdio.h>
#include <unistd.h>

#include "src/lib/log.h"
#include "src/lib/progress_line.h"

static double
seconds_between(const struct timespec *a, const struct timespec *b)
{
	return (double) (b->tv_sec - a->tv_sec) + (double) (b->tv_nsec - a->tv_nsec) / 1e9;
}

void
progress_line_start(ProgressLine *line, const char *label)
{
	line->label = label;
	line->enabled = isatty(STDERR_FILENO) && log_get_level() <= LOG_LEVEL_NOTICE;
	line->shown = false;
	clock_gettime(CLOCK_MONOTONIC, &line->start);
	line->last = line->start;
}

/*
 * Whether to draw now: on a terminal, after the first two seconds, at most twice a
 * second. When it says yes, elapsed holds the seconds since the start.
 */
static bool
progress_line_due(ProgressLine *line, double *elapsed)
{
	struct timespec now;

	if (!line->enabled)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	*elapsed = seconds_between(&line->start, &now);
	if (*elapsed < 2.0 || seconds_between(&line->last, &now) < 0.5)
		return false;
	line->last = now;
	line->shown = true;
	return true;
}

void
progress_line_update(ProgressLine *line, long long rows, long long done_bytes,
					 long long total_bytes)
{
	double elapsed;

	if ((rows & 4095) != 0 || !progress_line_due(line, &elapsed))
		return;
	fprintf(stderr, "\r%s : %lld lignes, %.0f lignes/s", line->label, rows, (double) rows / elapsed);
	if (total_bytes > 0)
		fprintf(stderr, ", %.0f %%", 100.0 * (double) done_bytes / (double) total_bytes);
	fputs("   ", stderr);
	fflush(stderr);
}

void
progress_line_elapsed(ProgressLine *line)
{
	double elapsed;

	if (!progress_line_due(line, &elapsed))
		return;
	fprintf(stderr, "\r%s : %.0f s   ", line->label, elapsed);
	fflush(stderr);
}

void
progress_line_finish(ProgressLine *line)
{
	if (line->shown)
		fputs("\r\033[K", stderr);
	line->shown = false;
}
