/*
 * clause serve's pages: which group opens which page, and the pages of the reports,
 * laid out by the reports' own HTML writers on a connection as the reader's role.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "reports/attendus.h"
#include "reports/format_csv.h"
#include "reports/format_html.h"
#include "reports/format_xlsx.h"
#include "reports/impact.h"
#include "reports/lines.h"
#include "reports/observatoire.h"
#include "reports/progress.h"
#include "reports/suivi.h"
#include "src/lib/log.h"
#include "src/lib/strbuf.h"
#include "src/serve/serve_internal.h"

static const char *
group_title(WebGroup group)
{
	switch (group)
	{
		case GROUP_FACILITATEUR:
			return "facilitateur du PLIE";
		case GROUP_DIRECTEUR:
			return "direction du PLIE";
		case GROUP_DONNEUR:
			return "donneur d'ordre";
		case GROUP_NONE:
			break;
	}
	return "";
}

/* The links of a group's pages, then who is connected and the logout button. */
static void
nav_write(FILE *out, const WebSession *session)
{
	fputs("<nav class=\"web\"><span class=\"who\">clause · ", out);
	html_escape(out, session->role);
	fprintf(out, " (%s ", group_title(session->group));
	html_escape(out, session->scope);
	fputs(")</span>\n", out);
	if (session->group == GROUP_FACILITATEUR)
		fputs("<a href=\"/boite\">Boîte du mois</a> <a href=\"/suivi\">Suivi</a> "
			  "<a href=\"/attendus\">Attendus</a> "
			  "<a href=\"/lignes\">Lignes non comptabilisées</a> <a href=\"/lots\">Lots</a>\n", out);
	else if (session->group == GROUP_DIRECTEUR)
		fputs("<a href=\"/avancement\">Tableau de bord des fiches</a> "
			  "<a href=\"/observatoire\">Observatoire</a>\n", out);
	else if (session->group == GROUP_DONNEUR)
	{
		fputs("<a href=\"/impact/", out);
		html_escape(out, session->scope);
		fputs("\">Tableau d'impact</a> <a href=\"/impact/", out);
		html_escape(out, session->scope);
		fputs(".csv\">CSV</a> <a href=\"/impact/", out);
		html_escape(out, session->scope);
		fputs(".xlsx\">XLSX</a>\n", out);
	}
	fputs("<form method=\"post\" action=\"/deconnexion\">", out);
	page_csrf_field(out, session);
	fputs("<button type=\"submit\">Se déconnecter</button></form>\n</nav>\n", out);
}

void
page_csrf_field(FILE *out, const WebSession *session)
{
	fprintf(out, "<input type=\"hidden\" name=\"csrf\" value=\"%s\"/>", session ? session->csrf : "");
}

/* Builds the request's navigation once; an empty one before login. */
static bool
page_nav(Request *request)
{
	size_t len = 0;

	if (request->nav)
		return true;

	FILE *out = open_memstream(&request->nav, &len);

	if (out == NULL)
		return false;
	if (request->session)
		nav_write(out, request->session);
	else
		fputs("<nav class=\"web\"><span class=\"who\">clause</span></nav>\n", out);
	return fclose(out) == 0;
}

bool
page_report_open(Request *request, Reply *reply)
{
	if (!page_nav(request) || !reply_open(reply, MHD_HTTP_OK, "text/html; charset=utf-8"))
		return false;
	html_set_nav(request->nav);
	return true;
}

void
page_report_close(void)
{
	html_set_nav(NULL);
}

bool
page_open(Request *request, Reply *reply, const char *title)
{
	if (!page_report_open(request, reply))
		return false;
	html_begin(reply->out, title);
	page_report_close();
	return true;
}

enum MHD_Result
page_send(Request *request, Reply *reply)
{
	html_close(reply->out);
	return reply_send(request, reply);
}

void
page_pre(FILE *out, const char *text, size_t len)
{
	char *copy = strndup(text ? text : "", len);

	fputs("<div class=\"scroll\"><pre>", out);
	if (copy)
		html_escape(out, copy);
	fputs("</pre></div>\n", out);
	free(copy);
}

enum MHD_Result
page_database_error(Request *request)
{
	return reply_error(request, MHD_HTTP_INTERNAL_SERVER_ERROR,
					   "La base de données n'a pas répondu : réessayez, ou prévenez le PLIE.");
}

