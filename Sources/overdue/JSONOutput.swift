import OverdueCore
import OverdueQueries

/// Prints a JSON value for `--json` output: keys sorted, one document.
func printJSON(_ value: JSONValue) throws {
    print(try value.prettyPrinted())
}
