#!/usr/bin/env bash
# Browser test of an encrypted portal and of the Content-Security-Policy: builds a
# site with one encrypted customer using the gangway binary, serves it on loopback
# (with the policy header from `_headers`), and drives headless Chromium through
# tests/browser/seal.mjs (wrong passphrase, right passphrase, remembered
# passphrase, encrypted download) and tests/browser/csp.mjs (no policy violation
# on public pages, the unlocked portal and its timeline); then runs `gangway
# serve` on a copy of the site and checks live reload and the error overlay
# under the policy. Then builds the example site of the repository on a day its
# customers run late and checks every portal's timeline at 320, 390 and 1280 px
# (tests/browser/timeline.mjs: no clipped name, no overlapping tick label, no
# axe-core violation), every page type with axe-core (WCAG 2.2 A/AA, light and
# dark), sideways scrolling and the printed checklist (tests/browser/pages.mjs), and its search box (tests/browser/search.mjs). Last, the example site's forms end to end
# (tests/browser/roundtrip.mjs): a task reported done and stuck, a milestone rated
# and an article voted on, posted to contrib/form_endpoint.py on loopback, read
# back by `gangway ingest` and shown by the next build. Installs Chromium and the Noto fonts (Debian packages),
# playwright-core and axe-core (npm) when they are missing.
#
#   bash tests/browser/run.sh [path/to/gangway] [screenshot folder]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
gangway=${1:-$repo/target/debug/gangway}
shots=${2:-}

if ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi
fi
# Without them Nepali and Lao are drawn as boxes and measured wrongly.
# (grep reads all of fc-list's output: with -q it could stop early, and pipefail
# would read fc-list's broken pipe as fonts missing.)
if ! fc-list 2>/dev/null | grep "Noto Sans Lao" >/dev/null; then
  echo "installing fonts-noto-core"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq fonts-noto-core >/dev/null
  else sudo apt-get install -y -qq fonts-noto-core >/dev/null; fi
fi
deps="$repo/target/browser-deps"
for package in playwright-core@1 axe-core@4; do
  if [ ! -d "$deps/node_modules/${package%@*}" ]; then
    echo "installing ${package%@*}"
    mkdir -p "$deps"
    npm install --silent --no-audit --no-fund --prefix "$deps" "$package" >/dev/null
  fi
done
[ -x "$gangway" ] || (cd "$repo" && cargo build --locked --quiet)

site=$(mktemp -d)
trap 'rm -rf "$site"; for p in ${server:-} ${serve:-} ${example:-} ${recorder:-} ${forms_host:-} ${roundtrip_recorder:-} ${actions_host:-}; do kill "$p" 2>/dev/null || true; done' EXIT
"$gangway" init "$site/site" >/dev/null 2>&1
printf 'encrypt:\n  passphrase_env: GANGWAY_TEST_PASSPHRASE\n' >> "$site/site/customers/example-customer.yaml"
export GANGWAY_TEST_PASSPHRASE="correct horse battery staple"
export GANGWAY_PORTAL_SECRET="browser test secret, long enough to be accepted"
"$gangway" build --root "$site/site" --today 2026-12-14
# Nothing of the customer may be readable in the published files.
if grep -rlE "Example Customer|Alex Kim|alex@customer|Sam Lee" "$site/site/public"; then
  echo "FAIL: customer text in plain text in the output" >&2; exit 1
fi
portal=$("$gangway" links --root "$site/site" | awk -F'\t' '$1=="example-customer"{print $2}' | sed -E 's#^https?://[^/]+/##')

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
python3 "$here/static_host.py" "$port" "$site/site/public" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done

NODE_PATH="$deps/node_modules" node "$here/seal.mjs" "http://127.0.0.1:$port/$portal" \
  --passphrase "$GANGWAY_TEST_PASSPHRASE" --marker "Example Customer Ltd" \
  --next "http://127.0.0.1:$port/${portal}checklist/" --next-marker "Create the administrator account" \
  --search-word password \
  ${shots:+--shots "$shots"}

NODE_PATH="$deps/node_modules" node "$here/csp.mjs" built "http://127.0.0.1:$port/" \
  "http://127.0.0.1:$port/$portal" "$GANGWAY_TEST_PASSPHRASE" ${shots:+--shots "$shots"}

# `gangway serve` on a copy without encryption (sealing is slow in a debug build).
cp -r "$site/site" "$site/served"
rm -rf "$site/served/public"
sed -i '/^encrypt:/,$d' "$site/served/customers/example-customer.yaml"
serve_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$gangway" serve --root "$site/served" --port "$serve_port" --today 2026-12-14 >"$site/serve.log" 2>&1 &
serve=$!
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$serve_port/__gangway/status" >/dev/null && break; sleep 0.1; done
NODE_PATH="$deps/node_modules" node "$here/csp.mjs" serve "http://127.0.0.1:$serve_port/" "$site/served"

