/// Reading back the Message-IDs Baton writes, to know which of its emails a reply answers.
extension MIMEMessage {
    /// The idempotency key of the email `messageID` names, when it is one a runtime with this
    /// `origin` wrote (`<KEY.ORIGIN@baton.local>`, see ``messageID``); nil for any other id.
    ///
    /// ```swift
    /// MIMEMessage.outboxKey(messageID: "<lead-1-follow_up=2Eemail.send.install7@baton.local>", origin: "install7")
    /// // "lead-1-follow_up.email.send"
    /// ```
    public static func outboxKey(messageID: String, origin: String) -> String? {
        var suffix: [UInt8] = []
        if !origin.isEmpty {
            suffix.append(UInt8(ascii: "."))
            appendMessageIDPart(origin, to: &suffix)
        }
        suffix.append(contentsOf: "@baton.local>".utf8)
        let bytes = Array(messageID.utf8)
        guard bytes.count > suffix.count + 1, bytes.first == UInt8(ascii: "<"),
            bytes.suffix(suffix.count).elementsEqual(suffix)
        else { return nil }
        let encoded = bytes[1..<(bytes.count - suffix.count)]
        var key: [UInt8] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let byte = encoded[index]
            if byte == UInt8(ascii: "=") {
                guard index + 2 < encoded.endIndex, let high = TransferEncoding.hex(encoded[index + 1]),
                    let low = TransferEncoding.hex(encoded[index + 2])
                else { return nil }
                key.append(high << 4 | low)
                index += 3
            } else {
                key.append(byte)
                index += 1
            }
        }
        return String(validating: key, as: UTF8.self)
    }
}
