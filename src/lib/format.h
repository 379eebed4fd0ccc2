/*
 * French number and date formatting, for reports and for every message that counts
 * (plumbing: importers and reports both use it): "250 000", "12,5 %", "31/12/2021".
 */
#ifndef CLAUSE_FORMAT_H
#define CLAUSE_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Thousands grouped by spaces, decimal comma, exactly `decimals` decimals. */
void format_fr_number(double value, int decimals, char *out, size_t outsize);

/* Like format_fr_number, but drops a decimal part that is zero ("12" not "12,0"). */
void format_fr_number_trim(double value, int decimals, char *out, size_t outsize);

/* A ratio (0.125) as a percentage with one decimal: "12,5 %". */
void format_fr_percent(double ratio, char *out, size_t outsize);

/* AAAA-MM-JJ to JJ/MM/AAAA (copied unchanged when not in that form). */
void format_fr_date(const char *iso, char *out, size_t outsize);

/* Decimal comma, no grouping: what French Excel reads as a number in CSV. */
void format_csv_number(double value, int decimals, char *out, size_t outsize);

/* Up to max_decimals decimals, trailing zeros dropped: "159,5", "1 319". */
void format_fr_number_max(double value, int max_decimals, char *out, size_t outsize);

/* CSV counterpart of format_fr_number_max: decimal comma, no grouping. */
void format_csv_number_max(double value, int max_decimals, char *out, size_t outsize);

/* AAAA-MM to "janvier 2021" (copied unchanged when not in that form). */
void format_fr_month(const char *month, char *out, size_t outsize);

/* AAAA-MM to the short month name: "janv.", "févr.", … */
void format_fr_month_short(const char *month, char *out, size_t outsize);

/*
 * The French plural ending of a count: "" for 0 and 1, "s" from 2 up, for words whose
 * plural adds an s: printf("%lld ligne%s lue%s", n, fr_s(n), fr_s(n)) gives "1 ligne
 * lue", "0 ligne lue", "3 lignes lues". For a decimal, pass its whole part (1,5 heure).
 */
const char *fr_s(long long count);

/* Width of UTF-8 text in characters (not bytes), for aligned terminal tables. */
int format_text_width(const char *text);

/* Same, for the first length bytes of text. */
int format_text_width_n(const char *text, size_t length);

/* Writes text padded with spaces to width characters, right-aligned when asked. */
void format_write_padded(FILE *out, const char *text, int width, bool right);

/*
 * Wrapping labels that must never be cut: the bytes of the first line of text at width
 * characters (broken after the last word that fits, a word longer than the line cut),
 * *next set to the start of the rest (spaces skipped, "" at the end).
 */
size_t format_wrap_line(const char *text, int width, const char **next);

/* Writes the first line of text wrapped at width, padded to width; returns the rest. */
const char *format_write_wrapped_first(FILE *out, const char *text, int width);

/* Writes the rest of a wrapped text, one line each, after indent spaces. */
void format_write_wrapped_rest(FILE *out, const char *rest, int width, int indent);

/* len bytes as 2 * len lowercase hex digits and a NUL (a digest as the database shows it). */
void format_hex(const unsigned char *bytes, size_t len, char *out);

#endif
