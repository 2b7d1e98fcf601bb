#!/usr/bin/env python3
"""A small self-hosted form endpoint for gangway portals: it records every
submission of the portal's forms (task actions, ratings, page votes) as one JSON
object per line, the way a hosted form service would, for `gangway ingest` to
read. Standard library only; run it behind your web server's TLS.

    python3 contrib/form_endpoint.py --port 8787 --out submissions.jsonl \
        [--bind 127.0.0.1] [--allow-origin https://onboarding.example.com]

Then set `[actions] endpoint = "https://forms.example.com/submit"` (the address
your web server forwards to this process) in gangway.toml, and fetch
`submissions.jsonl` from the job that runs `gangway ingest`.

What it does, and what it does not:
- It accepts `POST` with `application/x-www-form-urlencoded` or
  `multipart/form-data` bodies up to 64 KB, keeps only the fields gangway's
  forms send, and appends them with `received_at` (UTC, RFC 3339).
- It verifies nothing: signatures are checked by `gangway ingest`, which holds
  the portal secret. Keep the secret off this machine.
- A browser with JavaScript asks for JSON (`Accept: application/json`) and gets
  `{"ok": true}`; without JavaScript the browser shows a short thank-you page.
- Cross-origin requests are allowed from `--allow-origin` (default: any).
"""

import argparse
import datetime
import email.parser
import email.policy
import http.server
import json
import threading
import urllib.parse

FIELDS = {
    "customer", "task", "milestone", "action", "issued", "sig",
    "note", "by", "rating", "comment", "page", "lang", "helpful",
}
MAX_BODY = 64 * 1024
THANKS = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Thank you</title></head>
<body><h1>Thank you</h1><p>We have received it. You can go back to your portal:
it shows the change after our next update.</p></body></html>
"""


def form_fields(content_type, body):
    """The submitted fields of a form body, as {name: value} (the first value of
    a repeated name), or None when the body is not a form."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        pairs = urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    elif kind == "multipart/form-data":
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        if not message.is_multipart():
            return None
        pairs = []
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name is None or part.get_filename() is not None:
                continue
            payload = part.get_payload(decode=True) or b""
            pairs.append((name, payload.decode(part.get_content_charset() or "utf-8", "replace")))
    else:
        return None
    fields = {}
    for name, value in pairs:
        if name in FIELDS and name not in fields:
            fields[name] = value
    return fields


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument("--out", required=True, help="the JSON Lines file to append to")
    parser.add_argument("--allow-origin", default="*")
    args = parser.parse_args()
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def cors(self):
            self.send_header("Access-Control-Allow-Origin", args.allow_origin)
            self.send_header("Vary", "Origin")

        def do_OPTIONS(self):
            self.send_response(204)
            self.cors()
            self.send_header("Access-Control-Allow-Methods", "POST")
            self.send_header("Access-Control-Allow-Headers", "Accept, Content-Type")
            self.send_header("Access-Control-Max-Age", "86400")
            self.end_headers()

        def answer(self, status, wants_json, ok):
            if wants_json:
                body = json.dumps({"ok": ok}).encode()
                kind = "application/json"
            else:
                body = (THANKS if ok else "<!DOCTYPE html><title>Not accepted</title><p>Not accepted.</p>").encode()
                kind = "text/html; charset=utf-8"
            self.send_response(status)
            self.cors()
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            wants_json = "application/json" in self.headers.get("Accept", "")
            try:
                length = int(self.headers.get("Content-Length", "0"))
            except ValueError:
                length = -1
            if length < 0 or length > MAX_BODY:
                self.answer(413, wants_json, False)
                return
            fields = form_fields(self.headers.get("Content-Type", ""), self.rfile.read(length))
            if not fields or "action" not in fields:
                self.answer(400, wants_json, False)
                return
            fields["received_at"] = (
                datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
            )
            line = json.dumps(fields, ensure_ascii=False, sort_keys=True) + "\n"
            with lock, open(args.out, "a", encoding="utf-8") as f:
                f.write(line)
            self.answer(200, wants_json, True)

        def log_message(self, *_):
            pass

    server = http.server.ThreadingHTTPServer((args.bind, args.port), Handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
