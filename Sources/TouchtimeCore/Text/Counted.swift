/// A count with its noun: "1 phase", "5 phases".
public enum Counted {
    public static func text(_ count: Int, _ singular: String, plural: String? = nil) -> String {
        "\(count) " + (count == 1 ? singular : plural ?? singular + "s")
    }
}
