// SieveTokenizer
// Byte-level BPE tokenizer (train, encode, decode, tokenizer.json) and token shard formats.

import SieveCore
