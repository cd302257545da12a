import Foundation

/// The languages letters can be written in: the bundled templates' and
/// those of the user's template directory (`[brand] templates`, one folder
/// per language). The planner holds a debtor whose language is not among
/// them unless `[brand] fallback_language` names one that is: a letter is
/// never sent in a language nobody chose.
public enum TemplateLanguages {
    /// The languages of the bundled templates (`templates/LANG/`).
    public static let bundled: Set<String> = ["en", "de", "fr", "es", "it", "nl", "pl", "pt"]

    /// Bundled plus each language folder of `userDirectory` ("sv/"; a
    /// regional folder such as "en-US/" adds no language).
    public static func available(userDirectory: String?) -> Set<String> {
        guard let userDirectory,
              let names = try? FileManager.default.contentsOfDirectory(atPath: userDirectory) else { return bundled }
        // As the renderer loads them: a lower-case folder with a template
        // in it (an empty or "SV" folder serves no letter, so it must not
        // keep a debtor from being held).
        let folders = names.filter { name in
            name.count >= 2 && name.count <= 3 && name.allSatisfy { $0.isASCII && $0.isLowercase }
                && ((try? FileManager.default.contentsOfDirectory(atPath: "\(userDirectory)/\(name)")) ?? [])
                    .contains { $0.hasSuffix(".mustache") }
        }
        return bundled.union(folders)
    }
}
