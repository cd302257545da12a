import Foundation
@testable import OverdueCore
import Testing

/// National structured references: published examples check, a changed
/// digit fails, and a reference made for an invoice number reads back.
@Suite("Bank statements: national structured references")
struct NationalReferenceTests {
    @Test("published examples check; their bodies are the numbers without leading zeros")
    func publishedExamples() {
        // Belgium: the Febelfin example +++090/9337/55493+++.
        #expect(NationalReference.be.body(of: "090933755493") == "909337554")
        // Finland: Finanssiala's example 1232 (base 123, weights 7-3-1).
        #expect(NationalReference.fi.body(of: "1232") == "123")
        #expect(NationalReference.fi.body(of: "1234561") == "123456")
        // Norway, KID: MOD10 (Luhn) 12345678903 and MOD11 1234567890-less digit forms.
        #expect(NationalReference.no.body(of: "79927398713") == "7992739871")
        // Switzerland: SIX's QR-bill example reference 21 00000 00003 13947 14300 09017.
        #expect(NationalReference.ch.body(of: "210000000003139471430009017") == "21000000000313947143000901")
    }

    @Test("one changed digit or a wrong length fails every scheme's check")
    func changedDigits() {
        for (scheme, valid) in [(NationalReference.be, "090933755493"), (.fi, "1234561"), (.ch, "210000000003139471430009017")] {
            let digits = Array(valid)
            for index in digits.indices {
                var changed = digits
                changed[index] = Character(String((digits[index].wholeNumberValue! + 1) % 10))
                #expect(scheme.body(of: String(changed)) == nil, "\(scheme) \(String(changed))")
            }
            #expect(scheme.body(of: valid + "0") == nil || scheme == .fi)
        }
        #expect(NationalReference.be.body(of: "12345678901") == nil)
        #expect(NationalReference.ch.body(of: "21000000000313947143000901") == nil)
    }

    @Test("made for an invoice number, read back as its digits (1,000 random numbers per scheme)")
    func roundTrip() throws {
        var random = SystemRandomNumberGenerator()
        for scheme in NationalReference.allCases {
            for _ in 0..<1000 {
                let number = String(Int.random(in: 1...9_999_999_999, using: &random))
                let reference = try #require(scheme.make("INV-" + number), "\(scheme) \(number)")
                #expect(scheme.body(of: reference) == number, "\(scheme) \(reference)")
            }
        }
    }

    @Test("candidates: the structured reference, words, and digit groups printed apart")
    func candidates() {
        let found = NationalReference.candidates(reference: nil, text: "Facture +++090/9337/55493+++ QRR 21 00000 00003 13947 14300 09017 merci")
        #expect(found.contains("090933755493") && found.contains("210000000003139471430009017"))
        #expect(NationalReference.candidates(reference: "RF18 5390", text: "no 12").isEmpty == false)
    }
}
