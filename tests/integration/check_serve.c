/*
 * clause serve's handlers, driven over HTTP on 127.0.0.1 (an ephemeral port) by a small
 * raw-socket client: login, session expiry, CSRF, upload limit and box, pages per group.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "src/lib/log.h"
#include "src/lib/session.h"
#include "src/serve/serve.h"
#include "testdb.h"

#define RULES "tests/data/rules"
#define MAX_BODY 4096
#define IDLE 600
#define PASSWORD "mot-de-passe"

static Serve *server;
static char boxes[256];
static const char *login_headers = "";	/* more header lines for login() (a proxy's) */
static const char *owner_conninfo;		/* --db of the server, NULL by default */
static const char *batch_bin;			/* the program run for the box, testdb_clause_bin() by default */

typedef struct Response
{
	int status;
	char headers[8192];
	char *body;
	size_t len;
} Response;

static void
response_free(Response *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

/* One request on its own connection, read to the end; extra holds more header lines. */
static void
http(const char *method, const char *path, const char *cookie, const char *extra,
	 const char *body, size_t body_len, Response *r)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t) serve_port(server))};
	char head[4096];

	memset(r, 0, sizeof(*r));
	inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
	ck_assert_int_eq(connect(fd, (struct sockaddr *) &address, sizeof(address)), 0);
	/* a server that never answers fails the test instead of hanging it */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval) {.tv_sec = 60}, sizeof(struct timeval));
	snprintf(head, sizeof(head), "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s%s%s%s"
			 "Content-Length: %zu\r\n\r\n", method, path, cookie ? "Cookie: " : "", cookie ? cookie : "",
			 cookie ? "\r\n" : "", extra ? extra : "", body_len);
	ck_assert(write(fd, head, strlen(head)) == (ssize_t) strlen(head));
	if (body_len > 0)
		(void) write(fd, body, body_len);

	size_t cap = 65536, len = 0;
	char *all = malloc(cap + 1);
	ssize_t n;

	while ((n = read(fd, all + len, cap - len)) > 0)
	{
		len += (size_t) n;
		if (len == cap)
			all = realloc(all, (cap *= 2) + 1);
	}
	close(fd);
	all[len] = '\0';
	ck_assert_msg(sscanf(all, "HTTP/1.1 %d", &r->status) == 1, "pas de réponse HTTP : %s", all);

	char *end = strstr(all, "\r\n\r\n");

	ck_assert_ptr_nonnull(end);
	snprintf(r->headers, sizeof(r->headers), "%.*s", (int) (end - all), all);
	r->len = len - (size_t) (end + 4 - all);
	r->body = malloc(r->len + 1);
	memcpy(r->body, end + 4, r->len);
	r->body[r->len] = '\0';
	free(all);
}

/* The value of cookie NAME set by a response ("" when none). */
static void
set_cookie(const Response *r, const char *name, char *out, size_t size)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "Set-Cookie: %s=", name);
	out[0] = '\0';
	if ((p = strstr(r->headers, key)) != NULL)
		snprintf(out, size, "%.*s", (int) strcspn(p + strlen(key), ";\r"), p + strlen(key));
}

/* The CSRF token of the first form of a page. */
static void
page_token(const Response *r, char *out, size_t size)
{
	const char *p = strstr(r->body, "name=\"csrf\" value=\"");

	ck_assert_msg(p != NULL, "pas de jeton dans la page");
	p += strlen("name=\"csrf\" value=\"");
	snprintf(out, size, "%.*s", (int) strcspn(p, "\""), p);
}

/* Posts the login form; returns the response (its session cookie in cookie when set). */
static void
login(const char *role, const char *password, Response *r, char *cookie, size_t size)
{
	Response form;
	char login_cookie[100], token[100], header[256], body[512], session[100];

	char extra[512];

	http("GET", "/connexion", NULL, login_headers, NULL, 0, &form);
	ck_assert_int_eq(form.status, 200);
	set_cookie(&form, "clause_login", login_cookie, sizeof(login_cookie));
	page_token(&form, token, sizeof(token));
	response_free(&form);
	snprintf(header, sizeof(header), "clause_login=%s", login_cookie);
	snprintf(body, sizeof(body), "csrf=%s&role=%s&mot_de_passe=%s", token, role, password);
	snprintf(extra, sizeof(extra), "Content-Type: application/x-www-form-urlencoded\r\n%s", login_headers);
	http("POST", "/connexion", header, extra, body, strlen(body), r);
	set_cookie(r, "clause_session", session, sizeof(session));
	if (cookie)
		snprintf(cookie, size, "clause_session=%s", session);
}

static void
logged_in(const char *role, char *cookie, size_t size)
{
	Response r;

	login(role, PASSWORD, &r, cookie, size);
	ck_assert_msg(r.status == 303, "connexion de %s : %d %s", role, r.status, r.body);
	response_free(&r);
}

static void
get(const char *path, const char *cookie, Response *r)
{
	http("GET", path, cookie, NULL, NULL, 0, r);
}

static void server_start(int max_sessions, const char *proxy);

