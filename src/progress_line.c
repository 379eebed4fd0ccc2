/*
 * Progress on a terminal. Checked cheaply (a clock read every 4096 rows) so that it
 * costs nothing measurable on the import path.
 */
#include <stdio.h>
#include <unistd.h>

#include "log.h"
#include "progress_line.h"

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

void
progress_line_update(ProgressLine *line, long long rows, long long done_bytes,
					 long long total_bytes)
{
	if (!line->enabled || (rows & 4095) != 0)
		return;

	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);

	double elapsed = seconds_between(&line->start, &now);

	if (elapsed < 2.0 || seconds_between(&line->last, &now) < 0.5)
		return;
	line->last = now;
	line->shown = true;
	fprintf(stderr, "\r%s : %lld lignes, %.0f lignes/s", line->label, rows, (double) rows / elapsed);
	if (total_bytes > 0)
		fprintf(stderr, ", %.0f %%", 100.0 * (double) done_bytes / (double) total_bytes);
	fputs("   ", stderr);
	fflush(stderr);
}

void
progress_line_elapsed(ProgressLine *line)
{
	if (!line->enabled)
		return;

	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);

	double elapsed = seconds_between(&line->start, &now);

	if (elapsed < 2.0 || seconds_between(&line->last, &now) < 0.5)
		return;
	line->last = now;
	line->shown = true;
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
