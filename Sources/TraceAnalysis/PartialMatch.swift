// PartialMatch: what is left of a condition once a span's name, kind and status are known.

import TraceKit

/// What is left of a condition once a span's name, kind and status are known (and, for a span of a batch, the
/// keys of its attributes).
enum PartialMatch {
    case always
    case never
    case depends(SpanMatch)

    init(_ match: SpanMatch, key: SpanPlanKey, attributeKeys: Set<String>? = nil) {
        switch match {
        case .any: self = .always
        case .spanName(let name): self = name == key.name ? .always : .never
        case .kind(let kind): self = kind == key.kind ? .always : .never
        case .isError: self = key.isError ? .always : .never
        case .hasAttribute(let name):
            if let attributeKeys {
                self = attributeKeys.contains(name) ? .always : .never
            } else {
                self = .depends(match)
            }
        case .attribute(let name, _):
            self = attributeKeys.map { $0.contains(name) } == false ? .never : .depends(match)
        case .all(let conditions):
            var left: [SpanMatch] = []
            for condition in conditions {
                switch PartialMatch(condition, key: key, attributeKeys: attributeKeys) {
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
                switch PartialMatch(condition, key: key, attributeKeys: attributeKeys) {
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
