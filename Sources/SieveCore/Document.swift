/// One document on its way through Sieve: the unit every reader emits, every stage
/// processes and every writer stores.
///
/// `text` holds the page's HTML (decoded to UTF-8) before extraction and plain text after it.
/// `metadata` carries everything else (`url`, `warc_date`, `language`, scores, …) losslessly.
public struct Document: Sendable, Hashable {
    public var id: String
    public var text: String
    public var metadata: JSONObject

    public init(id: String, text: String, metadata: JSONObject = [:]) {
        self.id = id
        self.text = text
        self.metadata = metadata
    }
}
