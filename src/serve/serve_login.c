/*
 * clause serve's login: a PostgreSQL role and its password open a connection as that
 * role, kept by the session; the role's group decides which pages it may open.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "reports/format_html.h"
#include "src/lib/log.h"
#include "src/serve/serve_internal.h"

#define LOGIN_COOKIE "clause_login"

/* The login form, with a token that its cookie must match (CSRF before any session). */
enum MHD_Result
serve_login_form(Request *request, const char *message, unsigned status)
{
	Reply reply;
	char token[SERVE_TOKEN_HEX + 1];
	char cookie[256];

	if (!serve_random_hex(token, SERVE_TOKEN_HEX) || !page_open(request, &reply, "Connexion"))
		return MHD_NO;
	reply.status = status;
	snprintf(cookie, sizeof(cookie), LOGIN_COOKIE "=%s; Path=/connexion; HttpOnly; SameSite=Strict%s",
			 token, request->secure ? "; Secure" : "");
	reply_header(&reply, "Set-Cookie", cookie);

	FILE *out = reply.out;

	fputs("<header><h1>clause</h1><p class=\"meta\">Heures d'insertion des clauses sociales : "
		  "connectez-vous avec le rôle et le mot de passe que le PLIE vous a remis.</p></header>\n", out);
	if (message)
	{
		fputs("<p class=\"message\" role=\"alert\">", out);
		html_escape(out, message);
		fputs("</p>\n", out);
	}
	fprintf(out, "<form class=\"web\" method=\"post\" action=\"/connexion\">\n"
			"<input type=\"hidden\" name=\"csrf\" value=\"%s\"/>\n"
			"<label>Rôle<input name=\"role\" autocomplete=\"username\" required=\"required\" "
			"maxlength=\"63\"/></label>\n"
			"<label>Mot de passe<input name=\"mot_de_passe\" type=\"password\" "
			"autocomplete=\"current-password\" required=\"required\"/></label>\n"
			"<button type=\"submit\">Se connecter</button>\n</form>\n", token);
	return page_send(request, &reply);
}

/* The group of the connected role and what it reads; GROUP_NONE when it has no page. */
static bool
login_group(Db *db, WebGroup *group, char *scope, size_t scope_size)
{
	char groups[256] = "";
	char value[128] = "";
	bool isnull = true;

	*group = GROUP_NONE;
	scope[0] = '\0';
	if (!db_query_value(db, "SELECT coalesce(string_agg(rolname, ',' ORDER BY rolname), '') "
						"FROM pg_roles WHERE rolname IN ('clause_directeurs', 'clause_donneurs', "
						"'clause_facilitateurs') AND pg_has_role(current_user, oid, 'MEMBER')",
						0, NULL, groups, sizeof(groups), &isnull))
		return false;

	bool donneur = strstr(groups, "clause_donneurs") != NULL;
	bool directeur = strstr(groups, "clause_directeurs") != NULL;
	bool facilitateur = strstr(groups, "clause_facilitateurs") != NULL;

	if (donneur && (directeur || facilitateur))
		return true;			/* ambiguous: no page rather than the wrong ones */
	if (donneur)
	{
		if (!db_query_value(db, "SELECT clause.acces_donneur()", 0, NULL, value, sizeof(value), &isnull))
			return false;
		*group = isnull ? GROUP_NONE : GROUP_DONNEUR;
	}
	else if (directeur || facilitateur)
	{
		if (!db_query_value(db, "SELECT clause.acces_plie()", 0, NULL, value, sizeof(value), &isnull))
			return false;
		*group = isnull ? GROUP_NONE : directeur ? GROUP_DIRECTEUR : GROUP_FACILITATEUR;
	}
	snprintf(scope, scope_size, "%s", isnull ? "" : value);
	return true;
}

static bool
login_csrf_ok(const Request *request)
{
	const char *cookie = MHD_lookup_connection_value(request->connection, MHD_COOKIE_KIND, LOGIN_COOKIE);
	const char *field = request_field(request, "csrf");

	return cookie && field && strlen(cookie) == SERVE_TOKEN_HEX && serve_token_equal(cookie, field);
}

