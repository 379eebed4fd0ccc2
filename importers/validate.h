/*
 * Field validation and normalisation: dates, months, decimals, SIRET, codes.
 * Pure functions: input text in, canonical text out, or a French reason why not.
 */
#ifndef CLAUSE_VALIDATE_H
#define CLAUSE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#define VALIDATE_ERR_SIZE 256

/* Trims ASCII spaces, tabs and UTF-8 no-break spaces at both ends, in place. */
char *validate_trim(char *text);

/* Copies value into out (outsize bytes), cut to fit, always terminated. */
void validate_copy(char *out, size_t outsize, const char *value);

/* The value of a canonical decimal ("1234.50", as validate_decimal writes it). */
double validate_canonical_decimal(const char *digits);

/* JJ/MM/AAAA or AAAA-MM-JJ (also J/M/AAAA) to AAAA-MM-JJ; out holds 11 bytes. */
bool validate_date(const char *in, char *out, char *err);

/* AAAA-MM or MM/AAAA (also AAAA-MM-JJ, day ignored) to AAAA-MM-01; out holds 11 bytes. */
bool validate_month(const char *in, char *out, char *err);

/* Days in a month, with leap years. */
int validate_days_in_month(int year, int month);

/*
 * A non-negative decimal with a comma or a point, at most max_decimals
 * decimals, at most max_value; spaces as thousands separators when allowed.
 * out receives the canonical form ("1234.5"), value the number.
 */
bool validate_decimal(const char *in, int max_decimals, double max_value,
					  bool allow_thousands, char *out, size_t outsize,
					  double *value, char *err);

/* 14 digits (spaces ignored) with a valid Luhn key, or La Poste's rule. */
bool validate_siret(const char *in, char *out, char *err);
bool siret_key_is_valid(const char *digits14);

/* INSEE commune code: 5 characters, Corsica 2A/2B allowed. */
bool validate_insee(const char *in, char *out, char *err);

/* An identifier: non-empty, at most 100 characters, no control character. */
bool validate_identifier(const char *in, char *err);

/* Free text: at most max_len bytes, no control character. */
bool validate_text(const char *in, size_t max_len, char *err);

/*
 * A value among allowed (lower-cased, trimmed); out receives the canonical
 * value. allowed is NULL-terminated.
 */
bool validate_enum(const char *in, const char *const *allowed, char *out,
				   size_t outsize, char *err);

/* oui/non (also o/n, 1/0, true/false, vrai/faux) to "true"/"false". */
bool validate_yes_no(const char *in, char *out, char *err);

/* F/M (also H for homme) to "F"/"M". */
bool validate_sex(const char *in, char *out, char *err);

/* "rsa|deld" to a PostgreSQL array literal "{rsa,deld}", each a known criterion. */
bool validate_criteria(const char *in, char *out, size_t outsize, char *err);

extern const char *const CRITERIA_VALUES[];

#endif
