import Foundation

/// Small PDFs made at test time by `servers/make_pdf.py`: a hybrid e-invoice
/// (XML embedded as Factur-X does it), a plain PDF, an encrypted one, a
/// FlateDecode bomb, the bomb and a hybrid with their data compressed twice
/// (`[/FlateDecode /FlateDecode]`) and a name tree that loops.
public enum TestPDF {
    public enum Kind: String, Sendable { case hybrid, plain, encrypted, bomb, chainedBomb = "chained-bomb", chained, objectStreamBomb = "objstm-bomb", untypedObjectStreamBomb = "objstm-bomb-untyped", loop }

    /// `xmlType`: mark the embedded file `text/xml` whatever its name.
    public static func make(_ kind: Kind, xml: [UInt8] = Array("<x/>".utf8), embeddedName: String = "factur-x.xml",
                            xmlType: Bool = false) throws -> [UInt8] {
        let folder = try TemporaryDirectory.make(prefix: "overdue-pdf")
        defer { try? FileManager.default.removeItem(at: folder) }
        let xmlFile = folder.appendingPathComponent("in.xml")
        let out = folder.appendingPathComponent("out.pdf")
        try Data(xml).write(to: xmlFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = TestPython.arguments([TestScripts.url("make_pdf.py").path, kind.rawValue, out.path, xmlFile.path, embeddedName]
            + (xmlType ? ["xml-type"] : []))
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        return Array(try Data(contentsOf: out))
    }
}