/* Connects as the role; a failure of any kind reads the same to the visitor. */
static enum MHD_Result
login_try(Request *request, const char *role, const char *password)
{
	Serve *serve = request->serve;
	Db db = {0};
	WebGroup group = GROUP_NONE;
	char scope[64];

	if (!serve_session_reserve(serve))
	{
		log_notice("%s : connexion de %s refusée, %d sessions déjà ouvertes", request->address, role,
				   serve->max_sessions);
		return serve_login_form(request, "Le serveur a atteint son nombre de sessions ouvertes à la "
								"fois (une connexion à PostgreSQL chacune) : réessayez dans quelques "
								"minutes, ou demandez à l'administrateur d'augmenter max_connections.",
								MHD_HTTP_SERVICE_UNAVAILABLE);
	}
	if (!db_connect_as(&db, serve->conninfo, role, password))
	{
		serve_session_unreserve(serve);
		serve_backoff_failed(serve, role, request->address);
		log_notice("%s : connexion refusée pour le rôle %s", request->address, role);
		return serve_login_form(request, "Rôle ou mot de passe incorrect.", MHD_HTTP_UNAUTHORIZED);
	}
	if (!login_group(&db, &group, scope, sizeof(scope)) || group == GROUP_NONE)
	{
		serve_session_unreserve(serve);
		db_close(&db);
		log_notice("%s : le rôle %s n'a aucune page", request->address, role);
		return serve_login_form(request, "Ce rôle n'a accès à aucune page : demandez au PLIE de le "
								"rattacher (clause role).", MHD_HTTP_FORBIDDEN);
	}
	serve_backoff_clear(serve, role, request->address);

	WebSession *session = serve_session_create(serve, role, &db, group, scope);
	Reply reply;

	if (session == NULL)
	{
		db_close(&db);
		return reply_error(request, MHD_HTTP_INTERNAL_SERVER_ERROR, "Session impossible à ouvrir.");
	}
	if (request->session)		/* logged in already: that session stays as it was */
		serve_session_release(serve, request->session);
	request->session = session;
	if (!reply_open(&reply, MHD_HTTP_SEE_OTHER, "text/plain; charset=utf-8"))
		return MHD_NO;
	serve_session_cookie(request, session, &reply);
	reply_header(&reply, "Location", "/");
	return reply_send(request, &reply);
}

enum MHD_Result
serve_login(Request *request)
{
	const char *role = request_field(request, "role");
	const char *password = request_field(request, "mot_de_passe");
	enum MHD_Result result;

	if (!login_csrf_ok(request))
		result = serve_login_form(request, "Le formulaire a expiré : recommencez.", MHD_HTTP_FORBIDDEN);
	else if (role == NULL || password == NULL || role[0] == '\0' || strlen(role) > 63 ||
			 password[0] == '\0')
		result = serve_login_form(request, "Indiquez le rôle et le mot de passe.", MHD_HTTP_BAD_REQUEST);
	else
	{
		long wait = serve_backoff_wait(request->serve, role, request->address);
		char message[160];

		if (wait > 0)
		{
			snprintf(message, sizeof(message), "Trop de tentatives : réessayez dans %ld seconde%s.",
					 wait, wait > 1 ? "s" : "");
			result = serve_login_form(request, message, MHD_HTTP_TOO_MANY_REQUESTS);
		}
		else
			result = login_try(request, role, password);
	}
	/* the password stays in memory no longer than the request */
	for (int i = 0; i < request->nfields; i++)
		if (strcmp(request->fields[i].name, "mot_de_passe") == 0)
			OPENSSL_cleanse(request->fields[i].value, sizeof(request->fields[i].value));
	return result;
}

enum MHD_Result
serve_logout(Request *request)
{
	Reply reply;

	if (!serve_csrf_ok(request))
		return reply_error(request, MHD_HTTP_FORBIDDEN, "Jeton de formulaire invalide : rechargez la page.");
	/* ended when this request lets go of it (serve_completed) */
	serve_session_end(request->serve, request->session);
	if (!reply_open(&reply, MHD_HTTP_SEE_OTHER, "text/plain; charset=utf-8"))
		return MHD_NO;
	serve_session_cookie_clear(request, &reply);
	reply_header(&reply, "Location", "/connexion");
	return reply_send(request, &reply);
}
