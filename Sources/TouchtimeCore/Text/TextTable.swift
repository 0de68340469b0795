

/// Left-aligned columns separated by two spaces; the last column is not padded. Every cell
/// passes the sanitiser: tables show what files and the history hold.
public enum TextTable {
    public static func render(_ rows: [[String]]) -> String {
        let rows = rows.map { $0.map(\.terminalSafe) }
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
