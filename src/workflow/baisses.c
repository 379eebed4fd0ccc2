/*
 * What a batch lowered: the rows of clause.baisse that the attribution of some batches
 * wrote (sql/attribution/baisses.sql), laid out as French lines with a total.
 */
#include <stdlib.h>
#include <string.h>

#include "src/lib/format.h"
#include "src/lib/log.h"
#include "src/workflow/baisses.h"

typedef struct BaissesWriter
{
	FILE *out;
	const char *indent;
	long long count;
	double total;				/* hours lost, positive */
} BaissesWriter;

static void
baisses_emit(BaissesWriter *writer, const char *text)
{
	if (writer->out)
		fprintf(writer->out, "%s%s\n", writer->indent, text);
	else
		log_warn("%s", text);
}

static bool
baisses_row(void *context, const DbRow *row)
{
	BaissesWriter *writer = context;
	double before = strtod(db_row_value(row, 4), NULL);
	double after = strtod(db_row_value(row, 5), NULL);
	char shown_before[40], shown_after[40], line[1024];

	format_fr_number(before, 2, shown_before, sizeof(shown_before));
	format_fr_number(after, 2, shown_after, sizeof(shown_after));
	snprintf(line, sizeof(line), "%s (%s), marché %s, %s : %s h → %s h (%s)", db_row_value(row, 0),
			 db_row_value(row, 1), db_row_value(row, 2), db_row_value(row, 3), shown_before,
			 shown_after, db_row_value(row, 6));
	baisses_emit(writer, line);
	writer->count++;
	writer->total += before - after;
	return true;
}

bool
baisses_write(Db *db, const char *lots, bool cancellation, FILE *out, const char *indent,
			  long long *count)
{
	BaissesWriter writer = {.out = out, .indent = indent ? indent : ""};
	const char *params[] = {lots, cancellation ? "true" : "false"};
	bool ok = db_query(db,
					   "SELECT p.nom || ' ' || p.prenom, b.participant_id, b.marche_id, "
					   "to_char(b.mois, 'YYYY-MM'), b.avant, b.apres, b.motifs "
					   "FROM clause.baisse b JOIN clause.participant p ON p.id = b.participant_id "
					   "WHERE b.lots && string_to_array(nullif($1, ''), ',')::bigint[] "
					   "  AND b.annulation = $2::boolean "
					   "ORDER BY b.mois, p.nom, p.prenom, b.participant_id, b.marche_id",
					   2, params, baisses_row, &writer, NULL);

	if (ok && writer.count > 0)
	{
		char hours[40], text[160];
		bool plural = writer.count > 1;

		format_fr_number(writer.total, 2, hours, sizeof(hours));
		snprintf(text, sizeof(text), "%lld ligne%s déjà comptée%s baisse%s : −%s h", writer.count,
				 plural ? "s" : "", plural ? "s" : "", plural ? "nt" : "", hours);
		baisses_emit(&writer, text);
	}
	if (count)
		*count = writer.count;
	return ok;
}
