import Foundation
import PostgresNIO

extension PostgresQuery {
    /// The SQLite store's query `sql`, written once for both stores, its `?` placeholders (in
    /// order, none inside a literal) bound to `dates`.
    init(shared sql: String, _ dates: Date...) {
        var text = ""
        var bindings = PostgresBindings()
        var next = dates.makeIterator()
        for character in sql {
            guard character == "?", let date = next.next() else {
                text.append(character)
                continue
            }
            bindings.append(date)
            text += "$\(bindings.count)"
        }
        self.init(unsafeSQL: text, binds: bindings)
    }
}
