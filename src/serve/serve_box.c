/*
 * clause serve's monthly box of a PLIE: files uploaded into BOXES/PLIE/AAAA-MM/ (0600,
 * never through a link), run by `clause batch` itself, its compte-rendu and reject files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "reports/format_html.h"
#include "src/lib/log.h"
#include "src/lib/passfile.h"
#include "src/lib/strbuf.h"
#include "src/serve/serve_internal.h"

#define BOX_OUTPUT_MAX (256 * 1024)

bool
serve_box_month_valid(const char *month)
{
	if (strlen(month) != 7 || month[4] != '-' || strspn(month, "0123456789") != 4 ||
		strspn(month + 5, "0123456789") != 2)
		return false;

	int number = (month[5] - '0') * 10 + (month[6] - '0');

	return number >= 1 && number <= 12;
}

/* A file name as the box takes it: letters, digits, . _ -, not hidden, .csv or .json. */
static bool
box_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > 200 || name[0] == '.' || name[0] == '-' ||
		strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != len)
		return false;
	return (len > 4 && strcmp(name + len - 4, ".csv") == 0) ||
		(len > 5 && strcmp(name + len - 5, ".json") == 0);
}

/* A folder that exists as a real folder (not a link), created 0700 when missing. */
static bool
box_ensure_dir(const char *path)
{
	struct stat st;

	if (mkdir(path, 0700) != 0 && errno != EEXIST)
	{
		log_error("impossible de créer %s : %s", path, log_strerror(errno));
		return false;
	}
	if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
	{
		log_error("%s n'est pas un dossier (lien refusé)", path);
		return false;
	}
	return true;
}

/* BOXES/PLIE[/MONTH], created when asked. */
static bool
box_dir(const Request *request, const char *month, bool create, char *out, size_t size)
{
	const Serve *serve = request->serve;

	if (!str_format(out, size, "%s/%s", serve->boxes_dir, request->session->scope) ||
		(create && !box_ensure_dir(out)))
		return false;
	if (month == NULL)
		return true;
	return str_format(out, size, "%s/%s/%s", serve->boxes_dir, request->session->scope, month) &&
		(!create || box_ensure_dir(out));
}