static void
serve_setup(void)
{
	testdb_setup();
	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_import("heures", RULES "/heures_lot1.csv", false, NULL), IMPORT_ROWS_REJECTED);
	/* the embedded cluster lets readers in with their password only (scram) */
	FILE *password = fopen("tests/tmp/serve-mot-de-passe", "w");

	ck_assert_ptr_nonnull(password);
	fputs(PASSWORD "\n", password);
	fclose(password);
	ck_assert_int_eq(testdb_run("role donneur --mot-de-passe-fichier tests/tmp/serve-mot-de-passe BM web_t_bm"), 0);
	ck_assert_int_eq(testdb_run("role donneur --mot-de-passe-fichier tests/tmp/serve-mot-de-passe GP web_t_gp"), 0);
	ck_assert_int_eq(testdb_run("role facilitateur --mot-de-passe-fichier tests/tmp/serve-mot-de-passe "
								"bordeaux web_t_fac"), 0);
	ck_assert_int_eq(testdb_run("role directeur --mot-de-passe-fichier tests/tmp/serve-mot-de-passe "
								"bordeaux web_t_dir"), 0);
	ck_assert(db_exec(testdb(), "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
					  "'web_t_aucun') THEN CREATE ROLE web_t_aucun LOGIN; END IF; END $$"));
	ck_assert(db_set_role_password(testdb(), "web_t_aucun", PASSWORD));

	snprintf(boxes, sizeof(boxes), "tests/tmp/serve-boites-%d", (int) getpid());
	server_start(0, NULL);
}

/* (Re)starts the server of the tests: max_sessions 0 and proxy NULL as by default. */
static void
server_start(int max_sessions, const char *proxy)
{
	ServeConfig config;

	serve_stop(server);
	serve_config_defaults(&config);
	config.port = 0;
	config.boxes_dir = boxes;
	config.clause_bin = batch_bin ? batch_bin : testdb_clause_bin();
	config.owner_conninfo = owner_conninfo;
	config.max_body = MAX_BODY;
	config.session_idle = IDLE;
	config.max_sessions = max_sessions;
	config.trusted_proxy = proxy;
	login_headers = "";
	server = serve_start(&config);
	ck_assert_ptr_nonnull(server);
	ck_assert_uint_gt(serve_port(server), 0);
	/* waits and expiries measured on the server's clock, not on how fast this machine is */
	serve_clock_freeze(server);
}

static void
serve_teardown(void)
{
	serve_stop(server);
	server = NULL;
	owner_conninfo = NULL;
	batch_bin = NULL;
	testdb_teardown();
}

START_TEST(test_login)
{
	Response r;
	char cookie[128];

	/* a donneur: a session cookie that scripts cannot read nor other sites send */
	login("web_t_bm", PASSWORD, &r, cookie, sizeof(cookie));
	ck_assert_int_eq(r.status, 303);
	ck_assert_ptr_nonnull(strstr(r.headers, "Location: /\r"));
	ck_assert_ptr_nonnull(strstr(r.headers, "; HttpOnly; SameSite=Strict"));
	ck_assert_uint_eq(strlen(cookie), strlen("clause_session=") + 64);
	response_free(&r);
	get("/", cookie, &r);
	ck_assert_int_eq(r.status, 303);
	ck_assert_ptr_nonnull(strstr(r.headers, "Location: /impact/BM"));
	response_free(&r);

	/* a wrong password, a role that does not exist, one in no group: no session */
	login("web_t_bm", "pas-le-bon", &r, cookie, sizeof(cookie));
	ck_assert_int_eq(r.status, 401);
	ck_assert_ptr_nonnull(strstr(r.body, "Rôle ou mot de passe incorrect"));
	ck_assert_ptr_null(strstr(r.headers, "clause_session="));
	response_free(&r);
	login("web_t_inconnu", "x", &r, cookie, sizeof(cookie));
	ck_assert_int_eq(r.status, 401);
	ck_assert_ptr_nonnull(strstr(r.body, "Rôle ou mot de passe incorrect"));
	ck_assert_ptr_null(strstr(r.headers, "clause_session="));
	response_free(&r);
	login("web_t_aucun", PASSWORD, &r, cookie, sizeof(cookie));
	ck_assert_int_eq(r.status, 403);
	ck_assert_ptr_null(strstr(r.headers, "clause_session="));
	response_free(&r);

	/* the login form without its token */
	http("POST", "/connexion", NULL, "Content-Type: application/x-www-form-urlencoded\r\n",
		 "role=web_t_bm&mot_de_passe=x", 28, &r);
	ck_assert_int_eq(r.status, 403);
	ck_assert_ptr_null(strstr(r.headers, "clause_session="));
	response_free(&r);

	/* a page without a session goes to the login form */
	get("/impact/BM", NULL, &r);
	ck_assert_int_eq(r.status, 303);
	ck_assert_ptr_nonnull(strstr(r.headers, "Location: /connexion"));
	response_free(&r);
}
END_TEST

START_TEST(test_login_backoff)
{
	Response r;
	char cookie[128];

	/* three free failures, then each failure makes this address wait */
	for (int i = 0; i < 4; i++)
	{
		login("web_t_inconnu", "x", &r, cookie, sizeof(cookie));
		ck_assert_int_eq(r.status, 401);
		response_free(&r);
	}
	login("web_t_bm", PASSWORD, &r, cookie, sizeof(cookie));
	ck_assert_int_eq(r.status, 429);
	ck_assert_ptr_nonnull(strstr(r.body, "Trop de tentatives"));
	response_free(&r);
	serve_clock_shift(server, 3600);
	logged_in("web_t_bm", cookie, sizeof(cookie));
}
END_TEST

