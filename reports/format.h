/*
 * French number and date formatting for reports: "250 000", "12,5 %", "31/12/2021".
 */
#ifndef CLAUSE_FORMAT_H
#define CLAUSE_FORMAT_H

#include <stddef.h>

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

#endif