bool
serve_upload_begin(Request *request, const char *filename)
{
	const char *month = request_field(request, "mois");
	const char *base = filename;
	char dir[PATH_MAX];

	/* some browsers send a whole path */
	for (const char *p = filename; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	if (request->session == NULL || request->session->group != GROUP_FACILITATEUR ||
		!serve_csrf_ok(request))
	{
		snprintf(request->upload_error, sizeof(request->upload_error),
				 "Jeton de formulaire invalide : rechargez la page et recommencez.");
		return false;
	}
	if (request->upload_fd >= 0 || request->upload_done || month == NULL ||
		!serve_box_month_valid(month) || !box_name_valid(base))
	{
		snprintf(request->upload_error, sizeof(request->upload_error),
				 "Fichier refusé : un seul fichier .csv ou .json par envoi, nommé de lettres, chiffres, "
				 "points, tirets (NATURE[--PROFIL][_libre].csv), et un mois AAAA-MM.");
		return false;
	}
	if (!box_dir(request, month, true, dir, sizeof(dir)) ||
		!str_format(request->upload_path, sizeof(request->upload_path), "%s/%s", dir, base))
		return false;
	request->upload_fd = open(request->upload_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (request->upload_fd < 0)
	{
		snprintf(request->upload_error, sizeof(request->upload_error), errno == EEXIST
				 ? "Un fichier de ce nom attend déjà dans la boîte de ce mois : traitez-le ou renommez le nouveau."
				 : "Le fichier n'a pas pu être enregistré dans la boîte.");
		request->upload_path[0] = '\0';
		return false;
	}
	snprintf(request->upload_name, sizeof(request->upload_name), "%s", base);
	return true;
}

bool
serve_upload_write(Request *request, const char *data, size_t size)
{
	while (size > 0 && request->upload_fd >= 0)
	{
		ssize_t n = write(request->upload_fd, data, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
		{
			log_error("%s : écriture impossible : %s", request->upload_path, log_strerror(errno));
			return false;
		}
		data += n;
		size -= (size_t) n;
	}
	return request->upload_fd >= 0;
}

/* A partial upload leaves nothing behind. */
void
serve_upload_abort(Request *request)
{
	if (request->upload_fd >= 0)
		close(request->upload_fd);
	request->upload_fd = -1;
	if (!request->upload_done && request->upload_path[0])
		unlink(request->upload_path);
	request->upload_path[0] = '\0';
}

enum MHD_Result
serve_box_upload_done(Request *request)
{
	char location[64];
	const char *month = request_field(request, "mois");

	if (request->upload_fd < 0)
		return reply_error(request, MHD_HTTP_BAD_REQUEST, "Choisissez un fichier à déposer.");
	if (fsync(request->upload_fd) != 0 || close(request->upload_fd) != 0)
	{
		request->upload_fd = -1;
		serve_upload_abort(request);
		return reply_error(request, MHD_HTTP_INTERNAL_SERVER_ERROR, "Le fichier n'a pas pu être enregistré.");
	}
	request->upload_fd = -1;
	request->upload_done = true;
	log_notice("%s : %s déposé dans la boîte %s/%s", request->session->role, request->upload_name,
			   request->session->scope, month);
	snprintf(location, sizeof(location), "/boite?mois=%s", month);
	return reply_redirect(request, location);
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *) b, *(char *const *) a);
}

/* The names of a folder's entries that pass keep(), newest name first; the caller frees. */
static char **
box_list(const char *dir, bool (*keep) (const char *dir, const char *name), int *count)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	int capacity = 0;
	struct dirent *entry;

	*count = 0;
	while (d && (entry = readdir(d)) != NULL)
	{
		if (!keep(dir, entry->d_name))
			continue;
		if (*count == capacity)
		{
			capacity = capacity ? capacity * 2 : 16;
			char **grown = realloc(names, sizeof(*names) * (size_t) capacity);

			if (grown == NULL)
				break;
			names = grown;
		}
		if ((names[*count] = strdup(entry->d_name)) != NULL)
			(*count)++;
	}
	if (d)
		closedir(d);
	if (*count > 1)
		qsort(names, (size_t) *count, sizeof(*names), compare_names);
	return names;
}