START_TEST(test_session_expiry)
{
	Response r;
	char cookie[128];

	logged_in("web_t_bm", cookie, sizeof(cookie));
	get("/impact/BM", cookie, &r);
	ck_assert_int_eq(r.status, 200);
	response_free(&r);
	serve_clock_shift(server, IDLE - 10);
	get("/impact/BM", cookie, &r);
	ck_assert_int_eq(r.status, 200);	/* each request keeps the session alive */
	response_free(&r);
	serve_clock_shift(server, IDLE + 1);
	get("/impact/BM", cookie, &r);
	ck_assert_int_eq(r.status, 303);
	ck_assert_ptr_nonnull(strstr(r.headers, "Location: /connexion"));
	response_free(&r);
}
END_TEST

START_TEST(test_csrf_refused)
{
	Response r, page;
	char cookie[128], token[128], body[256];

	logged_in("web_t_fac", cookie, sizeof(cookie));
	http("POST", "/deconnexion", cookie, "Content-Type: application/x-www-form-urlencoded\r\n",
		 "csrf=0000", 9, &r);
	ck_assert_int_eq(r.status, 403);
	response_free(&r);
	http("POST", "/boite/traiter", cookie, "Content-Type: application/x-www-form-urlencoded\r\n",
		 "mois=2021-02", 12, &r);
	ck_assert_int_eq(r.status, 403);
	response_free(&r);

	/* still logged in; with the page's token the logout goes through */
	get("/boite", cookie, &page);
	ck_assert_int_eq(page.status, 200);
	page_token(&page, token, sizeof(token));
	response_free(&page);
	snprintf(body, sizeof(body), "csrf=%s", token);
	http("POST", "/deconnexion", cookie, "Content-Type: application/x-www-form-urlencoded\r\n",
		 body, strlen(body), &r);
	ck_assert_int_eq(r.status, 303);
	ck_assert_ptr_nonnull(strstr(r.headers, "Max-Age=0"));
	response_free(&r);
	get("/boite", cookie, &r);
	ck_assert_int_eq(r.status, 303);
	response_free(&r);
}
END_TEST

/* A multipart body with the form's token, a month and one file. */
static size_t
upload_body(char *out, size_t size, const char *token, const char *name, const char *content)
{
	return (size_t) snprintf(out, size,
							 "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
							 "--XyZ\r\nContent-Disposition: form-data; name=\"mois\"\r\n\r\n2021-02\r\n"
							 "--XyZ\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"%s\"\r\n"
							 "Content-Type: text/csv\r\n\r\n%s\r\n--XyZ--\r\n", token, name, content);
}

