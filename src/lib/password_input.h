/*
 * Reading a password for a reader role: from the terminal with echo off, or from a
 * file (or standard input) — never from the command line, which others can read.
 */
#ifndef CLAUSE_PASSWORD_INPUT_H
#define CLAUSE_PASSWORD_INPUT_H

#include <stdbool.h>
#include <stddef.h>

/* Asks twice on /dev/tty, echo off; false (reported) when no terminal or they differ. */
bool password_read_tty(const char *role, char *out, size_t size);

/* The first line of path ("-": standard input), without its end of line; never empty. */
bool password_read_file(const char *path, char *out, size_t size);

#endif
