import Foundation

/// Starts the real programs the integration tests drive (nginx, Apache httpd, Chromium).
enum Spawn {
    /// Starts `executable` with standard input from /dev/null and standard output and error
    /// into `output`, plus `extra` file actions; returns its pid, or the `posix_spawn` error.
    ///
    /// The test runner's threads block signals, and a child inherits that mask: the child
    /// starts with none blocked and every disposition at its default, or it never sees the
    /// SIGTERM that stops it. `newProcessGroup` lets the caller end the child's whole group.
    static func start(_ executable: String, arguments: [String], output: String, environment: [String: String]? = nil,
                      newProcessGroup: Bool = false,
                      extra: (inout posix_spawn_file_actions_t) -> Void = { _ in }) -> Result<pid_t, POSIXError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        extra(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if newProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status: Int32
        if let environment {
            let envp = environment.sorted { $0.key < $1.key }.map { strdup($0.key + "=" + $0.value) } + [nil]
            defer { envp.forEach { free($0) } }
            status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        } else {
            status = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        }
        guard status == 0 else { return .failure(POSIXError(POSIXErrorCode(rawValue: status) ?? .EIO)) }
        return .success(pid)
    }
}
