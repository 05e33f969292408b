// ProgressOption: the `--progress auto|always|never` option shared by the commands that read logs.

import ArgumentParser

/// When to draw the progress bar on stderr.
enum ProgressMode: String, ExpressibleByArgument, CaseIterable {
    /// Only when stderr is a terminal and the input is large (at least 4 MB).
    case auto
    /// Always, whatever stderr is and however small the input (at least one drawing).
    case always
    /// Never.
    case never
}

/// `--progress`, included in every command that reads logs.
struct ProgressOption: ParsableArguments {
    @Option(help: "Progress bar on stderr: auto (a terminal and a large input), always or never.")
    var progress: ProgressMode = .auto
}
