@testable import Curl
import Foundation
import Testing
import TestSupport

@Suite("libcurl wrapper against real loopback servers")
struct CurlTests {
    @Test("sends a real message to an SMTP server on 127.0.0.1")
    func smtpMessage() throws {
        let server = try LoopbackServer(.smtp)
        let message = "From: a@example.test\r\nTo: b@example.test\r\nSubject: hello\r\n\r\nBody line\r\n"
        let easy = EasyHandle()
        try easy.configure(CurlRequest(
            url: "smtp://127.0.0.1:\(server.port)", allowedProtocols: "smtp",
            body: Array(message.utf8), mailFrom: "<a@example.test>", mailRecipients: ["<b@example.test>"]))
        let response = try easy.perform()
        #expect(response.statusCode == 250)
        let files = server.received(withExtension: "eml", atLeast: 1)
        #expect(files.count == 1)
        let stored = try String(contentsOf: files[0], encoding: .utf8)
        #expect(stored.contains("Subject: hello"))
        #expect(stored.contains("Body line"))
        let envelope = try String(contentsOf: files[0].deletingPathExtension().appendingPathExtension("json"), encoding: .utf8)
        #expect(envelope.contains("b@example.test"))
    }

    @Test("an SMTP 550 on RCPT is reported with the server's code")
    func smtpRejectedRecipient() throws {
        let server = try LoopbackServer(.smtp, arguments: ["--reject-rcpt", "nobody"])
        let easy = EasyHandle()
        try easy.configure(CurlRequest(
            url: "smtp://127.0.0.1:\(server.port)", allowedProtocols: "smtp",
            body: Array("Subject: x\r\n\r\ny\r\n".utf8), mailFrom: "<a@example.test>",
            mailRecipients: ["<nobody@example.test>"]))
        do {
            _ = try easy.perform()
            Issue.record("expected a failure")
        } catch {
            #expect(error.detail.contains("550") || error.summary.contains("RCPT"))
        }
    }

    @Test("posts a real body to an HTTP server on 127.0.0.1 through the multi handle")
    func httpPost() async throws {
        let server = try LoopbackServer(.http, arguments: ["--status", "201"])
        let multi = MultiHandle()
        let easy = EasyHandle()
        let body = #"{"hello":"world"}"#
        try easy.configure(CurlRequest(
            url: "http://127.0.0.1:\(server.port)/hook", headers: ["Content-Type: application/json", "X-Test: 1"],
            body: Array(body.utf8)))
        let response = try await multi.perform(easy)
        #expect(response.statusCode == 201)
        #expect(response.header("x-request-number") == "1")
        let files = server.received(withExtension: "json", atLeast: 1)
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: files[0])) as! [String: Any]
        #expect(record["method"] as? String == "POST")
        #expect(record["path"] as? String == "/hook")
        #expect(record["body"] as? String == body)
        #expect((record["headers"] as? [String: String])?["x-test"] == "1")
    }

    @Test("runs 100 transfers concurrently on one multi handle")
    func hundredConcurrent() async throws {
        // Each answer waits 0.2 s, so transfers made one after another would
        // never meet at the server; the server counts how many it holds at once.
        let server = try LoopbackServer(.http, arguments: ["--delay", "0.2"])
        let multi = MultiHandle()
        let codes = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<100 {
                group.addTask {
                    let easy = EasyHandle()
                    try easy.configure(CurlRequest(
                        url: "http://127.0.0.1:\(server.port)/n/\(index)", body: Array("\(index)".utf8)))
                    return try await multi.perform(easy).statusCode
                }
            }
            var codes: [Int] = []
            for try await code in group { codes.append(code) }
            return codes
        }
        #expect(codes.count == 100)
        #expect(codes.allSatisfy { $0 == 200 })
        #expect(multi.activeTransfers == 0)
        let files = server.received(withExtension: "json", atLeast: 100)
        #expect(files.count == 100)
        let records = try files.map { try JSONSerialization.jsonObject(with: Data(contentsOf: $0)) as! [String: Any] }
        #expect(Set(records.map { $0["path"] as! String }) == Set((0..<100).map { "/n/\($0)" }))
        let overlap = records.compactMap { $0["in_flight"] as? Int }.max() ?? 0
        #expect(overlap >= 10, "at most \(overlap) transfers were at the server at once")
    }

    @Test("a refused connection carries the curl code, errno and detail")
    func connectionRefused() async throws {
        // Bind and close to get a port nobody listens on.
        let server = try LoopbackServer(.http)
        let port = server.port
        server.stop()
        let easy = EasyHandle()
        try easy.configure(CurlRequest(url: "http://127.0.0.1:\(port)/", connectTimeoutMilliseconds: 2000))
        do {
            _ = try await MultiHandle().perform(easy)
            Issue.record("expected a failure")
        } catch {
            #expect(error.code == 7)  // CURLE_COULDNT_CONNECT
            #expect(error.osErrno == ECONNREFUSED)
            #expect(error.isTransient)
            #expect(error.description.contains("errno"))
        }
    }
}