# The portal's forms (issue 20): an encrypted portal whose forms post to a
# recording endpoint on loopback, with and without JavaScript.
cp -r "$site/site" "$site/forms"
rm -rf "$site/forms/public"
endpoint_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
printf '\n[actions]\nendpoint = "http://127.0.0.1:%s/submit"\n' "$endpoint_port" >> "$site/forms/gangway.toml"
printf '  - id: kicked-off\n    title: Kickoff done\n    after: [kickoff]\n' >> "$site/forms/playbooks/standard.yaml"
sed -i 's/kickoff: { status: in-progress }/kickoff: { status: done, on: 2026-12-03 }/' "$site/forms/customers/example-customer.yaml"
"$gangway" build --root "$site/forms" --today 2026-12-14 >/dev/null 2>&1
python3 "$here/endpoint.py" "$endpoint_port" "$site/submissions.jsonl" >/dev/null 2>&1 &
recorder=$!
forms_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
python3 "$here/static_host.py" "$forms_port" "$site/forms/public" >/dev/null 2>&1 &
forms_host=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$forms_port/" >/dev/null && break; sleep 0.1; done
forms_portal=$("$gangway" links --root "$site/forms" | awk -F'\t' '$1=="example-customer"{print $2}' | sed -E 's#^https?://[^/]+/##')
NODE_PATH="$deps/node_modules" node "$here/actions.mjs" "http://127.0.0.1:$forms_port/$forms_portal" \
  "http://127.0.0.1:$forms_port/kb/getting-started/" "$GANGWAY_TEST_PASSPHRASE" "$site/submissions.jsonl"

# The example site's portals on a day they run late: every timeline in its language.
"$gangway" build --root "$repo" --output "$site/example" --today 2027-01-20 >/dev/null 2>&1
example_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
python3 "$here/static_host.py" "$example_port" "$site/example" >/dev/null 2>&1 &
example=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$example_port/" >/dev/null && break; sleep 0.1; done
links=$("$gangway" links --root "$repo" 2>/dev/null | sed -E "s#https?://[^/]+/#http://127.0.0.1:$example_port/#")
portals=$(printf '%s\n' "$links" | awk -F'\t' '$1!="dashboard"{print $2}')
dashboard=$(printf '%s\n' "$links" | awk -F'\t' '$1=="dashboard" && NF==2{print "dashboard:" $2}')
# shellcheck disable=SC2086
NODE_PATH="$deps/node_modules" node "$here/timeline.mjs" $portals $dashboard \
  "public:http://127.0.0.1:$example_port/playbooks/saas/" "public:http://127.0.0.1:$example_port/ne/playbooks/base/" \
  ${shots:+--shots "$shots"}

# Every page type of the example site (tests/browser/pages.mjs): axe-core with the
# WCAG 2.2 A and AA rules at 390 and 1280 px in the light and the dark scheme, no
# public page scrolling sideways at 320 or 390 px (tables scroll in their own
# region), no request for a missing file, and the biggest checklist printed to PDF
# on at most 4 A4 pages with its date, contact and colour keys.
page_args=$(printf '%s\n' "$links" | awk -F'\t' '$1!="dashboard"{print "--portal " $2} $1=="dashboard" && NF==2{print "--dashboard " $2}')
# shellcheck disable=SC2086
NODE_PATH="$deps/node_modules" node "$here/pages.mjs" --site "http://127.0.0.1:$example_port/" --out "$site/example" \
  $page_args --pdf-max 4 ${shots:+--shots "$shots"}

# Search on the example site (tests/browser/search.mjs): Lao and Nepali words found
# and followed to their section, the keyboard, nothing fetched before the box has
# focus, axe-core with the results open, and the A–Z page without JavaScript.
# Its queries in every language give the pages `gangway search` gives, in its order.
NODE_PATH="$deps/node_modules" node "$here/search.mjs" "http://127.0.0.1:$example_port/" \
  --gangway "$gangway" "$repo" ${shots:+--shots "$shots"}

# The whole round trip on the example site: its forms post to the self-hosted
# recorder README offers (contrib/form_endpoint.py); a task done and one stuck, a
# milestone rated and an article voted on in Chromium (tests/browser/roundtrip.mjs);
# then `gangway ingest` reads what was recorded, a second ingest changes nothing,
# and the rebuilt site shows the task done, the note escaped and the rating on the
# dashboard.
today=$(date -u +%F)
mkdir -p "$site/actions"
for entry in gangway.toml playbooks customers content themes static feedback; do
  [ -e "$repo/$entry" ] && cp -r "$repo/$entry" "$site/actions/"
done
form_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
python3 "$repo/contrib/form_endpoint.py" --port "$form_port" --out "$site/recorded.jsonl" &
roundtrip_recorder=$!
python3 - "$site/actions/gangway.toml" "http://127.0.0.1:$form_port/submit" <<'PY'
import re, sys
path, endpoint = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
text = re.sub(r'(?m)^endpoint = .*$', f'endpoint = "{endpoint}"', text)
if f'"{endpoint}"' not in text:
    text += f'\n[actions]\nendpoint = "{endpoint}"\n'