static void
box_list_free(char **names, int count)
{
	for (int i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

static bool
entry_is(const char *dir, const char *name, mode_t type)
{
	char path[PATH_MAX];
	struct stat st;

	return str_format(path, sizeof(path), "%s/%s", dir, name) && lstat(path, &st) == 0 &&
		(st.st_mode & S_IFMT) == type;
}

static bool
keep_month(const char *dir, const char *name)
{
	return serve_box_month_valid(name) && entry_is(dir, name, S_IFDIR);
}

static bool
keep_waiting(const char *dir, const char *name)
{
	return box_name_valid(name) && entry_is(dir, name, S_IFREG);
}

/* NAME.rejets.csv, of a name the box took. */
static bool
rejects_name_valid(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 11 && strcmp(name + len - 11, ".rejets.csv") == 0 &&
		strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == len;
}

static bool
keep_rejects(const char *dir, const char *name)
{
	return rejects_name_valid(name) && entry_is(dir, name, S_IFREG);
}

static void
box_write_forms(FILE *out, const WebSession *session, const char *month)
{
	fputs("<h2>Déposer un fichier</h2>\n<form class=\"web\" method=\"post\" action=\"/boite/depot\" "
		  "enctype=\"multipart/form-data\">", out);
	page_csrf_field(out, session);
	fprintf(out, "<label>Mois<input name=\"mois\" value=\"%s\" size=\"8\"/></label>"
			"<label>Fichier (.csv ou .json)<input type=\"file\" name=\"fichier\" "
			"accept=\".csv,.json\" required=\"required\"/></label>"
			"<button type=\"submit\">Déposer</button></form>\n"
			"<p class=\"note\">Nommez chaque fichier NATURE[--PROFIL][_libre].csv, par exemple "
			"heures--etti-idees-bordeaux_%s.csv.</p>\n", month, month);
	fputs("<h2>Traiter la boîte</h2>\n<form class=\"web\" method=\"post\" action=\"/boite/traiter\">", out);
	page_csrf_field(out, session);
	fprintf(out, "<input type=\"hidden\" name=\"mois\" value=\"%s\"/>"
			"<button type=\"submit\">Traiter les fichiers de %s</button></form>\n", month, month);
}

static void
box_write_month(FILE *out, const char *dir, const char *month)
{
	char done_dir[PATH_MAX];
	char report[PATH_MAX];
	int nwaiting = 0, nrejects = 0;
	char **waiting = box_list(dir, keep_waiting, &nwaiting);
	char **rejects = str_format(done_dir, sizeof(done_dir), "%s/traites", dir)
		? box_list(done_dir, keep_rejects, &nrejects) : NULL;

	fprintf(out, "<h2>Fichiers en attente (%d)</h2>\n<ul>\n", nwaiting);
	for (int i = 0; i < nwaiting; i++)
	{
		fputs("<li>", out);
		html_escape(out, waiting[i]);
		fputs("</li>\n", out);
	}
	fputs("</ul>\n", out);
	if (str_format(report, sizeof(report), "%s/compte-rendu.txt", dir) && entry_is(dir, "compte-rendu.txt", S_IFREG))
		fprintf(out, "<p><a href=\"/boite/%s/compte-rendu\">Compte rendu du dernier traitement</a></p>\n", month);
	fprintf(out, "<h2>Fichiers de rejets à renvoyer (%d)</h2>\n<ul>\n", nrejects);
	for (int i = 0; i < nrejects; i++)
	{
		fprintf(out, "<li><a href=\"/boite/%s/rejets/", month);
		html_escape(out, rejects[i]);
		fputs("\">", out);
		html_escape(out, rejects[i]);
		fputs("</a></li>\n", out);
	}
	fputs("</ul>\n", out);
	box_list_free(waiting, nwaiting);
	box_list_free(rejects, nrejects);
}

static void
box_current_month(char *out, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(out, size, "%Y-%m", &tm);
}

enum MHD_Result
serve_box_page(Request *request)
{
	const char *asked = request_query(request, "mois");
	char month[8];
	char plie_dir[PATH_MAX];
	char dir[PATH_MAX];
	int nmonths = 0;
	Reply reply = {0};

	if (asked && !serve_box_month_valid(asked))
		return reply_error(request, MHD_HTTP_BAD_REQUEST, "Mois invalide (AAAA-MM).");
	if (!box_dir(request, NULL, true, plie_dir, sizeof(plie_dir)))
		return reply_error(request, MHD_HTTP_INTERNAL_SERVER_ERROR, "La boîte du PLIE est inaccessible.");

	char **months = box_list(plie_dir, keep_month, &nmonths);

	if (asked)
		snprintf(month, sizeof(month), "%s", asked);
	else if (nmonths > 0)
		snprintf(month, sizeof(month), "%s", months[0]);
	else
		box_current_month(month, sizeof(month));
	if (!page_open(request, &reply, "Boîte du mois"))
	{
		box_list_free(months, nmonths);
		return MHD_NO;
	}
	fputs("<header><h1>Boîte du mois ", reply.out);
	fprintf(reply.out, "%s</h1><p class=\"meta\">PLIE ", month);
	html_escape(reply.out, request->session->scope);
	fputs(" : déposez les fichiers reçus, traitez-les, lisez le compte rendu et renvoyez à chaque "
		  "expéditeur son fichier de rejets.</p>\n<p class=\"meta\">Mois : ", reply.out);
	for (int i = 0; i < nmonths; i++)
		fprintf(reply.out, "<a href=\"/boite?mois=%s\">%s</a> ", months[i], months[i]);
	fputs("</p></header>\n", reply.out);
	box_list_free(months, nmonths);
	box_write_forms(reply.out, request->session, month);
	if (box_dir(request, month, false, dir, sizeof(dir)))
		box_write_month(reply.out, dir, month);
	return page_send(request, &reply);
}

/* Reads a whole regular file of the box, never through a link; NULL when it cannot. */
static char *
box_read(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	char *text = NULL;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < 64 * 1024 * 1024 &&
		(text = malloc((size_t) st.st_size + 1)) != NULL)
	{
		ssize_t n = read(fd, text, (size_t) st.st_size);

		if (n != st.st_size)
		{
			free(text);
			text = NULL;
		}
		else
		{
			text[n] = '\0';
			*len = (size_t) n;
		}
	}
	close(fd);
	return text;
}

/*
 * Runs `clause batch DIR` (the same program) and keeps what it printed. A --db password
 * goes to a 0600 password file in the server's private temporary folder, named by the
 * child's PGPASSFILE and removed once it has exited: never to its arguments nor to its
 * environment.
 */
static int
box_run_batch(const Serve *serve, const char *dir, StrBuf *output)
{
	int pipefd[2];
	char conninfo[4096] = "";
	char password[1024] = "";
	PassFile passfile;

	if (serve->config.owner_conninfo &&
		!db_conninfo_split(serve->config.owner_conninfo, conninfo, sizeof(conninfo),
						   password, sizeof(password)))
		return -1;

	/*
	 * Everything the child needs is made before fork(): other threads serve other readers,
	 * so between fork and exec the child may only call async-signal-safe functions.
	 */
	bool made = passfile_create(&passfile, serve->tmp_dir, password);

	explicit_bzero(password, sizeof(password));
	if (!made)
		return -1;

	const char *argv[] = {serve->clause_bin, "batch", dir, NULL, NULL, NULL};
	char *const *envp = passfile_envp(&passfile);

	if (serve->config.owner_conninfo)
	{
		argv[1] = "--db";
		argv[2] = conninfo;
		argv[3] = "batch";
		argv[4] = dir;
	}
	if (pipe2(pipefd, O_CLOEXEC) != 0)
	{
		passfile_remove(&passfile);
		return -1;
	}

	pid_t pid = fork();

	if (pid == 0)
	{
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		execve(serve->clause_bin, (char *const *) argv, envp);
		_exit(127);
	}
	close(pipefd[1]);

	char buffer[4096];
	ssize_t n;

	while ((n = read(pipefd[0], buffer, sizeof(buffer))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && output->len < BOX_OUTPUT_MAX)
			strbuf_append(output, buffer, (size_t) n);
	close(pipefd[0]);

	int status = 0;
	pid_t waited = -1;

	if (pid > 0)
		while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
			;
	passfile_remove(&passfile);
	if (pid < 0 || waited != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static const char *
batch_outcome(int code)
{
	switch (code)
	{
		case 0:
			return "Traitement terminé : tous les fichiers sont chargés.";
		case 2:
			return "Traitement terminé avec des rejets : renvoyez à chaque expéditeur son fichier de rejets.";
		case 3:
			return "La base de données a refusé le traitement : voir les messages ci-dessous.";
		default:
			return "Le traitement a échoué : voir les messages ci-dessous.";
	}
}

enum MHD_Result
serve_box_run(Request *request)
{
	const char *month = request_field(request, "mois");
	char dir[PATH_MAX];
	char report_path[PATH_MAX];
	StrBuf output = {0};
	Reply reply = {0};
	size_t len = 0;

	if (month == NULL || !serve_box_month_valid(month) || !box_dir(request, month, true, dir, sizeof(dir)))
		return reply_error(request, MHD_HTTP_BAD_REQUEST, "Mois invalide (AAAA-MM).");

	serve_owner_lock(request->serve);

	int code = box_run_batch(request->serve, dir, &output);

	serve_owner_unlock(request->serve);

	log_notice("%s : boîte %s/%s traitée (code %d)", request->session->role, request->session->scope,
			   month, code);
	if (!page_open(request, &reply, "Traitement de la boîte"))
	{
		strbuf_free(&output);
		return MHD_NO;
	}
	fprintf(reply.out, "<header><h1>Traitement de la boîte %s</h1></header>\n<p class=\"message\">%s</p>\n",
			month, batch_outcome(code));
	fputs("<h2>Messages</h2>\n", reply.out);
	page_pre(reply.out, output.data, output.len);
	strbuf_free(&output);

	char *report = str_format(report_path, sizeof(report_path), "%s/compte-rendu.txt", dir)
		? box_read(report_path, &len) : NULL;

	if (report)
	{
		fputs("<h2>Compte rendu</h2>\n", reply.out);
		page_pre(reply.out, report, len);
		free(report);
	}
	fprintf(reply.out, "<p><a href=\"/boite?mois=%s\">Retour à la boîte</a></p>\n", month);
	return page_send(request, &reply);
}

/* /boite/AAAA-MM/compte-rendu (a page) and /boite/AAAA-MM/rejets/NAME (a download). */
enum MHD_Result
serve_box_file(Request *request, const char *rest)
{
	char month[8];
	char dir[PATH_MAX];
	char path[PATH_MAX];
	size_t len = 0;
	const char *what = rest + 7;
	Reply reply = {0};

	if (strlen(rest) < 8 || rest[7] != '/')
		return reply_error(request, MHD_HTTP_NOT_FOUND, "Cette page n'existe pas.");
	snprintf(month, sizeof(month), "%.7s", rest);
	if (!serve_box_month_valid(month) || !box_dir(request, month, false, dir, sizeof(dir)))
		return reply_error(request, MHD_HTTP_NOT_FOUND, "Cette page n'existe pas.");

	bool report = strcmp(what, "/compte-rendu") == 0;
	const char *name = strncmp(what, "/rejets/", 8) == 0 ? what + 8 : NULL;

	if ((!report && (name == NULL || !rejects_name_valid(name))) ||
		!(report ? str_format(path, sizeof(path), "%s/compte-rendu.txt", dir)
		  : str_format(path, sizeof(path), "%s/traites/%s", dir, name)))
		return reply_error(request, MHD_HTTP_NOT_FOUND, "Cette page n'existe pas.");

	char *text = box_read(path, &len);

	if (text == NULL)
		return reply_error(request, MHD_HTTP_NOT_FOUND, "Ce fichier n'existe pas (ou plus).");
	if (report)
	{
		if (!page_open(request, &reply, "Compte rendu"))
		{
			free(text);
			return MHD_NO;
		}
		fprintf(reply.out, "<header><h1>Compte rendu de la boîte %s</h1></header>\n", month);
		page_pre(reply.out, text, len);
		fprintf(reply.out, "<p><a href=\"/boite?mois=%s\">Retour à la boîte</a></p>\n", month);
		free(text);
		return page_send(request, &reply);
	}

	char disposition[320];

	snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s\"", name);
	/* the sender's own encoding and delimiter: sent as bytes, not as UTF-8 text */
	if (!reply_open(&reply, MHD_HTTP_OK, "application/octet-stream"))
	{
		free(text);
		return MHD_NO;
	}
	reply_header(&reply, "Content-Disposition", disposition);
	fwrite(text, 1, len, reply.out);
	free(text);
	return reply_send(request, &reply);
}
