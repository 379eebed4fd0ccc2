/*
 * Passwords typed at the terminal (termios, echo off) or read from a file. The
 * buffers are the caller's; it wipes them once the password is used.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "src/lib/log.h"
#include "src/lib/password_input.h"

/* Cuts the line at its end (\n or \r\n); false when it does not fit or is empty. */
static bool
password_take_line(char *buffer, size_t size, const char *source)
{
	size_t len = strnlen(buffer, size);

	if (len == size - 1 && buffer[len - 1] != '\n')
	{
		log_error("%s : mot de passe trop long (%zu caractères au plus)", source, size - 2);
		return false;
	}
	while (len > 0 && (buffer[len - 1] == '\n' || buffer[len - 1] == '\r'))
		buffer[--len] = '\0';
	if (len == 0)
	{
		log_error("%s : mot de passe vide", source);
		return false;
	}
	return true;
}

/* Reads one line from the terminal with echo off, restoring the terminal after. */
static bool
password_ask(FILE *tty, const char *prompt, char *out, size_t size)
{
	struct termios saved, quiet;
	int fd = fileno(tty);

	if (tcgetattr(fd, &saved) != 0)
	{
		log_error("terminal illisible : %s", log_strerror(errno));
		return false;
	}
	quiet = saved;
	quiet.c_lflag &= (tcflag_t) ~ECHO;
	quiet.c_lflag |= ECHONL;
	fputs(prompt, tty);
	fflush(tty);
	/* TCSANOW, not TCSAFLUSH: a password typed ahead of the prompt is kept */
	if (tcsetattr(fd, TCSANOW, &quiet) != 0)
	{
		log_error("terminal : %s", log_strerror(errno));
		return false;
	}

	bool ok = fgets(out, (int) size, tty) != NULL;

	tcsetattr(fd, TCSANOW, &saved);
	if (!ok)
	{
		log_error("aucun mot de passe saisi");
		return false;
	}
	return password_take_line(out, size, "terminal");
}

bool
password_read_tty(const char *role, char *out, size_t size)
{
	FILE *tty = fopen("/dev/tty", "r+");
	char again[1024];
	char prompt[256];
	bool ok;

	if (tty == NULL)
	{
		log_error("pas de terminal pour saisir le mot de passe : utilisez --mot-de-passe-fichier "
				  "FICHIER (ou - pour l'entrée standard)");
		return false;
	}
	snprintf(prompt, sizeof(prompt), "Mot de passe du rôle %s : ", role);
	ok = password_ask(tty, prompt, out, size) &&
		password_ask(tty, "Le même, pour confirmer : ", again, sizeof(again));
	if (ok && strcmp(out, again) != 0)
	{
		log_error("les deux mots de passe diffèrent : rien n'a changé");
		ok = false;
	}
	explicit_bzero(again, sizeof(again));
	fclose(tty);
	return ok;
}

bool
password_read_file(const char *path, char *out, size_t size)
{
	bool from_stdin = strcmp(path, "-") == 0;
	int fd = from_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
	{
		log_error("%s : %s", path, errno == ELOOP ? "lien symbolique refusé" : log_strerror(errno));
		return false;
	}

	/* byte by byte up to the end of line: nothing after it is taken from stdin */
	size_t len = 0;
	char c;
	ssize_t n;

	while (len + 1 < size && (n = read(fd, &c, 1)) == 1)
	{
		out[len++] = c;
		if (c == '\n')
			break;
	}
	out[len] = '\0';
	if (!from_stdin)
		close(fd);
	return password_take_line(out, size, from_stdin ? "entrée standard" : path);
}
