/*
 * Unit tests for importers/xlsx_reader.c and xlsx_book.c: workbooks saved by
 * LibreOffice (tests/data/xlsx/, sources in src/) and one written by hand in the
 * shape other writers use, read row by row and compared with what the sheet shows.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/xlsx_reader.h"
#include "src/lib/strbuf.h"

#define NCASES(array) ((int) (sizeof(array) / sizeof((array)[0])))
#define GARONNE "tests/data/xlsx/garonne-classeur-2022.xlsx"
#define HAND "tests/data/xlsx/fait-main.xlsx"

/* Each record as "line|error|f1;f2;…", one per line. */
typedef struct Rows
{
	StrBuf text;
	int count;
	int stop_after;
} Rows;

static bool
collect(void *context, const CsvRecord *record)
{
	Rows *rows = context;

	strbuf_printf(&rows->text, "%d|%s|", record->line, record->error ? record->error : "");
	for (int i = 0; i < record->nfields; i++)
	{
		ck_assert_uint_eq(strlen(record->fields[i]), record->lengths[i]);
		strbuf_printf(&rows->text, "%s%s", i ? ";" : "", record->fields[i]);
	}
	strbuf_putc(&rows->text, '\n');
	rows->count++;
	return rows->stop_after == 0 || rows->count < rows->stop_after;
}

START_TEST(test_libreoffice_first_sheet)
{
	Rows rows = {0};

	ck_assert(xlsx_reader_run(GARONNE, "garonne", NULL, collect, &rows));
	/* merged title cells give their text in the first column; row 3 is empty, absent;
	 * D holds dates shown mm/yyyy, H a date shown dd/mm/yyyy, E numbers shown 0.00 */
	ck_assert_str_eq(rows.text.data,
					 "1||Suivi mensuel des heures d'insertion — Garonne Bâtiment;;;;;;;\n"
					 "2||Période : janvier 2022;;;;;;;\n"
					 "4||Salarié;N° participant;Marché;Mois;Heures travaillées;Heures de formation;Contrat;Entrée le\n"
					 "5||Aurélie Martinez;P00001;2021-BM-045;2022-01;151.67;0;CDI;2021-09-06\n"
					 "6||Ahmed Ménard;P00002;2021-BM-045;2022-01;120;7;Contrat de professionnalisation;\n"
					 "7||Rémi Labat;P00003;2021-BM-71;2022-01;35;;CDD;\n"
					 "8||TOTAL;;;;306.67;7;;\n");
	strbuf_free(&rows.text);
}
END_TEST

START_TEST(test_libreoffice_sheet_by_name)
{
	Rows rows = {0};

	/* case and accents ignored, as in profiles */
	ck_assert(xlsx_reader_run(GARONNE, "garonne", "FEVRIER 2022", collect, &rows));
	ck_assert_int_eq(rows.count, 5);
	ck_assert_ptr_nonnull(strstr(rows.text.data,
								 "5||Aurélie Martinez;P00001;2021-BM-045;2022-02;140.5;3.5;CDI;2021-09-06\n"));
	strbuf_free(&rows.text);
}
END_TEST

START_TEST(test_missing_sheet)
{
	Rows rows = {0};

	ck_assert(!xlsx_reader_run(GARONNE, "garonne", "Mars 2022", collect, &rows));
	ck_assert_int_eq(rows.count, 0);
	strbuf_free(&rows.text);
}
END_TEST

START_TEST(test_other_writers)
{
	Rows rows = {0};

	ck_assert(xlsx_reader_run(HAND, "fait-main", NULL, collect, &rows));
	/* rich text without its phonetic run, booleans, the 1904 system (serial 0 is
	 * 01/01/1904), a month format with a locale, a formula's text, float noise cut to
	 * 15 digits, a shared string that does not exist */
	ck_assert_str_eq(rows.text.data,
					 "1||Nom complet;Qpv;Né le;Mois;Calcul\n"
					 "3||Zoé & Léo;oui;1904-01-01;2022-01;Zoé & Léo!\n"
					 "4||;non;;;1\n"
					 "5|classeur abîmé : texte partagé n° 9 introuvable|;;;;\n");
	strbuf_free(&rows.text);
}
END_TEST

