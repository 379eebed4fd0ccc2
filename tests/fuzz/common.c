/*
 * Support of the fuzz harnesses: in-memory input files, failure reports, and the
 * check that every row the importer accepts holds canonical values.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sanitizer/common_interface_defs.h>

#include "common.h"
#include "importers/validate.h"
#include "src/lib/log.h"

#define FUZZ_SLOTS 4

static int slot_fds[FUZZ_SLOTS] = {-1, -1, -1, -1};
static char slot_paths[FUZZ_SLOTS][64];

const char *
fuzz_file(int slot, const uint8_t *data, size_t size)
{
	int fd = slot_fds[slot];

	if (fd < 0)
	{
		fd = memfd_create("clause-fuzz", 0);
		if (fd < 0)
		{
			char path[] = "/tmp/clause-fuzz-XXXXXX";

			fd = mkstemp(path);
			if (fd < 0)
				fuzz_fail("fichier temporaire impossible");
			unlink(path);
		}
		slot_fds[slot] = fd;
		snprintf(slot_paths[slot], sizeof(slot_paths[slot]), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || (size > 0 && pwrite(fd, data, size, 0) != (ssize_t) size))
		fuzz_fail("écriture du fichier d'entrée impossible");
	return slot_paths[slot];
}

void
fuzz_init(void)
{
	/* every message is formatted (libFuzzer's -close_fd_mask=2 keeps them off the screen) */
	log_set_level(LOG_LEVEL_DEBUG);
}

void
fuzz_init_kinds(void)
{
	fuzz_init();
	fake_db_set_row_hook(fuzz_check_kind_row);
}

const KindSpec *
fuzz_pick_kind(uint8_t byte)
{
	static const char *const names[] = {
		"donneurs", "entreprises", "operations", "marches", "participants", "conventions", "heures"
	};

	return kind_find(names[byte % (sizeof(names) / sizeof(names[0]))]);
}

void
fuzz_fail(const char *fmt, ...)
{
	char message[1024];
	va_list args;

	va_start(args, fmt);
	vsnprintf(message, sizeof(message), fmt, args);
	va_end(args);
	/* to the sanitizer's report descriptor, which survives -close_fd_mask=2 */
	__sanitizer_report_error_summary(message);
	abort();
}

/* ---- canonical values of the kinds ---------------------------------------------- */

static const KindSpec *expected_kind;

void
fuzz_expect_kind(const KindSpec *kind)
{
	expected_kind = kind;
}

static bool
has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char) *s < 0x20 && *s != '\t')	/* tabs are allowed (validate.c) */
			return true;
	return false;
}

static bool
is_date(const char *s, bool first_of_month)
{
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
		sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char) s[i]))
			return false;
	if (m < 1 || m > 12 || d < 1 || d > validate_days_in_month(y, m) || y < 1)
		return false;
	return !first_of_month || d == 1;
}

static bool
is_decimal(const char *s, double max)
{
	char *end;
	double v;

	if (!isdigit((unsigned char) *s))
		return false;
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char) *p) && *p != '.')
			return false;
	v = strtod(s, &end);
	return *end == '\0' && v >= 0 && v <= max;
}

static bool
in_list(const char *value, const char *const *allowed)
{
	for (int i = 0; allowed[i]; i++)
		if (strcmp(value, allowed[i]) == 0)
			return true;
	return false;
}

static bool
is_criteria(const char *s)
{
	char item[64];
	size_t len = strlen(s), n = 0;

	if (len < 2 || s[0] != '{' || s[len - 1] != '}')
		return false;
	for (size_t i = 1; i < len; i++)
	{
		if (s[i] == ',' || s[i] == '}')
		{
			item[n] = '\0';
			if (!(n == 0 && len == 2) && !in_list(item, CRITERIA_VALUES))
				return false;
			n = 0;
			continue;
		}
		if (n + 1 >= sizeof(item))
			return false;
		item[n++] = s[i];
	}
	return true;
}

/* Why a canonical value does not fit its column; NULL when it does. */
static const char *
canonical_problem(const ColumnSpec *column, const char *v)
{
	switch (column->type)
	{
		case COLUMN_ID:
			return *v && strlen(v) <= 400 && !has_control(v) ? NULL : "identifiant";
		case COLUMN_TEXT:
			return strlen(v) <= 500 && !has_control(v) ? NULL : "texte";
		case COLUMN_ENUM:
			return in_list(v, column->values) ? NULL : "valeur hors énumération";
		case COLUMN_DATE:
			return is_date(v, false) ? NULL : "date";
		case COLUMN_MONTH:
			return is_date(v, true) ? NULL : "mois";
		case COLUMN_AMOUNT:
			return is_decimal(v, 1e12) ? NULL : "montant";
		case COLUMN_HOURS:
			return is_decimal(v, 744) ? NULL : "heures";
		case COLUMN_SIRET:
			if (strlen(v) != 14)
				return "SIRET";
			for (int i = 0; i < 14; i++)
				if (!isdigit((unsigned char) v[i]))
					return "SIRET";
			return siret_key_is_valid(v) ? NULL : "clé SIRET";
		case COLUMN_INSEE:
			return strlen(v) == 5 && !has_control(v) ? NULL : "code INSEE";
		case COLUMN_YES_NO:
			return strcmp(v, "true") == 0 || strcmp(v, "false") == 0 ? NULL : "oui/non";
		case COLUMN_SEX:
			return strcmp(v, "F") == 0 || strcmp(v, "M") == 0 ? NULL : "sexe";
		case COLUMN_CRITERIA:
			return is_criteria(v) ? NULL : "critères";
	}
	return "type inconnu";
}

static const char *
value_of(const char *const *names, const char *const *values, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return values[i];
	return NULL;
}

void
fuzz_check_kind_row(const char *const *names, const char *const *values, int n)
{
	const KindSpec *kind = expected_kind;

	if (kind == NULL || value_of(names, values, n, "motif") != NULL)
		return;
	for (int i = 0; i < kind->ncolumns; i++)
	{
		const ColumnSpec *column = &kind->columns[i];
		const char *v = value_of(names, values, n, column->name);
		const char *why;

		if (v == NULL)
		{
			if (column->required || column->when_empty)
				fuzz_fail("%s : ligne acceptée avec « %s » NULL", kind->name, column->name);
			continue;
		}
		if ((why = canonical_problem(column, v)) != NULL)
			fuzz_fail("%s : ligne acceptée, colonne « %s » : %s non canonique « %.100s »",
					  kind->name, column->name, why, v);
	}
	if (strcmp(kind->name, "heures") == 0)
	{
		const char *mois = value_of(names, values, n, "mois");
		double total = strtod(value_of(names, values, n, "heures"), NULL) +
			strtod(value_of(names, values, n, "heures_formation"), NULL);
		int y = (int) strtol(mois, NULL, 10), m = (int) strtol(mois + 5, NULL, 10);

		if (total > 24.0 * validate_days_in_month(y, m) + 1e-9)
			fuzz_fail("heures : ligne acceptée avec %.2f heures en %s", total, mois);
	}
	if (value_of(names, values, n, "date_debut") && value_of(names, values, n, "date_fin") &&
		strcmp(value_of(names, values, n, "date_fin"), value_of(names, values, n, "date_debut")) < 0)
		fuzz_fail("%s : ligne acceptée avec une fin avant le début", kind->name);
}
