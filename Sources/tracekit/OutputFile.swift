// OutputFile: writes a command's result to a file (atomically) or to stdout.

import Foundation

enum OutputFile {
    /// Writes `bytes` to `path`, or to stdout when `path` is nil or "-".
    static func write(_ bytes: [UInt8], to path: String?) throws(CLIError) {
        guard let path, path != "-" else {
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .cannotWrite(path: path, reason: (error as NSError).localizedDescription)
        }
    }
}