START_TEST(test_callback_stops)
{
	Rows rows = {.stop_after = 2};

	ck_assert(!xlsx_reader_run(GARONNE, "garonne", NULL, collect, &rows));
	ck_assert_int_eq(rows.count, 2);
	strbuf_free(&rows.text);
}
END_TEST

START_TEST(test_not_workbooks)
{
	Rows rows = {0};
	bool xlsx = true;

	ck_assert(!xlsx_reader_run("tests/data/bad/empty.csv", "empty.csv", NULL, collect, &rows));
	ck_assert(!xlsx_reader_run("tests/data/xlsx/absent.xlsx", "absent", NULL, collect, &rows));
	ck_assert_int_eq(rows.count, 0);
	ck_assert_int_eq(source_magic("tests/data/xlsx/garonne-classeur-2022.xls"), SOURCE_OLE2);
	ck_assert_int_eq(source_magic(GARONNE), SOURCE_ZIP);
	ck_assert_int_eq(source_magic("tests/data/bad/donneurs_one_bad.csv"), SOURCE_TEXT);
	/* an .xls is refused whatever is expected; a workbook is read when named .xlsx or expected */
	ck_assert(!source_pick("tests/data/xlsx/garonne-classeur-2022.xls", "x.xls", true, &xlsx));
	ck_assert(source_pick(GARONNE, "g.xlsx", false, &xlsx));
	ck_assert(xlsx);
	ck_assert(!source_pick("tests/data/bad/donneurs_one_bad.csv", "d.csv", true, &xlsx));
	ck_assert(source_pick("tests/data/bad/donneurs_one_bad.csv", "d.csv", false, &xlsx));
	ck_assert(!xlsx);
	strbuf_free(&rows.text);
}
END_TEST

static const struct
{
	double serial;
	bool date1904;
	const char *date;			/* NULL: out of range */
} serial_cases[] = {
	{1, false, "1900-01-01"},
	{59, false, "1900-02-28"},
	{61, false, "1900-03-01"},
	{44562, false, "2022-01-01"},
	{44562.99, false, "2022-01-01"},
	{44620, false, "2022-02-28"},
	{45351, false, "2024-02-29"},
	{0, true, "1904-01-01"},
	{43100, true, "2022-01-01"},
	{0, false, NULL},
	{-3, true, NULL},
	{3e6, false, NULL},
};

START_TEST(test_serial_to_date)
{
	char out[11] = "";
	bool ok = xlsx_serial_to_date(serial_cases[_i].serial, serial_cases[_i].date1904, out);

	if (serial_cases[_i].date == NULL)
		ck_assert_msg(!ok, "%g : %s", serial_cases[_i].serial, out);
	else
	{
		ck_assert_msg(ok, "%g refusé", serial_cases[_i].serial);
		ck_assert_str_eq(out, serial_cases[_i].date);
	}
}
END_TEST

static const struct
{
	const char *code;
	int kind;
} format_cases[] = {
	{"General", 0},
	{"0.00", 0},
	{"dd/mm/yyyy", 1},
	{"[$-40C]d mmmm yyyy;@", 1},
	{"mm/yyyy", 2},
	{"mmm\\-yy", 2},
	{"hh:mm", 0},
	{"\"day\" 0", 0},
	{"[Red]0.00", 0},
	{"# ##0,00\\ \"h\"", 0},
};

START_TEST(test_format_date_kind)
{
	ck_assert_int_eq(xlsx_format_date_kind(format_cases[_i].code), format_cases[_i].kind);
}
END_TEST

static Suite *
xlsx_suite(void)
{
	Suite *s = suite_create("xlsx_reader");
	TCase *tc = tcase_create("xlsx_reader");

	tcase_add_test(tc, test_libreoffice_first_sheet);
	tcase_add_test(tc, test_libreoffice_sheet_by_name);
	tcase_add_test(tc, test_missing_sheet);
	tcase_add_test(tc, test_other_writers);
	tcase_add_test(tc, test_callback_stops);
	tcase_add_test(tc, test_not_workbooks);
	tcase_add_loop_test(tc, test_serial_to_date, 0, NCASES(serial_cases));
	tcase_add_loop_test(tc, test_format_date_kind, 0, NCASES(format_cases));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(xlsx_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
