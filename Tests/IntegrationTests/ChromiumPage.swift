import Foundation

/// One tab of a `ChromiumBrowser`, on a DevTools session of its own; it records every request
/// and error of its documents from the moment it opened. It keeps its browser alive.
final class ChromiumPage: Sendable {
    /// The browser this tab belongs to.
    let browser: ChromiumBrowser
    /// The tab's target id, which is also its main frame's id.
    let targetID: String
    /// The session every command of this tab is sent on.
    let sessionID: String

    init(browser: ChromiumBrowser, targetID: String, sessionID: String) {
        self.browser = browser
        self.targetID = targetID
        self.sessionID = sessionID
    }

    /// Sends a protocol command on this tab's session, for what the methods here do not cover.
    ///
    /// - Returns: the answer's `result`.
    /// - Throws: `ChromiumError.commandFailed`, `.exited` or `.timedOut`.
    @discardableResult
    func send(_ method: String, _ params: [String: Any] = [:], timeout: Duration = .seconds(30)) throws -> [String: Any] {
        try browser.pipe.send(method, params, session: sessionID, timeout: timeout)
    }

    /// Loads `url` and waits for its load event, when images, styles and scripts are done.
    ///
    /// - Throws: `ChromiumError.navigationFailed` when no document could be loaded,
    ///   `.timedOut` when the load event does not come within `timeout`.
    func navigate(_ url: URL, timeout: Duration = .seconds(15)) throws {
        let before = browser.pipe.lastSequence
        let navigation = try send("Page.navigate", ["url": url.absoluteString], timeout: timeout)
        if let reason = navigation["errorText"] as? String, !reason.isEmpty {
            throw ChromiumError.navigationFailed(url: url.absoluteString, reason: reason)
        }
        // A same-document navigation (only the fragment changes) has no loader and no load event.
        if let loaderID = navigation["loaderId"] as? String {
            try browser.pipe.waitForEvent(after: before, session: sessionID, awaiting: "the load event of '\(url.absoluteString)'",
                                          timeout: timeout) { event in
                event.method == "Page.lifecycleEvent" && event.params["name"] as? String == "load"
                    && event.params["loaderId"] as? String == loaderID
            }
        }
        // The renderer sends its events in order: once this answer is in, so is every console
        // error and request of the document up to its load event.
        do {
            try evaluate("0")
        } catch ChromiumError.commandFailed(method: _, message: _) {
            // The document has already moved on by itself (a meta refresh): nothing to wait for.
        }
    }

    /// Runs `expression` in the page, awaits it when it is a promise, and returns its value as
    /// JSON gives it (String, NSNumber, Bool, arrays, dictionaries), nil for undefined and null;
    /// NaN, ±Infinity and -0 come back as Double, a BigInt as its text.
    ///
    /// - Throws: `ChromiumError.scriptFailed` with the exception's text when the script throws
    ///   or its promise is rejected.
    @discardableResult
    func evaluate(_ expression: String) throws -> Any? {
        let result = try remoteObject(expression, timeout: .seconds(30))
        if let value = result["value"], !(value is NSNull) { return value }
        if let unserializable = result["unserializableValue"] as? String {
            return Double(unserializable) ?? unserializable
        }
        return nil
    }

    /// `evaluate(_:)`, cast to `type`.
    ///
    /// - Throws: what `evaluate(_:)` throws, and `ChromiumError.unexpectedValue` for a value of
    ///   another type.
    func evaluate<Value>(_ expression: String, as type: Value.Type) throws -> Value {
        let value = try evaluate(expression)
        guard let typed = value as? Value else {
            throw ChromiumError.unexpectedValue(expression: expression, value: value.map { "\($0)" } ?? "null",
                                                expected: "\(Value.self)")
        }
        return typed
    }

