import Foundation
@testable import OverdueCore
import Testing

/// A second corpus of real bounces, from servers and years the shared one
/// does not cover (2000–2010: Exim, qmail, Postfix, Sendmail, Exchange,
/// GroupWise, Netscape, Yahoo, AOL, SMTP32 and others): the test mail of
/// flufl.bounce 6.0.0 (GNU Mailman's bounce detector), which
/// `scripts/setup-deps.sh --test` fetches from PyPI into
/// `.venv-test/corpora/`. The verdicts are Sisimai's, computed here by the
/// Debian package libsisimai-perl, the same reference parser and the same
/// mapping to hard / soft as ../shared/fixtures/bounces/expected.json, so
/// nothing about this corpus is written down by us. Skipped, with the
/// reason, when either is missing (offline, or not set up).
@Suite("Feedback: flufl.bounce's real bounces against Sisimai's verdicts")
struct FeedbackPackageCorpusTests {
    static let data: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".venv-test/corpora/flufl_bounce-6.0.0/tests/data")

    static var corpusAvailable: Bool { FileManager.default.fileExists(atPath: data.appendingPathComponent("dsn_01.txt").path) }

    static var sisimaiAvailable: Bool { (try? perl(["-MSisimai", "-MJSON", "-e", "1"]))?.status == 0 }

    /// Sisimai's verdict for each file, as expected.json of the shared corpus
    /// was made: vacation and delivered reports included, the reasons that
    /// mean the address or its domain does not exist mapped to hard.
    static let verdictScript = #"""
        use strict; use warnings; use Sisimai; use JSON;
        my %hard = map { $_ => 1 } qw(userunknown hostunknown notaccept hasmoved);
        my %out;
        for my $path (@ARGV) {
          (my $name = $path) =~ s{.*/}{};
          my $list = Sisimai->make($path, 'vacation' => 1, 'delivered' => 1) || [];
          $out{$name} = [ map {
            my $r = $_->reason;
            { recipient => $_->recipient->address, status => ($_->deliverystatus // ''), reason => $r,
              kind => $hard{$r} ? 'hard' : $r eq 'vacation' ? 'auto-reply'
                : ($r eq 'feedback' || $r eq 'delivered') ? 'other' : 'soft' }
          } @$list ];
        }
        print JSON->new->canonical->encode(\%out);
        """#

    static func perl(_ arguments: [String]) throws -> (status: Int32, stdout: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["perl"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }

    /// The message as a mailbox server would hand it over: without the mbox
    /// "From " separator line that some of these files keep (IMAP never shows it).
    static func message(_ bytes: Data) -> [UInt8] {
        let all = Array(bytes)
        guard all.starts(with: Array("From ".utf8)), let newline = all.firstIndex(of: 0x0A) else { return all }
        return Array(all[(newline + 1)...])
    }

    /// Where Sisimai's verdict is not believed (see BounceCorpusScore): each
    /// says in so many words that the address does not exist; Sisimai calls
    /// such a text 'filtered' (refused after DATA) when it cannot tell the
    /// SMTP stage, yet calls the same stage-less wording hard elsewhere.
    static let disputed = [
        "groupwise_02.txt|userx@example.com": "Exchange's 'The recipient name is not recognized … (000C05A6) Unknown Recipient', "
            + "which the reference calls hard in groupwise_01, microsoft_01, microsoft_02 and microsoft_04 (this notice is HTML)",
        "simple_25.txt|userx@example.com": "'No such user', a permanent error by the server's own words; stage not stated",
        "simple_27.txt|userx@example.net.py": "'no such user here. There is no user by that name at this server'; stage not stated",
        "simple_29.txt|userx@example.com": "Exim: '550 unknown user', a permanent error; stage not stated",
        "simple_36.txt|userx@example.com": "'Failed Recipient: … Remote host said: 550 unknown user'; stage not stated",
    ]

    @Test("95 % of the hard bounces found, no soft bounce or automatic reply called hard",
          .enabled(if: corpusAvailable, "flufl.bounce 6.0.0's test mail is not in .venv-test/corpora: scripts/setup-deps.sh --test fetches it from PyPI (offline it cannot)"),
          .enabled(if: sisimaiAvailable, "the reference parser is missing: apt-get install libsisimai-perl (scripts/setup-deps.sh --test does)"))
    func corpus() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.data.path)
            .filter { $0.hasSuffix(".txt") }.sorted()
        let run = try Self.perl(["-e", Self.verdictScript] + files.map { Self.data.appendingPathComponent($0).path })
        #expect(run.status == 0, "Sisimai failed")
        let expected = try JSONDecoder().decode([String: [BounceCorpusScore.Expected]].self, from: run.stdout)
        #expect(expected.count == files.count)

        var score = BounceCorpusScore(disputed: Self.disputed)
        for file in files {
            let bytes = try Data(contentsOf: Self.data.appendingPathComponent(file))
            score.add(file: file, bytes: Self.message(bytes), expected: expected[file] ?? [])
        }
        let report = score.report("flufl.bounce corpus")
        print(report)
        // Enough of the corpus is judged for the numbers to mean something.
        #expect(score.messages >= 90 && score.hard >= 25, "\(score.summary)")
        #expect(score.hardRecallMet, "\(score.summary)")
        #expect(score.falseHard.isEmpty, "false hard bounces (a real customer suppressed):\n\(score.falseHard.joined(separator: "\n"))")
    }
}
