/*
 * A progress line for long work on a terminal: rows, rows/s and percentage, redrawn
 * at most twice a second after the first two seconds; silent when stderr is not a tty.
 */
#ifndef CLAUSE_PROGRESS_LINE_H
#define CLAUSE_PROGRESS_LINE_H

#include <stdbool.h>
#include <time.h>

typedef struct ProgressLine
{
	const char *label;
	bool enabled;
	bool shown;
	struct timespec start;
	struct timespec last;
} ProgressLine;

void progress_line_start(ProgressLine *line, const char *label);

/* total_bytes 0 when unknown (then no percentage). */
void progress_line_update(ProgressLine *line, long long rows, long long done_bytes,
						  long long total_bytes);

/* For work that counts nothing the client sees (one long SQL script): the elapsed
 * seconds, "attribution des heures : 12 s", on the same rules of redrawing. */
void progress_line_elapsed(ProgressLine *line);

/* Clears the line if it was drawn. */
void progress_line_finish(ProgressLine *line);

#endif