    /// Focuses the element `selector` finds and types `text` into it as a keyboard would: the
    /// page's `beforeinput` and `input` handlers run.
    ///
    /// - Throws: `ChromiumError.scriptFailed` when nothing matches or the element takes no focus.
    func type(_ text: String, into selector: String) throws {
        let quoted = try Self.javaScriptString(selector)
        try evaluate("""
            (() => {
                const element = document.querySelector(\(quoted));
                if (!element) throw new Error('no element matches ' + \(quoted));
                element.focus();
                if (document.activeElement !== element) throw new Error(\(quoted) + ' takes no focus');
            })()
            """)
        try send("Input.insertText", ["text": text])
    }

    /// Presses and releases a key as a keyboard would (`Tab`, `Enter`, `Escape`, `ArrowDown`,
    /// `ArrowUp`, a letter), with Shift when asked: the browser moves the focus, follows a
    /// focused link, opens a focused summary, and the page's key handlers run.
    func press(_ key: String, shift: Bool = false) throws {
        let codes: [String: (code: String, keyCode: Int, text: String?)] = [
            "Tab": ("Tab", 9, nil), "Enter": ("Enter", 13, "\r"), "Escape": ("Escape", 27, nil), " ": ("Space", 32, " "),
            "ArrowDown": ("ArrowDown", 40, nil), "ArrowUp": ("ArrowUp", 38, nil),
        ]
        let known = codes[key] ?? ("Key" + key.uppercased(), Int(key.uppercased().unicodeScalars.first?.value ?? 0), key)
        var down: [String: Any] = ["type": known.text == nil ? "rawKeyDown" : "keyDown", "key": key, "code": known.code,
                                   "windowsVirtualKeyCode": known.keyCode, "nativeVirtualKeyCode": known.keyCode,
                                   "modifiers": shift ? 8 : 0]
        if let text = known.text { down["text"] = text }
        try send("Input.dispatchKeyEvent", down)
        try send("Input.dispatchKeyEvent", ["type": "keyUp", "key": key, "code": known.code, "windowsVirtualKeyCode": known.keyCode,
                                            "nativeVirtualKeyCode": known.keyCode, "modifiers": shift ? 8 : 0])
    }

    /// Polls `expression` every 50 ms until it is `true` (a boolean, not merely truthy).
    ///
    /// A script error or a document being replaced only means "not yet".
    /// - Throws: `ChromiumError.conditionNotMet` with the last value or error seen.
    func waitFor(_ expression: String, timeout: Duration = .seconds(15)) throws {
        try poll(expression, timeout: timeout) { lastSeen in
            let result = try remoteObject(expression, timeout: timeout)
            lastSeen = result["description"] as? String ?? result["value"].map { "\($0)" } ?? "\(result["type"] ?? "nothing")"
            return result["type"] as? String == "boolean" && result["value"] as? Bool == true ? () : nil
        }
    }

    /// Waits until `location.href` satisfies `matches` and that document has loaded: for pages
    /// that move on by themselves (`<meta http-equiv="refresh">`, a script).
    ///
    /// - Returns: the URL the page is at.
    /// - Throws: `ChromiumError.conditionNotMet` with the last URL seen.
    @discardableResult
    func waitForURL(matching matches: (String) -> Bool, timeout: Duration = .seconds(15)) throws -> String {
        try poll("the page's URL", timeout: timeout) { lastSeen in
            let state = try evaluate("[location.href, document.readyState]") as? [Any] ?? []
            guard let href = state.first as? String, let readyState = state.last as? String else { return nil }
            lastSeen = "'\(href)' (\(readyState))"
            return matches(href) && readyState == "complete" ? href : nil
        }
    }

    /// Every URL the tab asked for since it opened, in order: documents, redirects, styles,
    /// scripts, images, fetches.
    var requestedURLs: [String] {
        browser.pipe.events(session: sessionID, ["Network.requestWillBeSent"]).compactMap { event in
            (event.params["request"] as? [String: Any])?["url"] as? String
        }
    }

    /// Every error of the tab since it opened, in order: `console.error` calls ("console.error:
    /// …"), uncaught exceptions and rejections ("Uncaught …"), and the browser's own error
    /// entries, such as a resource that failed to load ("… (url)").
    var consoleErrors: [String] {
        browser.pipe.events(session: sessionID, ["Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded"])
            .compactMap(Self.error(in:))
    }

