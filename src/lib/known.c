/*
 * Checks an id against its table and, when unknown, suggests the closest known ids
 * (src/lib/suggest.c) in the error message.
 */
#include <stdio.h>
#include <string.h>

#include "src/lib/known.h"
#include "src/lib/log.h"
#include "src/lib/strbuf.h"
#include "src/lib/suggest.h"

static const struct
{
	const char *what;			/* "donneur d'ordre inconnu" */
	const char *exists_sql;
	const char *ids_sql;
	const char *list;			/* the clause list command that shows them */
} KINDS[] = {
	[KNOWN_DONNEUR] = {"donneur d'ordre inconnu", "SELECT count(*) FROM donneur WHERE id = $1",
		"SELECT id FROM donneur ORDER BY id", "donneurs"},
	[KNOWN_OPERATION] = {"opération inconnue", "SELECT count(*) FROM operation WHERE id = $1",
		"SELECT id FROM operation ORDER BY id", "operations"},
	[KNOWN_MARCHE] = {"marché inconnu", "SELECT count(*) FROM marche WHERE id = $1",
		"SELECT id FROM marche ORDER BY id", "marches"},
	[KNOWN_PLIE] = {"PLIE inconnu", "SELECT count(*) FROM plie WHERE code = $1",
		"SELECT code FROM plie ORDER BY code", NULL},
	[KNOWN_ENTREPRISE] = {"entreprise inconnue", "SELECT count(*) FROM entreprise WHERE siret = $1",
		"SELECT siret FROM entreprise ORDER BY siret", "entreprises"},
	[KNOWN_PARTICIPANT] = {"participant inconnu", "SELECT count(*) FROM participant WHERE id = $1",
		"SELECT id FROM participant ORDER BY id", "participants"},
};

typedef struct OfferContext
{
	Suggestions suggestions;
	const char *unknown;
	StrBuf all;					/* every known id, for the PLIE (a handful) */
} OfferContext;

static bool
offer_row(void *context, const DbRow *row)
{
	OfferContext *offer = context;

	suggest_offer(&offer->suggestions, offer->unknown, db_row_value(row, 0));
	return strbuf_printf(&offer->all, "%s%s", offer->all.len ? ", " : "", db_row_value(row, 0));
}

bool
known_check(Db *db, KnownKind kind, const char *value, bool *unknown)
{
	char count[32] = "";
	const char *params[] = {value};
	OfferContext offer = {.suggestions = {.best = -1}, .unknown = value};
	char text[512];

	*unknown = false;
	if (!db_query_value(db, KINDS[kind].exists_sql, 1, params, count, sizeof(count), NULL))
		return false;
	if (strcmp(count, "0") != 0)
		return true;
	if (!db_query(db, KINDS[kind].ids_sql, 0, NULL, offer_row, &offer, NULL))
	{
		strbuf_free(&offer.all);
		return false;
	}
	*unknown = true;
	suggest_text(&offer.suggestions, text, sizeof(text));
	if (text[0])
		log_error("%s « %s »%s", KINDS[kind].what, value, text);
	else if (kind == KNOWN_PLIE)
		log_error("%s « %s » (%s)", KINDS[kind].what, value, offer.all.len ? offer.all.data : "aucun PLIE");
	else
		log_error("%s « %s » (clause list %s les montre)", KINDS[kind].what, value, KINDS[kind].list);
	strbuf_free(&offer.all);
	return false;
}
