// SieveDedup
// Deduplication: exact, URL, line/paragraph and MinHash-LSH.

import SieveCore
