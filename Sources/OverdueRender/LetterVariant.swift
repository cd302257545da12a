import Foundation

/// Regional spelling, applied to a rendered letter (every part: subject,
/// text, HTML, SMS) after the language's templates made it. A region
/// writes the language's words with a few rules of its own, so one
/// template set serves them all instead of a copied set per country that
/// drifts apart:
///
/// - de-CH, de-LI: Swiss orthography has no ß ("Grüsse", "schliessen").
///   The rule covers the whole letter, names and policy texts included,
///   as a Swiss writer would type them.
/// - en-US: American spelling and idiom of the words the en templates use
///   ("installment", "call us at", "agree on a plan").
///
/// Dates and amounts need no rule: ICU formats them for the full locale
/// (de-AT writes "Jänner" if its CLDR data says so). To change more than
/// spelling, put files in a `LANG-REGION/` directory of `[brand].templates`
/// (e.g. `en-US/final.text.mustache`): they override that language's
/// files for debtors of that region, and these rules still apply.
enum LetterVariant {
    /// Replacements by locale identifier, applied in order.
    static let rules: [String: [(String, String)]] = [
        "de-CH": swiss, "de-LI": swiss,
        "en-US": [("instalment", "installment"), ("Instalment", "Installment"), ("call us on ", "call us at "),
                  ("agree a ", "agree on a ")],
    ]
    private static let swiss = [("ß", "ss"), ("ẞ", "SS")]

    static func apply(_ identifier: String, _ text: String) -> String {
        guard let rules = rules[identifier] else { return text }
        return rules.reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }
}
