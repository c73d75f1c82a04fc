// SieveFilters
// One filter per file (DocumentFilter), following the Gopher, C4 and FineWeb rules as datatrove implements them.

import SieveCore
