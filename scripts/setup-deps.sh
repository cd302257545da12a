#!/usr/bin/env bash
# Installs what overdue needs beyond Swift on Debian 12: libcurl's headers
# (the CCurl module), pkg-config, and for the tests the real servers they
# start on 127.0.0.1: Python's aiosmtpd, Postfix's smtp-sink, and the
# independent standardwebhooks verifier (and the pinned holidays package the
# bundled holiday data is checked against), and Chromium for the rendering tests. As root it installs; otherwise it
# prints the exact commands and stops.
#   scripts/setup-deps.sh          build dependencies only
#   scripts/setup-deps.sh --test   plus the test servers and headless Chromium (the browser-rendering tests)
#   scripts/setup-deps.sh --bench  plus the test servers, nginx and bc for Benchmarks/
set -euo pipefail
# `apt-get update` once per run, before the first install that needs it.
updated=0
apt_update() { [ "$updated" = 1 ] || { apt-get update -qq; updated=1; }; }

need_apt=()
pkg-config --exists libcurl 2>/dev/null || need_apt+=(libcurl4-openssl-dev)
pkg-config --exists libqpdf 2>/dev/null || need_apt+=(libqpdf-dev)
pkg-config --exists zlib 2>/dev/null || need_apt+=(zlib1g-dev)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${need_apt[*]} with apt-get"
    apt_update
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "missing: ${need_apt[*]}. Run:  sudo apt-get update && sudo apt-get install -y ${need_apt[*]}" >&2
    exit 1
  fi
fi

