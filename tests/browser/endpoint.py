"""A form endpoint for the browser test, as a form service would be: records
each POST (form-encoded fields) as one JSON line in a file, answers JSON with
CORS headers for fetch, and a small page for a plain form submission.

    python3 tests/browser/endpoint.py PORT RECORD_FILE
"""

import http.server
import json
import sys
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8")
        fields = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
        fields["_js"] = "application/json" in self.headers.get("Accept", "")
        with open(sys.argv[2], "a", encoding="utf-8") as f:
            f.write(json.dumps(fields) + "\n")
        if fields["_js"]:
            data, kind = b'{"ok":true}', "application/json"
        else:
            data, kind = b"<!DOCTYPE html><title>Thank you</title><p>Thank you</p>", "text/html"
        self.send_response(200)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