/* An xlsx writer needs a path: a private temporary file, read back then removed. */
static bool
reply_xlsx(Request *request, Reply *reply, bool (*write) (const void *, const ReportSources *, const char *),
		   const void *report, const ReportSources *sources)
{
	char path[PATH_MAX];
	bool ok = false;

	int fd = str_format(path, sizeof(path), "%s/rapport-XXXXXX", request->serve->tmp_dir)
		? mkstemp(path) : -1;

	if (fd < 0)
		return false;
	close(fd);
	unlink(path);				/* libxlsxwriter creates it again */
	if (write(report, sources, path))
	{
		FILE *in = fopen(path, "rb");
		char buffer[16384];
		size_t n;

		ok = in != NULL;
		while (in && (n = fread(buffer, 1, sizeof(buffer), in)) > 0)
			fwrite(buffer, 1, n, reply->out);
		if (in)
			fclose(in);
	}
	unlink(path);
	return ok;
}

static bool
impact_xlsx_writer(const void *report, const ReportSources *sources, const char *path)
{
	return impact_write_xlsx(report, sources, path);
}

/* /impact/ID, /impact/ID.csv, /impact/ID.xlsx: the donneur's own, any other is 404. */
static enum MHD_Result
page_impact(Request *request, const char *rest)
{
	WebSession *session = request->session;
	char id[64];
	const char *dot = strrchr(rest, '.');
	const char *ext = dot ? dot + 1 : "html";

	snprintf(id, sizeof(id), "%.*s", dot ? (int) (dot - rest) : (int) strlen(rest), rest);
	if (strcmp(id, session->scope) != 0 ||
		(strcmp(ext, "html") != 0 && strcmp(ext, "csv") != 0 && strcmp(ext, "xlsx") != 0))
		return reply_error(request, MHD_HTTP_NOT_FOUND, "Cette page n'existe pas.");

	ImpactOptions options = {.donneur = id, .own = true};
	ImpactReport report = {0};
	ReportSources sources = {0};
	bool unknown = false;
	Reply reply = {0};
	bool ok;

	if (!impact_load(&session->db, &options, &report, &unknown) ||
		!sources_load_own_impact(&session->db, &sources))
	{
		impact_free(&report);
		sources_free(&sources);
		return unknown ? reply_error(request, MHD_HTTP_NOT_FOUND, "Cette page n'existe pas.")
			: page_database_error(request);
	}
	if (strcmp(ext, "html") == 0)
	{
		ok = page_report_open(request, &reply) && impact_write_html(&report, &sources, reply.out);
		page_report_close();
	}
	else
	{
		char disposition[160];

		snprintf(disposition, sizeof(disposition), "attachment; filename=\"impact-%s.%s\"", id, ext);
		ok = reply_open(&reply, MHD_HTTP_OK, strcmp(ext, "csv") == 0 ? "text/csv; charset=utf-8"
						: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
		reply_header(&reply, "Content-Disposition", disposition);
		ok = ok && (strcmp(ext, "csv") == 0 ? impact_write_csv(&report, reply.out)
					: reply_xlsx(request, &reply, impact_xlsx_writer, &report, &sources));
	}
	impact_free(&report);
	sources_free(&sources);
	if (!ok)
	{
		if (reply.out)
			fclose(reply.out);
		free(reply.body);
		return page_database_error(request);
	}
	return reply_send(request, &reply);
}

/* ?annee=AAAA, else the latest year, up to today, of the periods of the PLIE's fiches begun by
 * today (a fiche may run over several years: fiche.annee is gone, migration 0040). */
static int
page_year(Request *request)
{
	const char *asked = request_query(request, "annee");
	char value[16] = "";
	bool isnull = true;
	const char *params[] = {request->session->scope};

	if (asked && strlen(asked) == 4 && strspn(asked, "0123456789") == 4)
		return atoi(asked) >= 2000 && atoi(asked) <= 2100 ? atoi(asked) : 0;
	if (db_query_value(&request->session->db,
					   "SELECT coalesce(max(extract(year FROM least(date_fin, current_date))::int) "
					   "                FILTER (WHERE date_debut <= current_date), "
					   "extract(year FROM current_date)::int) FROM fiche WHERE plie = $1",
					   1, params, value, sizeof(value), &isnull) && !isnull)
		return atoi(value);
	return 0;
}

/*
 * Sends a report page with a form (choosing its year or month) right after the navigation
 * that the report's writer put after <body>; a database error page when !ok.
 */
static enum MHD_Result
page_send_report(Request *request, Reply *reply, bool ok, const char *form)
{
	if (!ok)
	{
		if (reply->out)
			fclose(reply->out);
		free(reply->body);
		return page_database_error(request);
	}
	fclose(reply->out);
	reply->out = NULL;

	char *body = reply->body;
	size_t len = reply->len;
	const char *after = request->nav ? strstr(body, request->nav) : NULL;
	size_t head = after ? (size_t) (after - body) + strlen(request->nav) : 0;

	reply->body = NULL;
	reply->out = open_memstream(&reply->body, &reply->len);
	if (reply->out == NULL)
	{
		free(body);
		return MHD_NO;
	}
	fwrite(body, 1, head, reply->out);
	fputs(form, reply->out);
	fwrite(body + head, 1, len - head, reply->out);
	free(body);
	return reply_send(request, reply);
}

static void
page_year_form(char *out, size_t size, const char *action, int year)
{
	snprintf(out, size, "<form class=\"web\" method=\"get\" action=\"%s\"><label>Année"
			 "<input name=\"annee\" value=\"%d\" inputmode=\"numeric\" size=\"5\"/></label>"
			 "<button type=\"submit\">Afficher</button></form>\n", action, year);
}

static void
page_today(char *out, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(out, size, "%Y-%m-%d", &tm);
}

/* The PLIE director's fiche dashboard (clause report progress --format html). */
static enum MHD_Result
page_progress(Request *request, const char *rest)
{
	WebSession *session = request->session;
	int year = page_year(request);
	ProgressReport report = {0};
	ReportSources sources = {0};
	char as_of[11];
	Reply reply = {0};

	(void) rest;
	if (year == 0)
		return reply_error(request, MHD_HTTP_BAD_REQUEST, "Année invalide (AAAA, de 2000 à 2100).");
	page_today(as_of, sizeof(as_of));

	bool ok = progress_load(&session->db, year, session->scope, as_of, &report) &&
		sources_load_all(&session->db, &sources) && page_report_open(request, &reply);

	ok = ok && progress_write_html(&report, &sources, reply.out);
	page_report_close();
	progress_free(&report);
	sources_free(&sources);
	char form[512];

	page_year_form(form, sizeof(form), "/avancement", year);
	return page_send_report(request, &reply, ok, form);
}

/* The yearly observatoire of the PLIE. */
static enum MHD_Result
page_observatoire(Request *request, const char *rest)
{
	WebSession *session = request->session;
	int year = page_year(request);
	ObservatoireReport report = {0};
	ReportSources sources = {0};
	bool unknown = false;
	Reply reply = {0};

	(void) rest;
	if (year == 0)
		return reply_error(request, MHD_HTTP_BAD_REQUEST, "Année invalide (AAAA, de 2000 à 2100).");

	bool ok = observatoire_load(&session->db, year, session->scope, &report, &unknown) &&
		sources_load_all(&session->db, &sources) && page_report_open(request, &reply);

	ok = ok && observatoire_write_html(&report, &sources, reply.out);
	page_report_close();
	observatoire_free(&report);
	sources_free(&sources);
	char form[512];

	page_year_form(form, sizeof(form), "/observatoire", year);
	return page_send_report(request, &reply, ok, form);
}

/* ?mois=AAAA-MM, else the latest month with hours the reader sees; false when invalid. */
static bool
page_month(Request *request, char *month, size_t size)
{
	const char *asked = request_query(request, "mois");
	bool isnull = true;

	if (asked)
	{
		snprintf(month, size, "%s", asked);
		return serve_box_month_valid(asked);
	}
	return db_query_value(&request->session->db, "SELECT coalesce(to_char(max(mois), 'YYYY-MM'), "
						  "to_char(current_date, 'YYYY-MM')) FROM ligne_heures", 0, NULL,
						  month, size, &isnull);
}

static void
page_month_form(char *out, size_t size, const char *action, const char *month)
{
	snprintf(out, size, "<form class=\"web\" method=\"get\" action=\"%s\"><label>Mois"
			 "<input name=\"mois\" value=\"%s\" size=\"8\"/></label>"
			 "<button type=\"submit\">Afficher</button></form>\n", action, month);
}

/* Who has not sent yet this month (clause report attendus), for the facilitateur. */
static enum MHD_Result
page_attendus(Request *request, const char *rest)
{
	WebSession *session = request->session;
	char month[16] = "";
	AttendusReport report = {0};
	ReportSources sources = {0};
	Reply reply = {0};
	char form[512];

	(void) rest;
	if (!page_month(request, month, sizeof(month)))
		return reply_error(request, MHD_HTTP_BAD_REQUEST, "Mois invalide (AAAA-MM).");

	bool ok = attendus_load(&session->db, session->scope, month, &report) &&
		sources_load_all(&session->db, &sources) && page_report_open(request, &reply);

	ok = ok && attendus_write_html(&report, &sources, reply.out);
	page_report_close();
	attendus_free(&report);
	sources_free(&sources);
	page_month_form(form, sizeof(form), "/attendus", month);
	return page_send_report(request, &reply, ok, form);
}

/* The facilitateur's monthly sheet; ?mois=AAAA-MM, else the latest month with hours. */
static enum MHD_Result
page_suivi(Request *request, const char *rest)
{
	WebSession *session = request->session;
	char month[16] = "";
	SuiviReport report = {0};
	ReportSources sources = {0};
	bool unknown = false;
	Reply reply = {0};

	(void) rest;
	if (!page_month(request, month, sizeof(month)))
		return reply_error(request, MHD_HTTP_BAD_REQUEST, "Mois invalide (AAAA-MM).");

	bool ok = suivi_load(&session->db, session->scope, month, &report, &unknown) &&
		sources_load_all(&session->db, &sources) && page_report_open(request, &reply);

	ok = ok && suivi_write_html(&report, &sources, reply.out);
	page_report_close();
	suivi_free(&report);
	sources_free(&sources);

	char form[512];

	page_month_form(form, sizeof(form), "/suivi", month);
	return page_send_report(request, &reply, ok, form);
}

/* The lines not credited of the PLIE (clause report lines), as text or CSV. */
static enum MHD_Result
page_lines(Request *request, const char *rest)
{
	WebSession *session = request->session;
	bool csv = strcmp(rest, ".csv") == 0;

	if (!csv && rest[0] != '\0')
		return reply_error(request, MHD_HTTP_NOT_FOUND, "Cette page n'existe pas.");

	LinesFilter filter = {.plie = session->scope};
	char *text = NULL;
	size_t len = 0;
	long long count = 0;
	FILE *buffer = open_memstream(&text, &len);
	Reply reply = {0};

	if (buffer == NULL)
		return MHD_NO;

	bool ok = lines_write(&session->db, &filter, csv ? LINES_CSV : LINES_TEXT, buffer, &count);

	fclose(buffer);
	if (!ok)
	{
		free(text);
		return page_database_error(request);
	}
	if (csv)
	{
		ok = reply_open(&reply, MHD_HTTP_OK, "text/csv; charset=utf-8");
		reply_header(&reply, "Content-Disposition", "attachment; filename=\"lignes-non-comptabilisees.csv\"");
		if (ok)
			fwrite(text, 1, len, reply.out);
		free(text);
		return ok ? reply_send(request, &reply) : MHD_NO;
	}
	if (!page_open(request, &reply, "Lignes non comptabilisées"))
	{
		free(text);
		return MHD_NO;
	}
	fprintf(reply.out, "<header><h1>Lignes non comptabilisées</h1><p class=\"meta\">%lld ligne%s, "
			"avec leur fichier et leur ligne d'origine — <a href=\"/lignes.csv\">CSV</a></p></header>\n",
			count, count > 1 ? "s" : "");
	page_pre(reply.out, text, len);
	free(text);
	return page_send(request, &reply);
}

static enum MHD_Result
page_batches(Request *request, const char *rest)
{
	(void) rest;
	return serve_lots_page(request);
}

static enum MHD_Result
page_batch_cancel(Request *request, const char *rest)
{
	(void) rest;
	return serve_lots_cancel(request);
}

static enum MHD_Result
page_home(Request *request, const char *rest)
{
	WebSession *session = request->session;
	char location[128];

	(void) rest;
	if (session == NULL)
		return reply_redirect(request, "/connexion");
	if (session->group == GROUP_DONNEUR)
	{
		snprintf(location, sizeof(location), "/impact/%s", session->scope);
		return reply_redirect(request, location);
	}
	return reply_redirect(request, session->group == GROUP_DIRECTEUR ? "/avancement" : "/boite");
}

static enum MHD_Result
page_login_form(Request *request, const char *rest)
{
	(void) rest;
	if (request->session)
		return reply_redirect(request, "/");
	return serve_login_form(request, NULL, MHD_HTTP_OK);
}

static enum MHD_Result
page_login(Request *request, const char *rest)
{
	(void) rest;
	return serve_login(request);
}

static enum MHD_Result
page_logout(Request *request, const char *rest)
{
	(void) rest;
	return serve_logout(request);
}

static enum MHD_Result
page_box(Request *request, const char *rest)
{
	(void) rest;
	return serve_box_page(request);
}

static enum MHD_Result
page_box_upload(Request *request, const char *rest)
{
	(void) rest;
	return serve_box_upload_done(request);
}

static enum MHD_Result
page_box_run(Request *request, const char *rest)
{
	(void) rest;
	return serve_box_run(request);
}

#define PUBLIC 0
#define ANY_GROUP (GROUP_FACILITATEUR | GROUP_DONNEUR | GROUP_DIRECTEUR)

typedef struct Route
{
	const char *method;
	const char *path;
	bool prefix;				/* the rest of the path goes to the handler */
	int groups;					/* who may open it; PUBLIC: anyone */
	bool csrf;					/* a form that changes something: its token is checked */
	enum MHD_Result (*handler) (Request *request, const char *rest);
} Route;

static const Route ROUTES[] = {
	{"GET", "/", false, PUBLIC, false, page_home},
	{"GET", "/connexion", false, PUBLIC, false, page_login_form},
	{"POST", "/connexion", false, PUBLIC, false, page_login},	/* its own token */
	{"POST", "/deconnexion", false, ANY_GROUP, true, page_logout},
	{"GET", "/impact/", true, GROUP_DONNEUR, false, page_impact},
	{"GET", "/boite", false, GROUP_FACILITATEUR, false, page_box},
	{"POST", "/boite/depot", false, GROUP_FACILITATEUR, true, page_box_upload},
	{"POST", "/boite/traiter", false, GROUP_FACILITATEUR, true, page_box_run},
	{"GET", "/boite/", true, GROUP_FACILITATEUR, false, serve_box_file},
	{"GET", "/suivi", false, GROUP_FACILITATEUR, false, page_suivi},
	{"GET", "/attendus", false, GROUP_FACILITATEUR, false, page_attendus},
	{"GET", "/lignes", true, GROUP_FACILITATEUR, false, page_lines},
	{"GET", "/lots", false, GROUP_FACILITATEUR, false, page_batches},
	{"POST", "/lots/annuler", false, GROUP_FACILITATEUR, true, page_batch_cancel},
	{"GET", "/avancement", false, GROUP_DIRECTEUR, false, page_progress},
	{"GET", "/observatoire", false, GROUP_DIRECTEUR, false, page_observatoire},
};

static bool
route_matches(const Route *route, const char *method, const char *url, const char **rest)
{
	size_t len = strlen(route->path);

	if (strcmp(route->method, method) != 0 || strncmp(route->path, url, len) != 0)
		return false;
	*rest = url + len;
	if (!route->prefix)
		return **rest == '\0';
	/* never a path going up; only the box's files lie in folders */
	return strstr(*rest, "..") == NULL && (strcmp(route->path, "/boite/") == 0 || strchr(*rest, '/') == NULL);
}

enum MHD_Result
serve_route(Request *request)
{
	const char *method = strcmp(request->method, "HEAD") == 0 ? "GET" : request->method;

	for (size_t i = 0; i < sizeof(ROUTES) / sizeof(ROUTES[0]); i++)
	{
		const Route *route = &ROUTES[i];
		const char *rest = NULL;

		if (!route_matches(route, method, request->url, &rest))
			continue;
		if (route->groups != PUBLIC && request->session == NULL)
			return strcmp(method, "GET") == 0 ? reply_redirect(request, "/connexion")
				: reply_error(request, MHD_HTTP_FORBIDDEN, "Session expirée : reconnectez-vous.");
		/* a page of another group does not exist for this reader; its forms are refused */
		if (route->groups != PUBLIC && (route->groups & (int) request->session->group) == 0)
		{
			if (strcmp(method, "POST") == 0)
				return reply_error(request, MHD_HTTP_FORBIDDEN, "Votre rôle ne permet pas cette action.");
			break;
		}
		if (route->csrf && !serve_csrf_ok(request))
			return reply_error(request, MHD_HTTP_FORBIDDEN,
							   "Jeton de formulaire invalide : rechargez la page et recommencez.");
		if (route->groups == PUBLIC)
			return route->handler(request, rest);

		/* two tabs of one reader take turns on its connection */
		const WebSession *session = request->session;

		serve_session_use(request->serve, session);

		enum MHD_Result result = route->handler(request, rest);

		serve_session_unuse(request->serve, session);
		return result;
	}
	return reply_error(request, MHD_HTTP_NOT_FOUND, "Cette page n'existe pas.");
}