    /// Saves a PNG of the whole page, below the fold too, at `path`, creating its folder.
    ///
    /// - Throws: a refused command, or the file system's error.
    func screenshot(to path: String) throws {
        let metrics = try send("Page.getLayoutMetrics")
        let content = (metrics["cssContentSize"] ?? metrics["contentSize"]) as? [String: Any] ?? [:]
        guard let width = (content["width"] as? NSNumber)?.doubleValue, let height = (content["height"] as? NSNumber)?.doubleValue,
              width > 0, height > 0 else {
            throw ChromiumError.commandFailed(method: "Page.getLayoutMetrics", message: "no content size in \(metrics)")
        }
        let shot = try send("Page.captureScreenshot", [
            "format": "png", "captureBeyondViewport": true,
            "clip": ["x": 0, "y": 0, "width": width, "height": height, "scale": 1],
        ], timeout: .seconds(60))
        guard let base64 = shot["data"] as? String, let png = Data(base64Encoded: base64) else {
            throw ChromiumError.commandFailed(method: "Page.captureScreenshot", message: "no image in the answer")
        }
        let file = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try png.write(to: file)
    }

    /// Closes the tab and forgets what it recorded; the browser stays open.
    func close() {
        _ = try? browser.pipe.send("Target.closeTarget", ["targetId": targetID], timeout: .seconds(5))
        browser.pipe.forget(session: sessionID)
    }

    /// Runtime.evaluate by value; its `result` remote object.
    private func remoteObject(_ expression: String, timeout: Duration) throws -> [String: Any] {
        let answer = try send("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true],
                              timeout: timeout)
        if let details = answer["exceptionDetails"] as? [String: Any] {
            throw ChromiumError.scriptFailed(expression: expression, exception: Self.exception(details))
        }
        return answer["result"] as? [String: Any] ?? [:]
    }

    /// Tries `attempt` every 50 ms until it returns a value; refused commands and script errors
    /// (a document being replaced) count as "not yet", a browser gone ends the wait at once.
    private func poll<Found>(_ condition: String, timeout: Duration, _ attempt: (inout String) throws -> Found?) throws -> Found {
        let deadline = ContinuousClock.now + timeout
        var lastSeen = "nothing"
        while true {
            do {
                if let found = try attempt(&lastSeen) { return found }
            } catch let error as ChromiumError {
                switch error {
                case .commandFailed, .scriptFailed: lastSeen = error.description
                default: throw error
                }
            }
            guard ContinuousClock.now < deadline else {
                throw ChromiumError.conditionNotMet(condition: condition, after: timeout, lastSeen: lastSeen)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    private static func javaScriptString(_ text: String) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: text, options: .fragmentsAllowed), as: UTF8.self)
    }

    /// The error an event reports, if it reports one.
    private static func error(in event: DevToolsPipe.Message) -> String? {
        let params = event.params
        switch event.method {
        case "Runtime.consoleAPICalled" where params["type"] as? String == "error":
            let arguments = params["args"] as? [[String: Any]] ?? []
            return "console.error: " + arguments.map { argument in
                argument["value"] as? String ?? argument["description"] as? String ?? argument["value"].map { "\($0)" } ?? "undefined"
            }.joined(separator: " ")
        case "Runtime.exceptionThrown":
            return exception(params["exceptionDetails"] as? [String: Any] ?? [:])
        case "Log.entryAdded":
            guard let entry = params["entry"] as? [String: Any], entry["level"] as? String == "error" else { return nil }
            let text = entry["text"] as? String ?? "?"
            return (entry["url"] as? String).map { "\(text) (\($0))" } ?? text
        default:
            return nil
        }
    }

    /// "Uncaught Error: message\n    at …" from Runtime's exception details.
    private static func exception(_ details: [String: Any]) -> String {
        let text = details["text"] as? String ?? "Uncaught"
        guard let exception = details["exception"] as? [String: Any] else { return text }
        let thrown = exception["description"] as? String ?? exception["value"].map { "\($0)" } ?? "?"
        return text + " " + thrown
    }
}
