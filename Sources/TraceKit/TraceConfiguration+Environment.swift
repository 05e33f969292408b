// TraceConfiguration+Environment: service, resource attributes and sampler from the OpenTelemetry SDK variables.

extension TraceConfiguration {
    /// A configuration whose service name, resource attributes and sampler come from `OTEL_SERVICE_NAME`,
    /// `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`, unless given here.
    ///
    /// - service name: `service`, else `OTEL_SERVICE_NAME`, else `service.name` in `OTEL_RESOURCE_ATTRIBUTES`,
    ///   else `unknown_service:<executable name>` (the specification's default).
    /// - resource attributes: `OTEL_RESOURCE_ATTRIBUTES` (`key=value,...`, values percent-decoded), with
    ///   `resourceAttributes` given here replacing same-named ones.
    /// - sampler: `sampler`, else `OTEL_TRACES_SAMPLER`: `always_on` and `parentbased_always_on` are
    ///   ``Sampler/always``, `always_off` and `parentbased_always_off` ``Sampler/never``, `traceidratio` and
    ///   `parentbased_traceidratio` ``Sampler/ratio(_:)`` of `OTEL_TRACES_SAMPLER_ARG` (default 1.0). TraceKit's
    ///   sampler decides roots only and children follow their parent, so the non-`parentbased_` names behave as
    ///   their `parentbased_` forms. Unset or unknown: ``Sampler/always`` (the default `parentbased_always_on`).
    ///
    /// Values that cannot be understood are ignored and reported to `onWarning` (by default, standard error).
    ///
    /// ```swift
    /// // OTEL_SERVICE_NAME=checkout OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=0.1
    /// try TraceSystem.bootstrap(TraceConfiguration.fromEnvironment(sinks: [writer]))   // 10% of traces
    /// ```
    public static func fromEnvironment(
        _ environment: [String: String] = OTelEnvironment.current,
        service: String? = nil,
        resourceAttributes: TraceAttributes = [:],
        sinks: [any SpanSink] = [],
        sampler: Sampler? = nil,
        limits: SpanLimits = SpanLimits(),
        onWarning: (String) -> Void = OTelEnvironment.printWarning
    ) -> TraceConfiguration {
        var attributes = TraceAttributes()
        if let (name, value) = OTelEnvironment.firstValue(["OTEL_RESOURCE_ATTRIBUTES"], in: environment) {
            let list = OTelEnvironment.keyValueList(value, decodeKeys: false)
            for invalid in list.invalid { onWarning("ignoring '\(invalid)' in \(name): use key=value,...") }
            for (key, value) in list.pairs { attributes[key] = .string(value) }
        }
        for attribute in resourceAttributes { attributes[attribute.key] = attribute.value }
        var serviceName = service ?? OTelEnvironment.firstValue(["OTEL_SERVICE_NAME"], in: environment)?.value
        if serviceName == nil, case .string(let named)? = attributes["service.name"] { serviceName = named }
        // The resource keeps the service name in its own field; an attribute would override it in exports.
        attributes["service.name"] = nil
        let resource = Resource(
            serviceName: serviceName ?? "unknown_service:\(Resource.executableName())", attributes: attributes)
        return TraceConfiguration(
            resource: resource, sinks: sinks,
            sampler: sampler ?? Sampler.fromEnvironment(environment, onWarning: onWarning), limits: limits)
    }
}

extension Sampler {
    /// The sampler `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG` name (see
    /// `TraceConfiguration.fromEnvironment`); ``always`` when unset or not understood.
    static func fromEnvironment(_ environment: [String: String], onWarning: (String) -> Void) -> Sampler {
        guard let (name, value) = OTelEnvironment.firstValue(["OTEL_TRACES_SAMPLER"], in: environment) else {
            return .always
        }
        switch value.trimmingWhitespace().lowercased() {
        case "always_on", "parentbased_always_on":
            return .always
        case "always_off", "parentbased_always_off":
            return .never
        case "traceidratio", "parentbased_traceidratio":
            guard
                let (argumentName, argument) = OTelEnvironment.firstValue(["OTEL_TRACES_SAMPLER_ARG"], in: environment)
            else { return .always }
            guard let ratio = Double(argument.trimmingWhitespace()), (0...1).contains(ratio) else {
                onWarning("ignoring \(argumentName)=\(argument): give a sampling probability from 0 to 1; using 1.0")
                return .always
            }
            return .ratio(ratio)
        default:
            onWarning(
                "ignoring \(name)=\(value): TraceKit knows always_on, always_off, traceidratio and their "
                    + "parentbased_ forms; using parentbased_always_on")
            return .always
        }
    }
}

extension Resource {
    /// The running program's file name (`/proc/self/comm` would be cut at 15 bytes), or `unknown`.
    static func executableName() -> String {
        guard let path = CommandLine.arguments.first, !path.isEmpty else { return "unknown" }
        return String(path.split(separator: "/").last ?? Substring(path))
    }
}
