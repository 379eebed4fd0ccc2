# clause serve in a real browser (scripts/test-browser.sh): headless chromium driven by
# Debian's python3-selenium, on 127.0.0.1 only. `make test-browser` is called by .ci/run
# after `make test`; `make screenshots-serve` writes the README's pictures of the pages.
BROWSER_PACKAGES = python3-selenium chromium chromium-driver

.PHONY: test-browser screenshots-serve
test-browser: deps
	@sh scripts/install-deps.sh $(BROWSER_PACKAGES)
	@$(MAKE) --no-print-directory all
	@sh scripts/test-browser.sh

screenshots-serve: deps
	@sh scripts/install-deps.sh $(BROWSER_PACKAGES)
	@$(MAKE) --no-print-directory all
	@mkdir -p docs/img
	@sh scripts/test-browser.sh --captures docs/img
