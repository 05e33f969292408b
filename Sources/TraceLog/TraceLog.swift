// TraceLog: the compressed, append-only trace log (BGZF blocks): writer, reader, recovery.