START_TEST(test_upload)
{
	Response r, page;
	char cookie[128], token[128], path[512];
	static char body[2 * MAX_BODY];
	size_t file_len = 0;
	char *original = testdb_read_file(RULES "/heures_lot2_correctif.csv", &file_len);
	char file[1024];

	/* one row the importer rejects (negative hours): the box keeps a reject file for it */
	snprintf(file, sizeof(file), "%sP2;33100001000016;M1;2021-02;-5;0;cdi;embauche_directe\n", original);
	free(original);
	file_len = strlen(file);
	struct stat st;
	const char *multipart = "Content-Type: multipart/form-data; boundary=XyZ\r\n";

	logged_in("web_t_fac", cookie, sizeof(cookie));
	get("/boite", cookie, &page);
	page_token(&page, token, sizeof(token));
	response_free(&page);

	/* over the limit: refused before the body, nothing in the box */
	char big[MAX_BODY + 100];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	http("POST", "/boite/depot", cookie, multipart, body,
		 upload_body(body, sizeof(body), token, "heures_trop.csv", big), &r);
	ck_assert_int_eq(r.status, 413);
	response_free(&r);
	snprintf(path, sizeof(path), "%s/bordeaux/2021-02/heures_trop.csv", boxes);
	ck_assert_int_ne(lstat(path, &st), 0);

	/* a bad token or a name with a path: refused */
	http("POST", "/boite/depot", cookie, multipart, body,
		 upload_body(body, sizeof(body), "0000", "heures_2021-02.csv", file), &r);
	ck_assert_int_eq(r.status, 400);
	response_free(&r);
	http("POST", "/boite/depot", cookie, multipart, body,
		 upload_body(body, sizeof(body), token, "../heures.sh", file), &r);
	ck_assert_int_eq(r.status, 400);
	response_free(&r);

	/* within the limit: a private file in the PLIE's box of the month */
	http("POST", "/boite/depot", cookie, multipart, body,
		 upload_body(body, sizeof(body), token, "heures_2021-02.csv", file), &r);
	ck_assert_msg(r.status == 303, "dépôt : %d %s", r.status, r.body);
	response_free(&r);
	snprintf(path, sizeof(path), "%s/bordeaux/2021-02/heures_2021-02.csv", boxes);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(st.st_size, (off_t) file_len);

	/* the same name again waits for the first to be processed */
	http("POST", "/boite/depot", cookie, multipart, body,
		 upload_body(body, sizeof(body), token, "heures_2021-02.csv", file), &r);
	ck_assert_int_eq(r.status, 400);
	ck_assert_ptr_nonnull(strstr(r.body, "attend déjà"));
	response_free(&r);

	/* run: clause batch on the box, its compte-rendu shown and kept */
	char form[256];

	snprintf(form, sizeof(form), "csrf=%s&mois=2021-02", token);
	http("POST", "/boite/traiter", cookie, "Content-Type: application/x-www-form-urlencoded\r\n",
		 form, strlen(form), &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(strstr(r.body, "<h2>Compte rendu</h2>"));
	ck_assert_ptr_nonnull(strstr(r.body, "heures_2021-02.csv"));
	response_free(&r);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE fichier LIKE '%heures_2021-02.csv'"), 1);
	get("/boite/2021-02/compte-rendu", cookie, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(strstr(r.body, "heures_2021-02.csv"));
	response_free(&r);

	/* the sender's reject file, as a download; never a path out of the box */
	get("/boite/2021-02/rejets/heures_2021-02.rejets.csv", cookie, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(strstr(r.headers, "attachment; filename=\"heures_2021-02.rejets.csv\""));
	ck_assert_msg(strstr(r.body, "P2;33100001000016;M1;2021-02;") != NULL &&
				  strstr(r.body, "nombre négatif") != NULL, "%s", r.body);
	response_free(&r);
	get("/boite/2021-02/rejets/../heures_2021-02.csv", cookie, &r);
	ck_assert_int_eq(r.status, 404);
	response_free(&r);
	get("/boite/2021-02/rejets/compte-rendu.txt", cookie, &r);
	ck_assert_int_eq(r.status, 404);
	response_free(&r);
}
END_TEST

START_TEST(test_pages_per_group)
{
	Response r;
	char bm[128], fac[128], dir[128];

	logged_in("web_t_bm", bm, sizeof(bm));
	get("/impact/BM", bm, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(strstr(r.body, "Bordeaux Métropole"));
	ck_assert_ptr_nonnull(strstr(r.body, "name=\"viewport\""));
	ck_assert_ptr_null(strstr(r.body, "<script"));
	response_free(&r);
	/* another donneur's page, in any format, does not exist for this one */
	get("/impact/GP", bm, &r);
	ck_assert_int_eq(r.status, 404);
	ck_assert_ptr_null(strstr(r.body, "Grand Périgueux"));
	response_free(&r);
	get("/impact/GP.csv", bm, &r);
	ck_assert_int_eq(r.status, 404);
	response_free(&r);
	get("/impact/BM.csv", bm, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_mem_eq(r.body, "\xEF\xBB\xBF", 3);
	response_free(&r);
	get("/impact/BM.xlsx", bm, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_mem_eq(r.body, "PK", 2);
	response_free(&r);
	get("/boite", bm, &r);
	ck_assert_int_eq(r.status, 404);
	response_free(&r);

	/* the facilitateur: its month, never a donneur's page nor the director's */
	logged_in("web_t_fac", fac, sizeof(fac));
	const char *fac_pages[] = {"/boite", "/suivi", "/attendus", "/attendus?mois=2021-02", "/lignes", "/lots"};

	for (size_t i = 0; i < sizeof(fac_pages) / sizeof(fac_pages[0]); i++)
	{
		get(fac_pages[i], fac, &r);
		ck_assert_msg(r.status == 200, "%s : %d", fac_pages[i], r.status);
		response_free(&r);
	}
	get("/impact/BM", fac, &r);
	ck_assert_int_eq(r.status, 404);
	response_free(&r);
	get("/avancement", fac, &r);
	ck_assert_int_eq(r.status, 404);
	response_free(&r);

	/* the director: the fiche dashboard and the observatoire of its PLIE */
	logged_in("web_t_dir", dir, sizeof(dir));
	get("/avancement?annee=2021", dir, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(strstr(r.body, "<svg"));
	response_free(&r);
	get("/observatoire?annee=2021", dir, &r);
	ck_assert_int_eq(r.status, 200);
	response_free(&r);
	get("/boite", dir, &r);
	ck_assert_int_eq(r.status, 404);
	response_free(&r);
}
END_TEST

/* A director who becomes a facilitateur leaves the directors: the box, not the dashboard. */
START_TEST(test_role_moved)
{
	Response r;
	char cookie[128];
	char output[2048];

	ck_assert_int_eq(testdb_run_output("role facilitateur bordeaux web_t_dir", output, sizeof(output)), 0);
	ck_assert_msg(strstr(output, "retiré du groupe clause_directeurs") != NULL, "%s", output);
	logged_in("web_t_dir", cookie, sizeof(cookie));
	get("/boite", cookie, &r);
	ck_assert_int_eq(r.status, 200);
	response_free(&r);
	get("/avancement", cookie, &r);
	ck_assert_int_eq(r.status, 404);
	response_free(&r);
	ck_assert_int_eq(testdb_run("role directeur bordeaux web_t_dir"), 0);
}
END_TEST

/* A form posted with the session's token (taken from page). */
static void
post_form(const char *path, const char *cookie, const char *body, Response *r)
{
	http("POST", path, cookie, "Content-Type: application/x-www-form-urlencoded\r\n", body, strlen(body), r);
}

/*
 * Cancelling a batch from /lots: the token, the group, the PLIE's own batches only (row-level
 * security, every line of it), recorded in the facilitateur's name, said once.
 */
START_TEST(test_cancel_batch)
{
	Response r, page;
	char fac[128], gp[128], bm[128], token[128], body[512];
	FILE *file = fopen("tests/tmp/serve-correctif-bordeaux.csv", "w");

	/* a correction on a Bordeaux marché only: P1 on M1 in January, 110 h → 130 h */
	ck_assert_ptr_nonnull(file);
	fputs("participant_id;employeur_siret;marche_id;mois;heures;heures_formation;type_contrat;modalite\n"
		  "P1;33100001000016;M1;2021-01;120;10;cdi;embauche_directe\n", file);
	fclose(file);
	ck_assert_int_eq(testdb_import("heures", "tests/tmp/serve-correctif-bordeaux.csv", false, NULL),
					 IMPORT_LOADED);

	long long lot = testdb_count("SELECT id FROM lot_import WHERE fichier LIKE '%serve-correctif-bordeaux.csv'");
	long long mixed = testdb_count("SELECT id FROM lot_import WHERE fichier LIKE '%heures_lot1.csv'");

	ck_assert_int_eq(testdb_run("role facilitateur --mot-de-passe-fichier tests/tmp/serve-mot-de-passe "
								"grand_perigueux web_t_fac_gp"), 0);

	/* the facilitateur's page: a form for its own batch, none for a batch with other PLIEs' lines */
	logged_in("web_t_fac", fac, sizeof(fac));
	get("/lots", fac, &page);
	ck_assert_int_eq(page.status, 200);
	snprintf(body, sizeof(body), "name=\"lot\" value=\"%lld\"", lot);
	ck_assert_msg(strstr(page.body, body) != NULL, "%s", page.body);
	snprintf(body, sizeof(body), "name=\"lot\" value=\"%lld\"", mixed);
	ck_assert_ptr_null(strstr(page.body, body));
	ck_assert_ptr_nonnull(strstr(page.body, "d'autres PLIE"));
	page_token(&page, token, sizeof(token));
	response_free(&page);

	/* no token, or no confirmation, or no motif: nothing cancelled */
	snprintf(body, sizeof(body), "lot=%lld&motif=erreur&confirmer=oui", lot);
	post_form("/lots/annuler", fac, body, &r);
	ck_assert_int_eq(r.status, 403);
	response_free(&r);
	snprintf(body, sizeof(body), "csrf=0000&lot=%lld&motif=erreur&confirmer=oui", lot);
	post_form("/lots/annuler", fac, body, &r);
	ck_assert_int_eq(r.status, 403);
	response_free(&r);
	snprintf(body, sizeof(body), "csrf=%s&lot=%lld&motif=erreur", token, lot);
	post_form("/lots/annuler", fac, body, &r);
	ck_assert_int_eq(r.status, 400);
	ck_assert_ptr_nonnull(strstr(r.body, "confirmation"));
	response_free(&r);
	snprintf(body, sizeof(body), "csrf=%s&lot=%lld&motif=+&confirmer=oui", token, lot);
	post_form("/lots/annuler", fac, body, &r);
	ck_assert_int_eq(r.status, 400);
	response_free(&r);

	/* a batch that also carries other PLIEs' hours: refused, left standing */
	snprintf(body, sizeof(body), "csrf=%s&lot=%lld&motif=erreur&confirmer=oui", token, mixed);
	post_form("/lots/annuler", fac, body, &r);
	ck_assert_int_eq(r.status, 403);
	ck_assert_ptr_nonnull(strstr(r.body, "autres PLIE"));
	response_free(&r);

	/* a donneur d'ordre may not cancel at all, even with its own token */
	logged_in("web_t_bm", bm, sizeof(bm));
	get("/impact/BM", bm, &page);
	page_token(&page, token, sizeof(token));
	response_free(&page);
	snprintf(body, sizeof(body), "csrf=%s&lot=%lld&motif=erreur&confirmer=oui", token, lot);
	post_form("/lots/annuler", bm, body, &r);
	ck_assert_int_eq(r.status, 403);
	response_free(&r);

	/* the facilitateur of another PLIE does not see the batch, so cannot cancel it */
	logged_in("web_t_fac_gp", gp, sizeof(gp));
	get("/lots", gp, &page);
	ck_assert_int_eq(page.status, 200);
	snprintf(body, sizeof(body), "name=\"lot\" value=\"%lld\"", lot);
	ck_assert_ptr_null(strstr(page.body, body));
	ck_assert_ptr_null(strstr(page.body, "serve-correctif-bordeaux.csv"));
	page_token(&page, token, sizeof(token));
	response_free(&page);
	snprintf(body, sizeof(body), "csrf=%s&lot=%lld&motif=erreur&confirmer=oui", token, lot);
	post_form("/lots/annuler", gp, body, &r);
	ck_assert_int_eq(r.status, 404);
	response_free(&r);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE annule_le IS NOT NULL"), 0);

	/* the facilitateur of the PLIE: cancelled in its name, what went down shown */
	get("/lots", fac, &page);
	page_token(&page, token, sizeof(token));
	response_free(&page);
	snprintf(body, sizeof(body), "csrf=%s&lot=%lld&motif=mauvais+correctif&confirmer=oui", token, lot);
	post_form("/lots/annuler", fac, body, &r);
	ck_assert_msg(r.status == 200, "%d %s", r.status, r.body);
	ck_assert_ptr_nonnull(strstr(r.body, "annulé par web_t_fac"));
	ck_assert_msg(strstr(r.body, "marché M1, 2021-01 : 130,00 h → 110,00 h (lot_annule)") != NULL, "%s", r.body);
	ck_assert_msg(strstr(r.body, "1 ligne déjà comptée baisse : −20,00 h") != NULL, "%s", r.body);
	response_free(&r);
	ck_assert_str_eq(testdb_text("SELECT annule_par || ' / ' || annule_motif FROM lot_import "
								 "WHERE fichier LIKE '%serve-correctif-bordeaux.csv'"),
					 "web_t_fac / mauvais correctif");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE annule_le IS NOT NULL"), 1);
	ck_assert_double_eq_tol(testdb_number("SELECT sum(l.heures + l.heures_formation) FROM ligne_heures l "
										  "JOIN attribution a ON a.ligne_id = l.id WHERE a.motif IS NULL "
										  "AND l.participant_id = 'P1' AND l.marche_id = 'M1' "
										  "AND l.mois = '2021-01-01'"), 110, 0.001);

	/* twice: said, nothing changes; the batch has no form any more */
	post_form("/lots/annuler", fac, body, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(strstr(r.body, "déjà annulé"));
	response_free(&r);
	get("/lots", fac, &page);
	snprintf(body, sizeof(body), "name=\"lot\" value=\"%lld\"", lot);
	ck_assert_ptr_null(strstr(page.body, body));
	ck_assert_ptr_nonnull(strstr(page.body, "annulé le "));
	response_free(&page);
}
END_TEST

/* Behind a proxy: X-Forwarded-For counts only from the trusted proxy, and only its last entry. */
START_TEST(test_trusted_proxy)
{
	Response r;
	char cookie[128];

	/* no trusted proxy: the header is the client's word, ignored: 127.0.0.1 waits */
	login_headers = "X-Forwarded-For: 203.0.113.5\r\n";
	for (int i = 0; i < 4; i++)
	{
		login("web_t_inconnu", "x", &r, cookie, sizeof(cookie));
		response_free(&r);
	}
	login_headers = "X-Forwarded-For: 203.0.113.9\r\n";
	login("web_t_bm", PASSWORD, &r, cookie, sizeof(cookie));
	ck_assert_int_eq(r.status, 429);
	response_free(&r);

	/* 127.0.0.1 as the trusted proxy: each client its own wait, by the address it appended */
	server_start(0, "127.0.0.1");
	login_headers = "X-Forwarded-For: 198.51.100.1, 203.0.113.5\r\n";
	for (int i = 0; i < 4; i++)
	{
		login("web_t_inconnu", "x", &r, cookie, sizeof(cookie));
		ck_assert_int_eq(r.status, 401);
		response_free(&r);
	}
	login("web_t_bm", PASSWORD, &r, cookie, sizeof(cookie));
	ck_assert_int_eq(r.status, 429);
	response_free(&r);
	/* what a client writes before the proxy's entry is not its address */
	login_headers = "X-Forwarded-For: 203.0.113.5, 203.0.113.9\r\nX-Forwarded-Proto: https\r\n";
	login("web_t_bm", PASSWORD, &r, cookie, sizeof(cookie));
	ck_assert_msg(r.status == 303, "%d %s", r.status, r.body);
	/* HTTPS at the proxy: the cookie is Secure */
	ck_assert_ptr_nonnull(strstr(r.headers, "SameSite=Strict; Secure"));
	response_free(&r);
	login_headers = "";
	ck_assert_ptr_null(serve_start(&(ServeConfig) {.address = "127.0.0.1", .trusted_proxy = "nginx"}));
}
END_TEST

/* Each session holds a PostgreSQL connection: never more sessions than the limit. */
START_TEST(test_sessions_limit)
{
	Response r;
	char first[128], second[128];

	server_start(1, NULL);
	logged_in("web_t_bm", first, sizeof(first));
	login("web_t_gp", PASSWORD, &r, second, sizeof(second));
	ck_assert_int_eq(r.status, 503);
	ck_assert_ptr_nonnull(strstr(r.body, "max_connections"));
	ck_assert_ptr_null(strstr(r.headers, "clause_session="));
	response_free(&r);
	/* the first reader keeps its page; its logout frees the place */
	get("/impact/BM", first, &r);
	ck_assert_int_eq(r.status, 200);

	char token[128], body[256];

	page_token(&r, token, sizeof(token));
	response_free(&r);
	snprintf(body, sizeof(body), "csrf=%s", token);
	post_form("/deconnexion", first, body, &r);
	ck_assert_int_eq(r.status, 303);
	response_free(&r);
	logged_in("web_t_gp", second, sizeof(second));
}
END_TEST

/* A request held by the database does not hold the others (a thread per connection). */
START_TEST(test_slow_request_alone)
{
	Response r;
	char fac[128];
	struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t) serve_port(server))};
	char request[512];

	logged_in("web_t_fac", fac, sizeof(fac));
	ck_assert(db_exec(testdb(), "BEGIN; LOCK TABLE clause.lot_import IN ACCESS EXCLUSIVE MODE"));

	/* the facilitateur's batches wait for the lock */
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
	ck_assert_int_eq(connect(fd, (struct sockaddr *) &address, sizeof(address)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval) {.tv_sec = 60}, sizeof(struct timeval));
	snprintf(request, sizeof(request), "GET /lots HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
			 "Cookie: %s\r\n\r\n", fac);
	ck_assert(write(fd, request, strlen(request)) == (ssize_t) strlen(request));

	Db watch = {0};
	long long waiting = 0;
	char conninfo[4096];

	cluster_conninfo(testdb_cluster(), CLUSTER_DATABASE, conninfo, sizeof(conninfo));
	ck_assert(db_connect(&watch, conninfo));
	for (int i = 0; i < 600 && waiting == 0; i++)
	{
		char value[16] = "0";

		ck_assert(db_query_value(&watch, "SELECT count(*) FROM pg_stat_activity WHERE usename = "
								 "'web_t_fac' AND wait_event_type = 'Lock'", 0, NULL, value,
								 sizeof(value), NULL));
		waiting = strtoll(value, NULL, 10);
		if (waiting == 0)
			usleep(100 * 1000);
	}
	db_close(&watch);
	ck_assert_int_eq(waiting, 1);

	/* meanwhile, another reader logs in and reads its page */
	char bm[128];

	logged_in("web_t_bm", bm, sizeof(bm));
	get("/connexion", NULL, &r);
	ck_assert_int_eq(r.status, 200);
	response_free(&r);

	/* the lock goes, the first page comes */
	ck_assert(db_exec(testdb(), "COMMIT"));

	char reply[64] = "";
	ssize_t n = read(fd, reply, sizeof(reply) - 1);

	close(fd);
	ck_assert_int_gt(n, 0);
	reply[n] = '\0';
	ck_assert_msg(strncmp(reply, "HTTP/1.1 200", 12) == 0, "%s", reply);
}
END_TEST

/*
 * A server started with --db holding a password-only (scram) role's password, with the
 * characters libpq's password file escapes: `clause batch` for the box logs in through
 * a 0600 password file of the server's private temporary folder, gone once it has run;
 * neither the password nor PGPASSWORD is in its environment. The program run is a
 * stand-in that notes what it was given, then runs clause.
 */
START_TEST(test_box_password_file)
{
	char conninfo[PATH_MAX * 2], with_password[PATH_MAX * 3], var_dir[PATH_MAX], prefix[PATH_MAX + 16];
	char bin[PATH_MAX], note[PATH_MAX], command[PATH_MAX * 2], cookie[128], token[128], form[256];
	Response r, page;
	FILE *out;

	ck_assert(db_exec(testdb(), "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
					  "'web_t_proprio') THEN CREATE ROLE web_t_proprio LOGIN SUPERUSER; END IF; END $$"));
	ck_assert(db_set_role_password(testdb(), "web_t_proprio", "Boi:te\\46-Secr3t"));
	cluster_conninfo(testdb_cluster(), CLUSTER_DATABASE, conninfo, sizeof(conninfo));
	snprintf(with_password, sizeof(with_password), "%s user=web_t_proprio password='Boi:te\\\\46-Secr3t'",
			 conninfo);

	snprintf(bin, sizeof(bin), "%s/../batch-%d.sh", boxes, (int) getpid());
	snprintf(note, sizeof(note), "%s/../batch-%d", boxes, (int) getpid());
	out = fopen(bin, "w");
	ck_assert_ptr_nonnull(out);
	fprintf(out, "#!/bin/sh\n"
			"tr '\\0' '\\n' < /proc/$$/environ > %s.env\n"
			"stat -c %%a \"$PGPASSFILE\" > %s.mode\n"
			"cp \"$PGPASSFILE\" %s.pgpass\n"
			"exec %s \"$@\"\n", note, note, note, testdb_clause_bin());
	ck_assert_int_eq(fclose(out), 0);
	ck_assert_int_eq(chmod(bin, 0700), 0);
	owner_conninfo = with_password;
	batch_bin = bin;
	server_start(0, NULL);

	snprintf(command, sizeof(command), "mkdir -p %s/bordeaux/2021-03 && printf 'id;nom;type\\nT-PF;Donneur du "
			 "test;commune\\n' > %s/bordeaux/2021-03/donneurs.csv", boxes, boxes);
	ck_assert_int_eq(system(command), 0);

	long long lots = testdb_count("SELECT count(*) FROM lot_import");

	logged_in("web_t_fac", cookie, sizeof(cookie));
	get("/boite", cookie, &page);
	page_token(&page, token, sizeof(token));
	response_free(&page);
	snprintf(form, sizeof(form), "csrf=%s&mois=2021-03", token);
	/* the operator's own PGPASSWORD, wrong: the --db password wins, this one is not passed on */
	ck_assert_int_eq(setenv("PGPASSWORD", "Autre-Env-46", 1), 0);
	http("POST", "/boite/traiter", cookie, "Content-Type: application/x-www-form-urlencoded\r\n",
		 form, strlen(form), &r);
	unsetenv("PGPASSWORD");
	ck_assert_int_eq(r.status, 200);
	ck_assert_msg(strstr(r.body, "Secr3t") == NULL, "%s", r.body);
	/* the child logged in as the role of --db and loaded the file */
	ck_assert_msg(testdb_count("SELECT count(*) FROM lot_import") == lots + 1, "%s", r.body);
	response_free(&r);

	snprintf(command, sizeof(command), "%s.env", note);

	char *text = testdb_read_file(command, NULL);

	ck_assert_msg(strstr(text, "Secr3t") == NULL, "mot de passe dans l'environnement de clause batch");
	ck_assert_msg(strstr(text, "PGPASSWORD") == NULL, "PGPASSWORD transmis à clause batch");
	ck_assert_msg(strstr(text, "Autre-Env-46") == NULL, "PGPASSWORD transmis à clause batch");

	char *passfile = strstr(text, "\nPGPASSFILE=");

	ck_assert_ptr_nonnull(passfile);
	passfile += strlen("\nPGPASSFILE=");
	passfile[strcspn(passfile, "\n")] = '\0';
	ck_assert(session_var_dir(var_dir, sizeof(var_dir)));
	snprintf(prefix, sizeof(prefix), "%s/serve-tmp/", var_dir);
	ck_assert_msg(strncmp(passfile, prefix, strlen(prefix)) == 0, "%s hors de %s", passfile, prefix);
	ck_assert_msg(access(passfile, F_OK) != 0, "%s reste après clause batch", passfile);
	free(text);
	snprintf(command, sizeof(command), "%s.mode", note);
	text = testdb_read_file(command, NULL);
	ck_assert_str_eq(text, "600\n");
	free(text);
	snprintf(command, sizeof(command), "%s.pgpass", note);
	text = testdb_read_file(command, NULL);
	ck_assert_str_eq(text, "*:*:*:*:Boi\\:te\\\\46-Secr3t\n");
	free(text);

	serve_stop(server);
	server = NULL;
	ck_assert(db_exec(testdb(), "DROP ROLE web_t_proprio"));
}
END_TEST

/* The request log names the role and the page, never the password. */
START_TEST(test_log_without_secrets)
{
	char log_path[256];
	Response r;
	char cookie[128];

	snprintf(log_path, sizeof(log_path), "tests/tmp/serve-log-%d.txt", (int) getpid());
	ck_assert_ptr_nonnull(freopen(log_path, "w", stderr));
	ck_assert(db_set_role_password(testdb(), "web_t_bm", "Secr3t-Web-P4ss"));
	log_set_level(LOG_LEVEL_NOTICE);
	login("web_t_bm", "Wr0ng-Web-P4ss", &r, cookie, sizeof(cookie));
	ck_assert_int_eq(r.status, 401);
	response_free(&r);
	login("web_t_bm", "Secr3t-Web-P4ss", &r, cookie, sizeof(cookie));
	ck_assert_int_eq(r.status, 303);
	response_free(&r);
	get("/impact/BM", cookie, &r);
	response_free(&r);
	fflush(stderr);

	size_t len = 0;
	char *text = testdb_read_file(log_path, &len);

	ck_assert_ptr_nonnull(strstr(text, "POST /connexion 303 web_t_bm"));
	ck_assert_ptr_nonnull(strstr(text, "GET /impact/BM 200 web_t_bm"));
	ck_assert_ptr_null(strstr(text, "Secr3t-Web-P4ss"));
	ck_assert_ptr_null(strstr(text, "Wr0ng-Web-P4ss"));
	ck_assert_ptr_null(strstr(text, cookie + strlen("clause_session=")));
	free(text);
	unlink(log_path);
}
END_TEST

/* The daemon as a program: TLS from PEM files, a Secure cookie, a clean stop on SIGTERM. */
START_TEST(test_tls_and_sigterm)
{
	char output[8192];
	char command[512];

	snprintf(command, sizeof(command), "CLAUSE_BIN=%s sh tests/integration/serve_tls.sh 2>&1",
			 testdb_clause_bin());

	FILE *pipe = popen(command, "r");
	size_t len = pipe ? fread(output, 1, sizeof(output) - 1, pipe) : 0;

	output[len] = '\0';
	ck_assert_ptr_nonnull(pipe);
	ck_assert_msg(pclose(pipe) == 0, "%s", output);
	ck_assert_ptr_nonnull(strstr(output, "serve_tls: ok"));
}
END_TEST

static Suite *
serve_suite(void)
{
	Suite *suite = suite_create("serve");
	TCase *tc = tcase_create("handlers");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, serve_setup, serve_teardown);
	tcase_add_test(tc, test_login);
	tcase_add_test(tc, test_login_backoff);
	tcase_add_test(tc, test_session_expiry);
	tcase_add_test(tc, test_csrf_refused);
	tcase_add_test(tc, test_upload);
	tcase_add_test(tc, test_pages_per_group);
	tcase_add_test(tc, test_role_moved);
	tcase_add_test(tc, test_cancel_batch);
	tcase_add_test(tc, test_trusted_proxy);
	tcase_add_test(tc, test_sessions_limit);
	tcase_add_test(tc, test_slow_request_alone);
	tcase_add_test(tc, test_log_without_secrets);
	tcase_add_test(tc, test_box_password_file);
	tcase_add_test(tc, test_tls_and_sigterm);
	suite_add_tcase(suite, tc);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(serve_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
