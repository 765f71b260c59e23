#!/usr/bin/env python3
"""Measures `erratum serve` on a content tree: time to first page, edit-to-reload latency,
resident memory, and pages per second under wrk. Run by `scripts/bench serve`.

    serve.py ERRATUM CONTENT OUTPUT PAGE_URL EDITS_FILE

EDITS_FILE lists, one per line, a document path (under CONTENT) and its page's URL path,
separated by a tab. Each edit appends a line to the document; its latency runs from the
moment the file is closed to the moment the change event naming its page arrives on an
event stream, as the live-reload script in a browser receives it.
"""
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time


def get(port, path, timeout=30):
    """One GET over a new connection; returns the status code."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                break
            data += chunk
    return int(data.split(b" ", 2)[1])


def start(erratum, content, output):
    """Starts the server; returns the process, its port, and the seconds until its first page."""
    started = time.monotonic()
    process = subprocess.Popen([erratum, "serve", "--content", content, "--output", output, "--port", "0"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    port = None
    while port is None:
        line = process.stderr.readline()
        if not line:
            raise SystemExit("erratum serve ended before it listened")
        match = re.search(r"serving http://127\.0\.0\.1:(\d+)/", line)
        if match:
            port = int(match.group(1))
    return process, port, started


def first_page(port, page, started):
    while True:
        try:
            if get(port, page) == 200:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.01)


def drain(process):
    """Keeps reading the server's log so that it never blocks on a full pipe."""
    import threading
    lines = []
    thread = threading.Thread(target=lambda: lines.extend(iter(process.stderr.readline, "")), daemon=True)
    thread.start()
    return lines


def rss(pid):
    status = open(f"/proc/{pid}/status").read()
    current = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) // 1024
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) // 1024
    return current, peak


def main():
    erratum, content, output, page, edits_file = sys.argv[1:6]
    edits = [line.rstrip("\n").split("\t") for line in open(edits_file) if line.strip()]
    results = {}

    # Cold: no output folder, no cache, three times (the first two stopped at their first page,
    # which cancels their build and leaves nothing); the median counts. Then warm: the output
    # and cache the third cold start built.
    subprocess.run(["rm", "-rf", output, os.path.join(os.path.dirname(output), "." + os.path.basename(output) + ".cache")], check=True)
    cold = []
    for attempt in range(3):
        process, port, started = start(erratum, content, output)
        log = drain(process)
        cold.append(first_page(port, page, started))
        if attempt < 2:
            process.terminate()
            process.wait()
            if os.path.exists(os.path.join(output, "docs")):
                raise SystemExit("a cancelled first build left an output behind")
    results["first-page-cold"] = statistics.median(cold)
    # The first build done, before the next start or the edits.
    while not any("erratum: built" in line for line in log):
        time.sleep(0.05)
    results["first-build-cold"] = time.monotonic() - started
    process.terminate()
    process.wait()
    process, port, started = start(erratum, content, output)
    log = drain(process)
    results["first-page-warm"] = first_page(port, page, started)
    while not any("erratum: built" in line for line in log):
        time.sleep(0.05)

    # Edits, each waited for on an event stream. First with the preview idle before each edit
    # (the build that follows the previous one finished), as a writer saves and looks; then
    # back to back, a tenth of a second after the previous page's event.
    events = socket.create_connection(("127.0.0.1", port))
    events.sendall(b"GET /.erratum-serve/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    events.settimeout(60)

    def builds():
        return sum(1 for line in list(log) if "erratum: built" in line or "build failed" in line)

    def edit(path, url, idle):
        before = builds()
        with open(os.path.join(content, path), "a") as file:
            file.write(f"\nBench edit {time.time_ns()}.\n")
        written = time.monotonic()
        needle = json.dumps(url).encode()
        buffer = b""
        while needle not in buffer:
            chunk = events.recv(65536)
            if not chunk:
                raise SystemExit("the event stream closed")
            buffer += chunk
        latency = time.monotonic() - written
        if idle:
            while builds() <= before:
                time.sleep(0.01)
        else:
            time.sleep(0.1)
        return latency

    for kind, idle in (("idle", True), ("back-to-back", False)):
        latencies = sorted(edit(path, url, idle) for path, url in edits)
        results[f"reload-{kind}-p50"] = statistics.median(latencies)
        results[f"reload-{kind}-p99"] = latencies[min(len(latencies) - 1, int(round(0.99 * (len(latencies) - 1))))]
        results[f"reload-{kind}-max"] = latencies[-1]
    results["edits"] = len(edits)
    events.close()
    rendered_first = sum(1 for line in list(log) if "erratum: rendered" in line)
    results["rendered-first"] = rendered_first
    results["rss-mib"], results["peak-rss-mib"] = rss(process.pid)

    # Pages per second: wrk on one page, two threads, 16 connections, 10 seconds.
    wrk = subprocess.run(["wrk", "-t2", "-c16", "-d10s", f"http://127.0.0.1:{port}{page}"], capture_output=True, text=True, check=True)
    results["pages-per-second"] = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk.stdout).group(1))
    results["rss-after-wrk-mib"] = rss(process.pid)[0]
    process.terminate()
    process.wait()
    print(json.dumps(results))


main()
