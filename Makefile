# oralblanc — the two commands a newcomer needs: `make run` and `make test` (and `make lint` before a commit).
# Both bootstrap what they need: Debian packages (when root), a .venv, the project and its test extras.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP_LOG := $(VENV)/pip-install.log
# Debian packages the project needs at run time and in tests.
APT_PACKAGES := espeak-ng libespeak-ng1 postgresql python3-grammalecte libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core chromium chromium-driver

.PHONY: run test lint install apt-deps clean

run: $(STAMP)
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ] && $(BIN)/oralblanc bot --help >/dev/null 2>&1; then \
		$(BIN)/oralblanc bot; \
	else \
		$(BIN)/oralblanc play; \
	fi

test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# ruff's rules and mypy's files are in pyproject.toml ([tool.ruff], [tool.mypy]).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	@$(MAKE) --no-print-directory apt-deps
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# pip's and the build backend's chatter (deprecation warnings, one line per package) goes to a log,
	@# printed in full, with the failing command's status, only when an install fails.
	@echo "Installing oralblanc and its dependencies into $(VENV) (log: $(PIP_LOG))"
	@$(BIN)/python -m pip install --upgrade pip > $(PIP_LOG) 2>&1 \
		&& $(BIN)/python -m pip install -e '.[test]' >> $(PIP_LOG) 2>&1 \
		|| { status=$$?; cat $(PIP_LOG); echo "pip install failed (exit $$status): see above, or $(PIP_LOG)" >&2; exit $$status; }
	@# Debian's grammalecte (offline French grammar) is pure Python: expose only it to the venv.
	@ln -sfn /usr/lib/python3/dist-packages/grammalecte "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/grammalecte"
	@touch $(STAMP)

apt-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			echo "Installing Debian packages:$$missing"; \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
		else \
			echo "Missing Debian packages. Run: sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; \
		fi; \
	fi

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