open(path, "w", encoding="utf-8").write(text)
PY
"$gangway" build --root "$site/actions" --output "$site/actions-out" --today "$today" >/dev/null 2>&1
actions_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
python3 "$here/static_host.py" "$actions_port" "$site/actions-out" >/dev/null 2>&1 &
actions_host=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$actions_port/" >/dev/null && break; sleep 0.1; done
# What to act on, from the portals' plan.json: a customer's two open tasks of its own,
# and a milestone a finished customer reached.
read -r checklist task stuck overview milestone article < <(python3 - "$site/actions-out" "$("$gangway" links --root "$site/actions" 2>/dev/null)" <<'PY'
import json, os, sys
out, links = sys.argv[1], sys.argv[2]
portals = {l.split("\t")[0]: l.split("\t")[1].split("/", 3)[3] for l in links.splitlines() if l.count("\t") >= 1 and not l.startswith("dashboard")}
def plan(customer):
    return json.load(open(os.path.join(out, portals[customer], "plan.json"), encoding="utf-8"))
acting = rated = None
for customer in sorted(portals):
    p = plan(customer)
    open_tasks = [t["id"] for ph in p["phases"] for t in ph["tasks"]
                  if t["side"] == "customer" and t["status"] in ("todo", "in-progress")
                  and t.get("action", "done") == "done"]
    if acting is None and len(open_tasks) >= 2:
        acting = (customer, open_tasks[0], open_tasks[1])
    reached = [m["id"] for m in p["milestones"] if m["status"] == "done"]
    if rated is None and reached:
        feedback = os.path.join(os.path.dirname(out), "actions", "feedback", customer + ".yaml")
        taken = open(feedback, encoding="utf-8").read() if os.path.exists(feedback) else ""
        free = [m for m in reached if f"milestone: {m}" not in taken]
        if free:
            rated = (customer, free[-1])
article = next(os.path.relpath(os.path.join(d, "index.html"), out)[:-len("index.html")]
               for d, _, files in sorted(os.walk(os.path.join(out, "kb"))) if "index.html" in files and d != os.path.join(out, "kb"))
print(portals[acting[0]] + "checklist/", acting[1], acting[2], portals[rated[0]], rated[1], article)
PY
)
base="http://127.0.0.1:$actions_port/"
NODE_PATH="$deps/node_modules" node "$here/roundtrip.mjs" --recorded "$site/recorded.jsonl" \
  --checklist "$base$checklist" --task "$task" --stuck-task "$stuck" \
  --overview "$base$overview" --milestone "$milestone" --article "$base$article" \
  ${shots:+--shots "$shots"}
"$gangway" ingest "$site/recorded.jsonl" --root "$site/actions" --today "$today"
before=$(cat "$site/actions"/customers/*.yaml "$site/actions"/feedback/*.yaml "$site/actions"/feedback/*/*.yaml 2>/dev/null | sha256sum)
"$gangway" ingest "$site/recorded.jsonl" --root "$site/actions" --today "$today" >/dev/null
after=$(cat "$site/actions"/customers/*.yaml "$site/actions"/feedback/*.yaml "$site/actions"/feedback/*/*.yaml 2>/dev/null | sha256sum)
[ "$before" = "$after" ] || { echo "FAIL: ingesting the same submissions again changed the files" >&2; exit 1; }
"$gangway" build --root "$site/actions" --output "$site/actions-out" --today "$today" >/dev/null 2>&1
python3 - "$site/actions-out" "$checklist" "$task" "$stuck" <<'PY'
import json, os, sys
out, checklist, task, stuck = sys.argv[1:]
plan = json.load(open(os.path.join(out, checklist, "..", "plan.json"), encoding="utf-8"))
items = {t["id"]: t for ph in plan["phases"] for t in ph["tasks"]}
assert items[task]["status"] == "done" and items[task].get("reported") is True, items[task]
assert items[stuck]["status"] == "blocked" and "{{ customer.name }}" in items[stuck]["note"], items[stuck]
page = open(os.path.join(out, checklist, "index.html"), encoding="utf-8").read()
assert "&lt;b&gt;IT&lt;/b&gt;" in page and "<b>IT</b>" not in page, "the note is not escaped on the checklist"
print("ok   ingest applied the task done and the stuck note; the rebuilt checklist shows them, escaped")
PY
dashboard_dir=$("$gangway" links --root "$site/actions" | awk -F'\t' '$1=="dashboard"{print $2}' | sed -E 's#^https?://[^/]+/##')
grep -q "Smooth, thank you" "$site/actions-out/${dashboard_dir}index.html" \
  || { echo "FAIL: the rating's comment is not on the dashboard" >&2; exit 1; }
echo "ok   the rating reached the dashboard"

