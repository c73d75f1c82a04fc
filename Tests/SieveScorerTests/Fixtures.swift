import SieveCore
import SieveIO

/// Splits documents 80/20 by a hash of their id (a fixed, order-free split).
func split(_ docs: [Document]) -> (train: [Document], test: [Document]) {
    var train: [Document] = [], test: [Document] = []
    for doc in docs {
        let h = doc.id.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        if h % 5 == 0 { test.append(doc) } else { train.append(doc) }
    }
    return (train, test)
}