if [ "${1:-}" = "--bench" ]; then
  missing=()
  [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  command -v bc >/dev/null || missing+=(bc)
  command -v gcc >/dev/null || missing+=(gcc)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "installing ${missing[*]} with apt-get"
      apt_update
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
      # Only the binary is wanted; the package's own service may not run here.
      command -v systemctl >/dev/null && systemctl disable --now nginx >/dev/null 2>&1 || true
    else
      echo "missing: ${missing[*]}. Run:  sudo apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
  fi
  set -- --test
fi

if [ "${1:-}" = "--test" ]; then
  # Postfix's smtp-sink injects SMTP faults; the package's own service is not needed.
  if [ ! -x /usr/sbin/smtp-sink ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "installing postfix (for smtp-sink) with apt-get"
      apt_update
      echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null
    else
      echo "missing: smtp-sink. Run:  sudo apt-get install -y postfix" >&2
      exit 1
    fi
  fi
  # Dovecot is the IMAP server the feedback-mailbox tests start on loopback;
  # the package's own service is not needed (the tests run it with -F).
  if [ ! -x /usr/sbin/dovecot ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "installing dovecot-imapd (for the feedback tests) with apt-get"
      apt_update
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null
      command -v systemctl >/dev/null && systemctl disable --now dovecot >/dev/null 2>&1 || true
    else
      echo "missing: dovecot. Run:  sudo apt-get install -y dovecot-imapd (the IMAP tests are skipped without it)" >&2
    fi
  fi
  # Headless Chromium draws the HTML letters and the report in the tests
  # that read back what a browser shows (the DOM, the pay buttons' pixels).
  if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "installing chromium (the browser-rendering tests) with apt-get"
      apt_update
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null ||
        echo "warning: could not install chromium; the browser-rendering tests will be skipped" >&2
    else
      echo "missing: chromium. Run:  sudo apt-get install -y chromium (the browser-rendering tests are skipped without it)" >&2
    fi
  fi
  # The test servers' Python packages go into a virtual environment of the
  # repository's own (.venv-test/), never into Debian's system Python (PEP 668).
  venv="$(cd "$(dirname "$0")/.." && pwd)/.venv-test"
  if ! "$venv/bin/python3" -c 'import aiosmtpd, standardwebhooks, prometheus_client' 2>/dev/null; then
    if ! python3 -m venv --help >/dev/null 2>&1; then
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt_update
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      else
        echo "missing: python3-venv. Run:  sudo apt-get install -y python3-venv" >&2
        exit 1
      fi
    fi
    echo "installing the test servers' Python packages (aiosmtpd, standardwebhooks, prometheus_client) into $venv"
    python3 -m venv "$venv"
    "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check aiosmtpd standardwebhooks prometheus_client
    "$venv/bin/python3" -c 'import aiosmtpd, standardwebhooks, prometheus_client' || {
      echo "could not install them. Run:  $venv/bin/python3 -m pip install aiosmtpd standardwebhooks prometheus_client" >&2; exit 1; }
  fi
  # A second corpus of real bounces for the classifier's test: the test mail
  # in flufl.bounce's source distribution (GNU Mailman's bounce detector,
  # Apache-2.0), pinned by hash, judged by Sisimai (libsisimai-perl), the
  # reference parser ../shared/fixtures/bounces was judged by. Only that test
  # needs them and it skips without them, so a failure warns.
  if ! perl -MSisimai -MJSON -e 1 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "installing libsisimai-perl (reference verdicts for the bounce corpus test) with apt-get"
      apt_update
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsisimai-perl >/dev/null ||
        echo "warning: could not install libsisimai-perl; the flufl.bounce corpus test will be skipped" >&2
    else
      echo "missing: libsisimai-perl. Run:  sudo apt-get install -y libsisimai-perl (the flufl.bounce corpus test is skipped without it)" >&2
    fi
  fi
  corpora="$venv/corpora"
  if [ ! -d "$corpora/flufl_bounce-6.0.0/tests/data" ]; then
    echo "fetching flufl.bounce 6.0.0's test mail (a second real bounce corpus) into $corpora"
    download="$(mktemp -d)"
    if "$venv/bin/python3" -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
         -d "$download" flufl.bounce==6.0.0 &&
       echo "a1df16b9d1877ae4536f7d76c00d8421fcefbe694f80f5285d05c45a2547b1bc  $download/flufl_bounce-6.0.0.tar.gz" | sha256sum -c --quiet; then
      mkdir -p "$corpora" && tar -xzf "$download/flufl_bounce-6.0.0.tar.gz" -C "$corpora"
    else
      echo "warning: could not fetch flufl.bounce 6.0.0; the flufl.bounce corpus test will be skipped" >&2
    fi
    rm -rf "$download"
  fi
  # The MT940 test corpus (real statements from many banks) in the mt-940
  # package's 4.23.0 source distribution (its last with the tests; BSD),
  # pinned by hash, and that package itself, whose reading is the reference
  # the statement reader's test compares with. Only that test needs them and
  # it skips without them, so a failure warns.
  if [ ! -d "$corpora/mt-940-4.23.0/mt940_tests" ]; then
    echo "fetching mt-940 4.23.0's test statements (the MT940 corpus) into $corpora"
    download="$(mktemp -d)"
    if curl -fsSL -o "$download/mt-940-4.23.0.tar.gz" \
         https://files.pythonhosted.org/packages/1c/11/86964d856e774c3594a865c0874bd86e22cad691d2e29be84b117c806c92/mt-940-4.23.0.tar.gz &&
       echo "9274bc8298b2d4b69cb3936bdcda315b50e45975789f519a237bdec58346b8d7  $download/mt-940-4.23.0.tar.gz" | sha256sum -c --quiet; then
      mkdir -p "$corpora" && tar -xzf "$download/mt-940-4.23.0.tar.gz" -C "$corpora"
    else
      echo "warning: could not fetch mt-940 4.23.0; the MT940 corpus test will be skipped" >&2
    fi
    rm -rf "$download"
  fi
  if ! "$venv/bin/python3" -c 'import mt940' 2>/dev/null; then
    echo "installing mt-940 4.23.0 into $venv (the MT940 reference reading)"
    "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check mt-940==4.23.0 ||
      echo "warning: could not install mt-940; the MT940 corpus test will be skipped" >&2
  fi
  # An independent camt.053 reader, to show the generated camt samples
  # (scripts/camt-samples.py) say what they should. Only the camt test needs
  # it and it skips without it, so a failure warns.
  if ! "$venv/bin/python3" -c 'import bankstatementparser' 2>/dev/null; then
    echo "installing bankstatementparser 0.0.29 into $venv (the independent camt reading)"
    "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check bankstatementparser==0.0.29 ||
      echo "warning: could not install bankstatementparser; the camt sample test will be skipped" >&2
  fi
  # The pinned source of the bundled holiday calendars, for the test that
  # checks the generated data against it. Only that test needs it, and it
  # skips without it, so a failed install warns instead of stopping the run.
  requirements="$(dirname "$0")/holidays-requirements.txt"
  pin="$(sed -n 's/^holidays==//p' "$requirements")"
  if [ "$("$venv/bin/python3" -c 'import holidays; print(holidays.__version__)' 2>/dev/null)" != "$pin" ]; then
    echo "installing holidays $pin into $venv"
    "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check -r "$requirements" ||
      echo "warning: could not install holidays $pin; the generated-holiday-data test will be skipped" >&2
  fi
fi
