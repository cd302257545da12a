import OverdueCore

/// The account a debtor can pay into by bank transfer, from `[brand]`
/// (`iban`, `bic`, `account_holder`). Letters print it with the invoice
/// numbers as the reference to quote, so a payment can be matched.
public struct BankAccount: Sendable, Equatable {
    /// Without spaces, upper case ("DE89370400440532013000").
    public var iban: String
    public var bic: String?
    /// Who the account belongs to; the brand's name when not set.
    public var holder: String

    public init(iban: String, bic: String? = nil, holder: String) {
        self.iban = Self.compact(iban)
        self.bic = bic.map(Self.compact)
        self.holder = holder
    }

    /// In groups of four, as it is printed on paper ("DE89 3704 0044 0532 0130 00"),
    /// so a reader can copy it without miscounting.
    public var printedIBAN: String {
        stride(from: 0, to: iban.count, by: 4).map { start in
            let from = iban.index(iban.startIndex, offsetBy: start)
            return String(iban[from..<(iban.index(from, offsetBy: 4, limitedBy: iban.endIndex) ?? iban.endIndex)])
        }.joined(separator: " ")
    }

    static func compact(_ text: String) -> String { text.uppercased().filter { !$0.isWhitespace } }

    /// Why `text` is not an IBAN, or nil: ISO 13616, two letters, two check
    /// digits, up to 30 letters or digits, and the check digits right
    /// (ISO 7064 mod 97-10: the number with its first four characters moved
    /// to the end and letters as 10…35 leaves 1). A mistyped IBAN would send
    /// every debtor's money nowhere, so it stops the start.
    public static func ibanProblem(_ text: String) -> String? {
        switch IBAN.problem(compact(text)) {
        case .notAnIBAN: "\"\(text)\" is not an IBAN; write it as your bank prints it, e.g. \"DE89 3704 0044 0532 0130 00\""
        case .checkDigits: "\"\(text)\" fails the IBAN check digits (mod 97): a character is mistyped; copy the IBAN from your bank statement"
        case nil: nil
        }
    }

    /// A BIC (ISO 9362): 4 letters (bank), 2 letters (country), 2 letters or
    /// digits (place), optionally 3 more (branch).
    public static func bicProblem(_ text: String) -> String? {
        let bic = Array(compact(text))
        let alphanumeric = bic.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        return [8, 11].contains(bic.count) && alphanumeric && bic[..<6].allSatisfy(\.isLetter) ? nil
            : "\"\(text)\" is not a BIC; expected 8 or 11 letters and digits such as \"COBADEFFXXX\""
    }
}

extension ConfigSections {
    /// `iban`, `bic` and `account_holder` of `[brand]`: all optional, but a
    /// BIC or holder without an IBAN is a half-made setting, reported.
    func readBankAccount(_ table: TableReader, brandName: String) -> BankAccount? {
        let iban = table.string("iban", expected: "an IBAN such as \"DE89 3704 0044 0532 0130 00\"", check: BankAccount.ibanProblem)
        let bic = table.string("bic", expected: "a BIC such as \"COBADEFFXXX\"", check: BankAccount.bicProblem)
        let holder = table.string("account_holder", expected: "the account holder's name as the bank has it",
                                  check: { FieldRules.text($0, maxLength: 140) })
        guard let iban else {
            for key in ["bic", "account_holder"] where table.has(key) && !table.has("iban") {
                table.report(table.key(key), "is set without [brand].iban; add iban = \"…\" (the account debtors pay into) or remove \(key)")
            }
            return nil
        }
        return BankAccount(iban: iban, bic: bic, holder: holder ?? brandName)
    }
}
