// PartialMatch: what is left of a condition once a span's name, kind and status are known.

import TraceKit

/// What is left of a condition once a span's name, kind and status are known.
enum PartialMatch {
    case always
    case never
    case depends(SpanMatch)

    init(_ match: SpanMatch, key: SpanPlanKey) {
        switch match {
        case .any: self = .always
        case .spanName(let name): self = name == key.name ? .always : .never
        case .kind(let kind): self = kind == key.kind ? .always : .never
        case .isError: self = key.isError ? .always : .never
        case .hasAttribute, .attribute: self = .depends(match)
        case .all(let conditions):
            var left: [SpanMatch] = []
            for condition in conditions {
                switch PartialMatch(condition, key: key) {
                case .never:
                    self = .never
                    return
                case .always: continue
                case .depends(let rest): left.append(rest)
                }
            }
            self = left.isEmpty ? .always : .depends(left.count == 1 ? left[0] : .all(left))
        case .anyOf(let conditions):
            var left: [SpanMatch] = []
            for condition in conditions {
                switch PartialMatch(condition, key: key) {
                case .always:
                    self = .always
                    return
                case .never: continue
                case .depends(let rest): left.append(rest)
                }
            }
            self = left.isEmpty ? .never : .depends(left.count == 1 ? left[0] : .anyOf(left))
        }
    }
}
