import CQPDF
import Foundation

/// qpdf's C API in the few typed calls overdue needs, with its errors
/// mapped in one place (as `Curl` does for libcurl). One document, one
/// thread; object handles live until `close`.
///
/// qpdf reports errors per call through `qpdf_has_error` rather than return
/// codes for the object functions, so every read here checks it and turns a
/// failure into "absent"; `open` and the stream reads turn it into a
/// `HybridPDF.Refusal` naming qpdf's message.
final class QPDFDocument {
    private let handle: qpdf_data
    /// The bytes qpdf reads from: `qpdf_read_memory` does not copy them.
    private var buffer: UnsafeMutableBufferPointer<CChar>?
    private(set) var warnings: [String] = []

    init() {
        handle = qpdf_init()
        qpdf_silence_errors(handle)  // errors come back to us, never to stderr
        qpdf_set_suppress_warnings(handle, QPDF_TRUE)
    }

    func close() {
        var data: qpdf_data? = handle
        qpdf_cleanup(&data)
        buffer?.deallocate()
        buffer = nil
    }

    func open(_ bytes: [UInt8]) throws(HybridPDF.Refusal) {
        let copy = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(bytes.count, 1))
        _ = bytes.withUnsafeBytes { source in memcpy(copy.baseAddress!, source.baseAddress!, bytes.count) }
        buffer = copy
        let status = qpdf_read_memory(handle, "inbox file", copy.baseAddress, UInt64(bytes.count), nil)
        collectWarnings()
        if status & QPDF_ERRORS != 0 || qpdf_has_error(handle) != 0 {
            let message = takeError() ?? "unreadable"
            if message.lowercased().contains("password") {
                throw HybridPDF.Refusal(description: "the PDF is encrypted and needs a password; Factur-X and ZUGFeRD are PDF/A-3, which forbids encryption: export the invoice again without a password")
            }
            throw HybridPDF.Refusal(description: "the file is not a readable PDF (qpdf: \(message)); export the invoice again")
        }
    }

    var isEncrypted: Bool { qpdf_is_encrypted(handle) != 0 }
    var root: qpdf_oh { checked(qpdf_get_root(handle)) ?? 0 }

    // MARK: objects (absent on any error)

    func dictionaryValue(_ object: qpdf_oh, _ key: String) -> qpdf_oh? {
        guard isDictionary(object) || isStream(object), qpdf_oh_has_key(handle, object, key) != 0,
              let value = checked(qpdf_oh_get_key(handle, object, key)), qpdf_oh_is_null(handle, value) == 0 else { return nil }
        return value
    }

    // Handle 0 is what a failed lookup gives back (`?? 0`); qpdf never issues
    // it, and asked about it, it leaves an error nobody takes, which it then
    // prints to stderr ("application did not handle error"; found by FuzzTests).
    func isDictionary(_ object: qpdf_oh) -> Bool { object != 0 && qpdf_oh_is_dictionary(handle, object) != 0 }
    func isArray(_ object: qpdf_oh) -> Bool { object != 0 && qpdf_oh_is_array(handle, object) != 0 }
    func isStream(_ object: qpdf_oh) -> Bool { object != 0 && qpdf_oh_is_stream(handle, object) != 0 }
    func count(_ array: qpdf_oh) -> Int { isArray(array) ? Int(qpdf_oh_get_array_n_items(handle, array)) : 0 }
    func item(_ array: qpdf_oh, _ index: Int) -> qpdf_oh { checked(qpdf_oh_get_array_item(handle, array, Int32(index))) ?? 0 }
    func streamDictionary(_ stream: qpdf_oh) -> qpdf_oh { checked(qpdf_oh_get_dict(handle, stream)) ?? 0 }

    /// Object number and generation of an indirect object, for loop checks.
    func objectID(_ object: qpdf_oh) -> Int64? {
        guard object != 0, qpdf_oh_is_indirect(handle, object) != 0 else { return nil }
        return Int64(qpdf_oh_get_object_id(handle, object)) << 16 | Int64(qpdf_oh_get_generation(handle, object))
    }

    /// A text string (PDFDocEncoding or UTF-16 decoded by qpdf) or a name.
    func text(_ object: qpdf_oh) -> String {
        guard object != 0 else { return "" }
        if qpdf_oh_is_string(handle, object) != 0, let value = qpdf_oh_get_utf8_value(handle, object) {
            return String(cString: value)
        }
        return qpdf_oh_is_name(handle, object) != 0 ? String(name(object).dropFirst()) : ""
    }

    func name(_ object: qpdf_oh) -> String {
        guard object != 0, qpdf_oh_is_name(handle, object) != 0, let value = qpdf_oh_get_name(handle, object) else { return "" }
        return String(cString: value)
    }

    /// The stream's /Filter as a list of names ("/FlateDecode").
    func filters(of stream: qpdf_oh) -> [String] {
        guard let filter = dictionaryValue(streamDictionary(stream), "/Filter") else { return [] }
        if isArray(filter) { return (0..<min(count(filter), 16)).map { name(item(filter, $0)) } }
        return [name(filter)]
    }

    /// A PNG/TIFF predictor in /DecodeParms changes what inflate's output means.
    func hasPredictor(_ stream: qpdf_oh) -> Bool {
        guard var parms = dictionaryValue(streamDictionary(stream), "/DecodeParms") else { return false }
        if isArray(parms) { parms = item(parms, 0) }
        guard let predictor = dictionaryValue(parms, "/Predictor") else { return false }
        return qpdf_oh_get_int_value_as_int(handle, predictor) > 1
    }

    // MARK: stream data

    func rawStreamData(_ stream: qpdf_oh, name: String) throws(HybridPDF.Refusal) -> [UInt8] {
        guard let data = streamData(stream, level: qpdf_dl_none) else {
            throw HybridPDF.Refusal(description: "the embedded \(name) cannot be read (qpdf: \(takeError() ?? warnings.last ?? "no data")); the PDF may be cut short: export the invoice again")
        }
        return data
    }

    func decodedStreamData(_ stream: qpdf_oh) -> [UInt8]? { streamData(stream, level: qpdf_dl_all) }

    private func streamData(_ stream: qpdf_oh, level: qpdf_stream_decode_level_e) -> [UInt8]? {
        var filtered: QPDF_BOOL = QPDF_FALSE
        var pointer: UnsafeMutablePointer<UInt8>?
        var length = 0
        let status = qpdf_oh_get_stream_data(handle, stream, level, &filtered, &pointer, &length)
        collectWarnings()
        defer { free(pointer) }
        guard status & QPDF_ERRORS == 0, qpdf_has_error(handle) == 0, let pointer else { return nil }
        if level != qpdf_dl_none && filtered == QPDF_FALSE { return nil }
        return Array(UnsafeBufferPointer(start: pointer, count: length))
    }

    // MARK: errors

    private func checked(_ object: qpdf_oh) -> qpdf_oh? {
        if qpdf_has_error(handle) != 0 {
            _ = takeError()
            return nil
        }
        return object
    }

    private func takeError() -> String? {
        guard qpdf_has_error(handle) != 0, let error = qpdf_get_error(handle) else { return nil }
        return qpdf_get_error_full_text(handle, error).map { String(cString: $0) }.map(Self.shorten)
    }

    private func collectWarnings() {
        while qpdf_more_warnings(handle) != 0, let warning = qpdf_next_warning(handle) {
            if warnings.count < 8, let text = qpdf_get_error_full_text(handle, warning) {
                warnings.append(Self.shorten(String(cString: text)))
            }
        }
    }

    /// qpdf's messages start with the description given at open ("inbox file: ").
    static func shorten(_ message: String) -> String {
        let trimmed = message.hasPrefix("inbox file") ? String(message.drop { $0 != ":" }.dropFirst()) : message
        return String(trimmed.trimmingCharacters(in: .whitespaces).prefix(200))
    }
}
