@testable import OverdueQueries
import Testing

@Suite("Unmatched credits: the key the rest of a partly assigned credit waits under")
struct UnmatchedCreditsTests {
    @Test("K → K/rest → K/rest2 → K/rest3; a key merely containing /rest gets its own")
    func restKeys() {
        #expect(UnmatchedCredits.restKey("DE1:B-7") == "DE1:B-7/rest")
        #expect(UnmatchedCredits.restKey("DE1:B-7/rest") == "DE1:B-7/rest2")
        #expect(UnmatchedCredits.restKey("DE1:B-7/rest2") == "DE1:B-7/rest3")
        #expect(UnmatchedCredits.restKey("DE1:B/restaurant") == "DE1:B/restaurant/rest")
    }
}
