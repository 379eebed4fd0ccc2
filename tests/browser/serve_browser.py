#!/usr/bin/env python3
"""clause serve in a real browser (headless chromium through selenium): a facilitateur
uploads the month's file, runs the box and reads its compte-rendu; a donneur d'ordre reads
its tableau d'impact and fails to reach another's; the director opens the dashboard; last,
the facilitateur cancels its batch from the batches page and sees it cancelled.

Usage: serve_browser.py PORT FILE_TO_UPLOAD [--captures DIR]
Run by scripts/test-browser.sh, which starts the database and the server."""
import os
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

PASSWORD = "mot-de-passe-du-test"


def browser(profile):
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,1000"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


class Run:
    def __init__(self, driver, base, captures):
        self.driver, self.base, self.captures, self.failures = driver, base, captures, 0

    def check(self, ok, what):
        print(("ok      " if ok else "ÉCHEC   ") + what)
        if not ok:
            self.failures += 1
            print("    page %s :\n%s" % (self.driver.current_url, self.driver.page_source[-3000:]))

    def click_and_wait(self, css):
        """Clicks a form's button and waits for the page it leads to (not a fixed delay)."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(By.CSS_SELECTOR, css).click()
        self.wait_for_new_page(old)

    def wait_for_new_page(self, old):
        """Waits until the document `old` belongs to is replaced. While the browser swaps
        documents, chromedriver may answer with another error than "stale element" (no
        execution context yet): that is a moment of the navigation, polled again, not a
        failure; a page that never comes still fails after the delay."""
        WebDriverWait(self.driver, 120, ignored_exceptions=(WebDriverException,)).until(
            expected_conditions.staleness_of(old))

    def open(self, path):
        self.driver.get(self.base + path)
        return self.driver.page_source

    def capture(self, name, height=1400, width=1280, element=None):
        if not self.captures:
            return
        self.driver.set_window_size(width, height)
        time.sleep(1)  # let the page lay out again at the new size before the picture
        if element is not None:
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        self.driver.save_screenshot(os.path.join(self.captures, name))
        self.driver.set_window_size(1280, 1000)

    def login(self, role):
        self.open("/connexion")
        self.driver.find_element(By.NAME, "role").send_keys(role)
        self.driver.find_element(By.NAME, "mot_de_passe").send_keys(PASSWORD)
        self.click_and_wait("form.web button")

    def logout(self):
        self.click_and_wait("nav.web form button")
        self.check(self.driver.current_url.endswith("/connexion"), "déconnexion : retour au formulaire")


def facilitateur(run, upload):
    run.login("web_fac")
    run.check(run.driver.current_url.endswith("/boite"), "facilitateur : arrive sur sa boîte du mois")
    name = os.path.basename(upload)
    month = name[len("heures_"):len("heures_") + 7]
    field = run.driver.find_element(By.NAME, "mois")
    field.clear()
    field.send_keys(month)
    run.driver.find_element(By.NAME, "fichier").send_keys(os.path.abspath(upload))
    run.click_and_wait("form[action='/boite/depot'] button")
    page = run.driver.page_source
    run.check("Fichiers en attente (1)" in page and name in page, "facilitateur : fichier déposé dans la boîte")
    run.capture("serve-boite.png", 1000)
    run.click_and_wait("form[action='/boite/traiter'] button")
    page = run.driver.page_source
    run.check("<h2>Compte rendu</h2>" in page and name in page, "facilitateur : compte rendu du traitement")
    run.capture("serve-compte-rendu.png", 1400)
    page = run.open("/boite/%s/compte-rendu" % month)
    run.check(name in page, "facilitateur : compte rendu relu depuis la boîte")
    page = run.open("/suivi?mois=%s" % month)
    run.check("Suivi" in page or "suivi" in page, "facilitateur : suivi du mois")
    run.capture("serve-suivi.png", 1400)
    page = run.open("/impact/BM")
    run.check("Page introuvable" in page, "facilitateur : pas de tableau d'impact (404)")
    run.open("/boite")
    run.capture("serve-boite-telephone.png", 844, 390)
    run.logout()


def cancel_batch(run, upload):
    """The batch the facilitateur loaded, cancelled from /lots (after the donneur and the
    director have read their pages with it): a motif, the confirmation, the result."""
    name = os.path.basename(upload)
    run.login("web_fac")
    run.open("/lots")
    row = run.driver.find_element(By.XPATH, "//tr[td[text()='%s']]" % name)
    lot = row.find_element(By.CSS_SELECTOR, "input[name='lot']").get_attribute("value")
    row.find_element(By.TAG_NAME, "summary").click()
    row.find_element(By.NAME, "motif").send_keys("mois de décembre envoyé deux fois")
    run.capture("serve-lots.png", 1000, element=row)
    old = run.driver.find_element(By.TAG_NAME, "html")
    row.find_element(By.CSS_SELECTOR, "form button").click()
    # the confirmation box is required: the browser does not send the form until it is ticked
    box = row.find_element(By.NAME, "confirmer")
    run.check(run.driver.execute_script("return arguments[0].validity.valueMissing", box)
              and run.driver.find_element(By.TAG_NAME, "html") == old,
              "facilitateur : pas d'annulation sans la case de confirmation")
    box.click()
    row.find_element(By.CSS_SELECTOR, "form button").click()
    run.wait_for_new_page(old)
    page = run.driver.page_source
    run.check(("Lot %s annulé par web_fac" % lot) in page and "comptent de nouveau" in page,
              "facilitateur : lot %s annulé, à son nom" % lot)
    run.capture("serve-annulation.png", 1000)
    page = run.open("/lots")
    run.check("par web_fac : mois de décembre envoyé deux fois" in page
              and ("name=\"lot\" value=\"%s\"" % lot) not in page,
              "facilitateur : le lot apparaît annulé, sans formulaire")
    run.logout()


def donneur(run):
    run.login("web_bm")
    page = run.driver.page_source
    run.check(run.driver.current_url.endswith("/impact/BM") and "Bordeaux Métropole" in page,
              "donneur : son tableau d'impact")
    run.check("<script" not in page and "http://" not in page.replace(run.base, ""),
              "donneur : page sans script ni ressource extérieure")
    run.capture("serve-impact.png", 1600)
    page = run.open("/impact/GP")
    run.check("Page introuvable" in page and "Grand Périgueux" not in page,
              "donneur : le tableau d'un autre donneur est introuvable")
    page = run.open("/boite")
    run.check("Page introuvable" in page, "donneur : pas de boîte (404)")
    run.open("/impact/BM")
    run.logout()


def directeur(run):
    run.login("web_dir")
    page = run.open("/avancement?annee=2021")
    run.check("<svg" in page, "directeur : tableau de bord des fiches")
    run.capture("serve-avancement.png", 1600)
    page = run.open("/observatoire?annee=2021")
    run.check("Observatoire" in page or "observatoire" in page, "directeur : observatoire")
    run.capture("serve-observatoire.png", 1400)
    run.logout()


def main():
    port, upload = sys.argv[1], sys.argv[2]
    captures = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--captures" else None
    with tempfile.TemporaryDirectory(prefix="clause-chromium-") as profile:
        driver = browser(profile)
        try:
            run = Run(driver, "http://127.0.0.1:%s" % port, captures)
            run.open("/connexion")
            run.capture("serve-connexion.png", 700)
            facilitateur(run, upload)
            donneur(run)
            directeur(run)
            cancel_batch(run, upload)
        finally:
            driver.quit()
    print("%s" % ("navigateur : tout est bon" if run.failures == 0 else "navigateur : %d échec(s)" % run.failures))
    return 0 if run.failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
