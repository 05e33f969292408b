// Exports: TraceKit's package-internal helpers that its sibling modules use through `import TraceKit`.

@_exported import TraceSync
