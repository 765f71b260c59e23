import ErratumCore

/// What the preview adds to each HTML page it serves: a script that reloads the page when a
/// build changes it (keeping the scroll position), and the page's problems, shown over it.
enum LiveReload {
    /// Listens to `/.erratum-serve/events`; a `change` event names the pages a build changed
    /// (their paths, decoded) or says `all`.
    static let script = """
        // erratum serve: reload this page when a build changes it, at the same scroll position.
        (() => {
          const key = "erratum-serve-scroll:" + location.pathname;
          const saved = sessionStorage.getItem(key);
          if (saved !== null) {
            sessionStorage.removeItem(key);
            const restore = () => window.scrollTo(0, Number(saved));
            if (document.readyState === "complete") restore(); else addEventListener("load", restore);
          }
          // The site links files (`…/index.html`); a change names folders (`…/`).
          const here = decodeURI(location.pathname).replace(/index\\.html$/, "");
          const events = new EventSource("/.erratum-serve/events");
          events.addEventListener("change", (event) => {
            const change = JSON.parse(event.data);
            if (change.all || change.pages.includes(here)) {
              sessionStorage.setItem(key, String(window.scrollY));
              location.reload();
            }
          });
        })();

        """

    /// The markup put before `</body>`: the problems, if any, then the script.
    static func addition(problems: [Diagnostic]) -> String {
        var html = ""
        if !problems.isEmpty {
            let errors = problems.filter { $0.severity == .error }.count
            let summary = errors > 0 ? "\(errors) error\(errors == 1 ? "" : "s")" : "\(problems.count) warning\(problems.count == 1 ? "" : "s")"
            html += """
                <aside id="erratum-serve-problems" role="alert" style="position:fixed;left:0;right:0;bottom:0;z-index:2147483647;\
                max-height:45vh;overflow:auto;margin:0;padding:.75rem 1rem;background:#fff1f0;color:#5c0011;\
                border-top:3px solid #cf1322;font:14px/1.45 ui-monospace,monospace;box-shadow:0 -2px 8px rgba(0,0,0,.2)">\
                <strong>erratum serve: \(summary) in this page's build</strong><ul style="margin:.5rem 0 0;padding-left:1.25rem">
                """
            for problem in problems {
                html += "<li>" + HTMLText.escapeText(problem.description) + "</li>"
            }
            html += "</ul></aside>\n"
        }
        return html + "<script src=\"/.erratum-serve/reload.js\"></script>\n"
    }

    /// `page` with `addition` before its last `</body>`, or at its end when it has none.
    static func inject(_ addition: String, into page: [UInt8]) -> [UInt8] {
        let marker = Array("</body>".utf8)
        var index = page.count - marker.count
        while index >= 0 {
            if page[index] == UInt8(ascii: "<"), Array(page[index..<index + marker.count]) == marker {
                return Array(page[..<index]) + Array(addition.utf8) + Array(page[index...])
            }
            index -= 1
        }
        return page + Array(addition.utf8)
    }

    /// A fingerprint of an addition, for the page's ETag.
    static func stamp(_ addition: String) -> UInt64 {
        Digest.of(addition.utf8).low
    }
}
