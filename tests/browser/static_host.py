"""A static host for the browser test: serves a built site on loopback as Netlify
or Cloudflare Pages would, with the headers of its `_headers` file (the rules
for `/*` and for path prefixes ending in `*`) and its 404.html for missing files.

    python3 tests/browser/static_host.py PORT DIRECTORY
"""

import http.server
import os
import sys


def read_rules(directory):
    """`_headers` as a list of (path prefix, [(name, value)])."""
    rules = []
    try:
        with open(os.path.join(directory, "_headers"), encoding="utf-8") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return rules
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip().rstrip("*"), []))
        elif rules and ":" in line:
            name, value = line.strip().split(":", 1)
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    rules = read_rules(directory)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=directory, **kwargs)

        def end_headers(self):
            path = self.path.split("?", 1)[0]
            for prefix, headers in rules:
                if path.startswith(prefix):
                    for name, value in headers:
                        self.send_header(name, value)
            super().end_headers()

        def send_error(self, code, message=None, explain=None):
            page = os.path.join(directory, "404.html")
            if code != 404 or not os.path.exists(page):
                return super().send_error(code, message, explain)
            with open(page, "rb") as f:
                body = f.read()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
