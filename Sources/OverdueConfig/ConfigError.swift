import OverdueCore

/// One problem in a configuration file: which file, which key, what is
/// expected. Printed as `FILE: KEY: PROBLEM`.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// Dotted key path such as "schedule.business_hours" or "policy[1].stages[2].offset_days".
    public var key: String
    public var problem: String

    public var description: String { "\(file): \(key.isEmpty ? "" : "\(key): ")\(problem)" }
}

/// Every problem found in one configuration, so `overdue check` lists them all.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var problems: [ConfigProblem]

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

extension ConfigError: OverdueError {
    public var code: ErrorCode { .configInvalid }
}
