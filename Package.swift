// swift-tools-version:6.0
// The pipeline, one module per concern (docs/ARCHITECTURE.md):
//   inbox → ledger → planner → compose → delivery → log, and feedback back in
// CCurl/Curl: the only network client. CQPDF/CZlib + OverdueDocuments: hybrid PDFs.
// OverdueCalendar: days, business hours, holidays. OverdueMail: MIME written and read.
// OverdueCore: pure domain and the planner (no I/O). OverdueConfig: TOML → typed config.
// OverdueSpool: the durable directory store. OverdueRender: a message's words and documents.
// OverdueTransports: Maildir, SMTP, SMS, webhooks, the IMAP feedback mailbox.
// One module per pipeline stage above them, imports only going down:
// OverdueIngest (inbox → ledger), OverdueDelivery (plan → bytes → transports),
// OverdueQueries (the CLI's read-only views), OverdueDaemon (pass, loop, feedback).
// overdue: the CLI.
import PackageDescription

let package = Package(
    name: "overdue",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "overdue", targets: ["overdue"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(name: "CQPDF", pkgConfig: "libqpdf", providers: [.apt(["libqpdf-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Hybrid e-invoice PDFs (Factur-X, ZUGFeRD, XRechnung) opened with qpdf.
        .target(name: "OverdueDocuments", dependencies: ["CQPDF", "CZlib"]),
        .target(
            name: "Curl",
            dependencies: ["CCurl", .product(name: "Logging", package: "swift-log")]
        ),
        // Days, business hours, public holidays and iCalendar files: the calendar every stage counts days in.
        .target(name: "OverdueCalendar"),
        // Internet mail: MIME written (MailMessage) and read (MIMEReader, headers, encodings, addresses).
        .target(name: "OverdueMail", dependencies: ["OverdueCalendar"]),
        .target(
            name: "OverdueCore",
            dependencies: [
                "OverdueMail",
                "OverdueCalendar",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftCSV", package: "SwiftCSV"),
            ],
            // The readable source of ReferenceRateData.swift (scripts/embed-rates.py).
            exclude: ["Charges/reference-rates.toml"]
        ),
        .target(
            name: "OverdueConfig",
            dependencies: ["OverdueCalendar", "OverdueCore", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .target(
            name: "OverdueSpool",
            dependencies: ["OverdueCalendar", "OverdueCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "OverdueRender",
            dependencies: ["OverdueCalendar", "OverdueCore", "OverdueConfig", .product(name: "Mustache", package: "swift-mustache")]
        ),
        .target(
            name: "OverdueTransports",
            dependencies: [
                "OverdueCore", "OverdueSpool", "Curl",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Inbox → ledger: reads inbox files (JSON, CSV, XML, hybrid PDFs) into the ledger journal; drops into the inbox.
        .target(
            name: "OverdueIngest",
            dependencies: [
                "OverdueCore", "OverdueConfig", "OverdueSpool", "OverdueDocuments",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Plan → the world: builds each planned send's bytes, sends them over the transports, records outcomes.
        .target(
            name: "OverdueDelivery",
            dependencies: [
                "OverdueMail",
                "OverdueCore", "OverdueConfig", "OverdueSpool", "OverdueRender", "OverdueTransports",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The read-only views the CLI prints (plan, preview, status, pending, log, …), without the lock.
        .target(
            name: "OverdueQueries",
            dependencies: [
                "OverdueCalendar",
                "OverdueCore", "OverdueConfig", "OverdueSpool", "OverdueRender", "OverdueTransports", "OverdueIngest", "OverdueDelivery",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The long-running daemon: the pipeline pass, its loop, timers, systemd, the feedback mailbox.
        .target(
            name: "OverdueDaemon",
            dependencies: [
                "OverdueMail",
                "OverdueCore", "OverdueConfig", "OverdueSpool", "OverdueRender", "OverdueTransports",
                "OverdueIngest", "OverdueDelivery", "OverdueQueries",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "overdue",
            dependencies: [
                "OverdueCalendar",
                "OverdueCore", "OverdueConfig", "OverdueSpool", "OverdueIngest", "OverdueQueries", "OverdueDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // FuzzCorpus/: inputs that once broke a reader, read by FuzzTests through #filePath.
        .testTarget(name: "OverdueDocumentsTests", dependencies: ["OverdueDocuments", "OverdueCore", "TestSupport"], exclude: ["FuzzCorpus"]),
        .testTarget(name: "OverdueCalendarTests", dependencies: ["OverdueCalendar"]),
        .testTarget(name: "OverdueMailTests", dependencies: ["OverdueMail", "TestSupport"]),
        .testTarget(name: "CurlTests", dependencies: ["Curl", "TestSupport"]),
        .testTarget(name: "OverdueCoreTests", dependencies: ["OverdueMail", "OverdueCalendar", "OverdueCore", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based")], resources: [.copy("Fixtures")]),
        .testTarget(name: "OverdueConfigTests", dependencies: ["OverdueCalendar", "OverdueConfig"]),
        .testTarget(name: "OverdueSpoolTests", dependencies: ["OverdueCalendar", "OverdueSpool"]),
        .testTarget(
            name: "OverdueTransportsTests",
            dependencies: ["OverdueTransports", "Curl", "TestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "OverdueRenderTests", dependencies: ["TestSupport", "OverdueMail", "OverdueCalendar", "OverdueRender", "OverdueConfig"]),
        .testTarget(
            name: "OverdueDeliveryTests",
            dependencies: ["OverdueCalendar", "OverdueDelivery", "OverdueCore", "OverdueTransports"]
        ),
        .testTarget(name: "OverdueQueriesTests", dependencies: ["OverdueRender", "TestSupport", "OverdueCalendar", "OverdueQueries", "OverdueCore", "OverdueConfig"]),
        .testTarget(
            name: "OverdueDaemonTests",
            dependencies: [
                "OverdueCalendar",
                "OverdueDaemon", "OverdueQueries", "OverdueDelivery", "OverdueIngest", "OverdueCore", "OverdueConfig", "OverdueRender",
                "OverdueSpool", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["overdue", "OverdueSpool", "TestSupport", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Repository checks: the docs name only what exists.
        .testTarget(name: "DocsTests", dependencies: ["OverdueCore"]),
        .target(name: "TestSupport", dependencies: ["OverdueCore"], path: "Tests/TestSupport", resources: [.copy("servers")]),
    ],
    swiftLanguageModes: [.v6]
)
